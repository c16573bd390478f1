import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildProfile } from '@modelpulse/stats';
import { afterAll, describe, expect, it } from 'vitest';
import { startServer } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'modelpulse-baselines-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const now = BigInt(Date.now()) * 1_000_000n;
const scores = JSON.stringify({
  resourceMetrics: [
    {
      resource: { attributes: [] },
      scopeMetrics: [
        {
          scope: { name: '@modelpulse/otel' },
          metrics: [
            {
              name: 'ml.prediction.score',
              histogram: {
                aggregationTemporality: 1,
                dataPoints: [
                  {
                    attributes: [
                      { key: 'ml.model.name', value: { stringValue: 'm' } },
                      { key: 'ml.model.version', value: { stringValue: '1' } },
                    ],
                    startTimeUnixNano: String(now - 1_000_000_000n),
                    timeUnixNano: String(now),
                    count: '4',
                    sum: 1.6,
                    bucketCounts: ['0', ...Array.from({ length: 21 }, (_, i) => (i === 7 ? '4' : '0'))],
                    explicitBounds: Array.from({ length: 21 }, (_, k) => k / 20),
                  },
                ],
              },
            },
          ],
        },
      ],
    },
  ],
});

describe('baselines uploaded at run time', () => {
  it('survive a restart of the service on the same database', async () => {
    const db = join(dir, 'modelpulse.db');
    const profile = buildProfile(
      [0.1, 0.2, 0.4, 0.6].map((score) => ({ score, x: score * 10 })),
      { features: { x: 'numeric' }, score: 'score', createdAt: '2026-01-01' },
    );
    const first = await startServer({ port: 0, dbPath: db });
    const post = await fetch(`${first.url}/v1/metrics`, {
      method: 'POST',
      body: scores,
      headers: { 'content-type': 'application/json' },
    });
    expect(post.status).toBe(200);
    const put = await fetch(`${first.url}/api/models/m/baseline`, {
      method: 'PUT',
      body: JSON.stringify(profile),
      headers: { 'content-type': 'application/json' },
    });
    expect(put.status).toBe(200);
    await first.close();

    const second = await startServer({ port: 0, dbPath: db });
    try {
      const report = (await (await fetch(`${second.url}/api/models/m/report?window=1h`)).json()) as {
        reference: { kind: string };
        drift: unknown;
      };
      expect(report.reference).toEqual({ kind: 'profile' });
      expect(report.drift).not.toBeNull();
    } finally {
      await second.close();
    }
  });
});
