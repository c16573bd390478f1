import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { describe, expect, it } from 'vitest';
import { createModelMonitor, DEFAULT_DURATION_BOUNDARIES } from '../src/index.js';
import { profile } from './profile.js';

interface OtlpMetric {
  name: string;
  unit?: string;
  histogram?: {
    dataPoints: {
      explicitBounds: number[];
      bucketCounts: (number | string)[];
      count: number | string;
      attributes: { key: string; value: Record<string, unknown> }[];
    }[];
  };
}

async function body(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

describe('export through the real OTLP/HTTP metrics exporter', () => {
  it('sends the histograms with the promised bucket bounds to an OTLP endpoint', async () => {
    const received: {
      path: string;
      contentType: string;
      payload: { resourceMetrics: { scopeMetrics: { metrics: OtlpMetric[] }[] }[] };
    }[] = [];
    const server = createServer(async (request, response) => {
      received.push({
        path: request.url ?? '',
        contentType: request.headers['content-type'] ?? '',
        payload: JSON.parse(await body(request)),
      });
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const reader = new PeriodicExportingMetricReader({
      exporter: new OTLPMetricExporter({ url: `http://127.0.0.1:${port}/v1/metrics` }),
      exportIntervalMillis: 3_600_000,
    });
    const provider = new MeterProvider({ readers: [reader] });
    try {
      const monitor = createModelMonitor({
        model: { name: 'loan-rejection', version: '3' },
        profile,
        meter: provider.getMeter('otlp-test'),
      });
      monitor.wrap(() => ({ score: 0.82, label: 'reject', features: { amount: 5, purpose: 'car' } }))();
      await reader.forceFlush();
    } finally {
      await provider.shutdown();
      server.close();
    }
    expect(received[0]?.path).toBe('/v1/metrics');
    expect(received[0]?.contentType).toMatch(/^application\/json/);
    const metrics = received.flatMap((r) =>
      r.payload.resourceMetrics.flatMap((rm) => rm.scopeMetrics.flatMap((s) => s.metrics)),
    );
    const byName = new Map(metrics.map((m) => [m.name, m]));
    const unit = Array.from({ length: 21 }, (_, k) => k / 20);
    for (const [name, bounds, bucket] of [
      ['ml.prediction.score', unit, 17], // 0.82 ∈ (0.8, 0.85]
      ['ml.feature.quantile', unit, 8], // position 0.375 ∈ (0.35, 0.4]
    ] as const) {
      const point = byName.get(name)?.histogram?.dataPoints[0];
      expect(point?.explicitBounds).toEqual(bounds);
      expect(point?.bucketCounts.map(Number)).toEqual(
        Array.from({ length: 22 }, (_, i) => (i === bucket ? 1 : 0)),
      );
    }
    expect(byName.get('ml.prediction.duration')?.unit).toBe('s');
    expect(byName.get('ml.prediction.duration')?.histogram?.dataPoints[0]?.explicitBounds).toEqual(
      DEFAULT_DURATION_BOUNDARIES,
    );
    const attributes = byName.get('ml.prediction.score')?.histogram?.dataPoints[0]?.attributes ?? [];
    expect(Object.fromEntries(attributes.map((a) => [a.key, Object.values(a.value)[0]]))).toEqual({
      'ml.model.name': 'loan-rejection',
      'ml.model.version': '3',
      'ml.prediction.label': 'reject',
      'ml.holdout': false,
    });
  });
});
