import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createModelMonitor } from '@modelpulse/otel';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { afterAll, describe, expect, it } from 'vitest';

const CLI = join(import.meta.dirname, '..', 'src', 'cli', 'main.ts');
const dir = mkdtempSync(join(tmpdir(), 'modelpulse-restart-'));
const db = join(dir, 'modelpulse.db');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `modelpulse serve` as a real child process on an ephemeral port; resolves with its URL. */
function serve(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--conditions=source', CLI, 'serve', '--port', '0', '--db', db],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const url = /listening on (http:\/\/\S+) /.exec(out)?.[1];
      if (url) resolve({ child, url });
    });
    child.stderr?.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${out}`)));
  });
}

describe('restart', () => {
  it('loses nothing acknowledged when the service is killed (SIGKILL) and started again on the same file', async () => {
    const first = await serve();
    const reader = new PeriodicExportingMetricReader({
      exporter: new OTLPMetricExporter({ url: `${first.url}/v1/metrics`, timeoutMillis: 2000 }),
      exportIntervalMillis: 3_600_000,
    });
    const provider = new MeterProvider({
      resource: resourceFromAttributes({ 'service.instance.id': 'i-1' }),
      readers: [reader],
    });
    const monitor = createModelMonitor({
      model: { name: 'loan-rejection', version: '3' },
      meter: provider.getMeter('m'),
    });
    for (const score of [0.1, 0.2, 0.3, 0.9])
      monitor.recordPrediction({ score, label: 'approve', holdout: false });
    await reader.forceFlush(); // resolves after the service answered 200
    first.child.kill('SIGKILL');
    await new Promise((resolve) => first.child.once('exit', resolve));
    await provider.shutdown().catch(() => {});

    const second = await serve();
    try {
      const response = await fetch(
        `${second.url}/api/models/loan-rejection/histograms?instrument=ml.prediction.score&window=1h`,
      );
      const { series } = (await response.json()) as { series: { count: number; sum: number }[] };
      expect(series).toHaveLength(1);
      expect(series[0]?.count).toBe(4);
      expect(series[0]?.sum).toBeCloseTo(1.5, 12);
    } finally {
      // Waited for: a graceful stop still writes into the directory (checkpoint, saved thresholds), and
      // the directory is removed after this test.
      const exited = new Promise((resolve) => second.child.once('exit', resolve));
      second.child.kill('SIGTERM');
      await exited;
    }
  }, 60_000);
});
