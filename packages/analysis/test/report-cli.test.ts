import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { classificationMetrics } from '@modelpulse/stats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelReport } from '../src/analyse/report.js';
import type { FeatureSkew } from '../src/analyse/skew.js';
import { fetchReport, formatReport } from '../src/cli/report.js';
import { type RunningServer, startServer } from '../src/index.js';
import { otlpJsonBody, scoreRequest } from './otlp-json.js';

/** `modelpulse report`: what it says when the service refuses, is not there, or holds partial data. */

let server: RunningServer;
beforeAll(async () => {
  server = await startServer({ port: 0, dbPath: ':memory:', apiToken: 's3cret' });
  const nowNs = BigInt(Date.now()) * 1_000_000n;
  const body = otlpJsonBody(
    scoreRequest({ name: 'credit', version: '1' }, [
      { counts: [1, 1, 1], bounds: [0.25, 0.75], fromNs: nowNs - 60_000_000_000n, toNs: nowNs },
    ]),
  );
  const response = await fetch(`${server.url}/v1/metrics`, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json' },
  });
  expect(response.status).toBe(200);
});
afterAll(() => server?.close());

describe('modelpulse report: errors', () => {
  it('names the token when the API refuses', async () => {
    await expect(fetchReport(server.url, 'credit', '1h', undefined)).rejects.toThrow(
      `${server.url} answered 401: Unauthorized: send Authorization: Bearer <MODELPULSE_API_TOKEN>. (set MODELPULSE_API_TOKEN to the service’s API token)`,
    );
    const report = await fetchReport(server.url, 'credit', '1h', 's3cret');
    expect(report.predictions).toBe(3);
  });

  it('names the address and the reason when nothing listens there', async () => {
    // A port that was just free: nothing listens there.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise((resolve) => probe.close(resolve));
    await expect(fetchReport(`http://127.0.0.1:${port}`, 'credit', '1h', undefined)).rejects.toThrow(
      `cannot reach the service at http://127.0.0.1:${port} (ECONNREFUSED); is modelpulse serve running there? (--url or MODELPULSE_URL)`,
    );
  });

  it('answers 404 for a version never seen, listing the ones seen', async () => {
    await expect(fetchReport(server.url, 'credit', '1h', 's3cret', '9')).rejects.toThrow(
      'answered 404: No data for version "9" of model "credit" (versions seen: 1).',
    );
  });
});

describe('modelpulse report: tables', () => {
  const feature = (i: number): FeatureSkew => ({
    feature: `f${i}`,
    type: 'numeric',
    n: 100,
    measures: [{ method: 'jensenShannon', value: 0.01, threshold: 0.1, alert: false }],
    pValue: 0.5,
    unseenShare: 0,
    missingRate: 0,
    referenceMissingRate: 0,
    missingChanged: false,
    alert: false,
  });
  const confusion = { tp: 3, fp: 1, fn: 0, tn: 0 };
  const report: ModelReport = {
    model: 'credit',
    version: '1',
    window: '1h',
    from: '2026-11-27T10:00:00.000Z',
    to: '2026-11-27T11:00:00.000Z',
    reference: { kind: 'profile' },
    predictions: 100,
    labels: {},
    drift: null,
    skew: Array.from({ length: 20 }, (_, i) => feature(i)),
    holdout: {
      positive: 'bad',
      confusion,
      metrics: classificationMetrics(confusion),
      outcomes: 416,
      unlabelled: 412,
      coverage: 1,
    },
    estimated: null,
    calibration: null,
    heuristics: [],
    notes: [],
  };

  it('counts the skew rows it leaves out', () => {
    const lines = formatReport(report).split('\n');
    expect(lines.filter((l) => /^ {2}f\d+ +numeric /.test(l))).toHaveLength(15);
    expect(lines).toContain('  … 5 more (--json for all)');
  });

  it('says how many outcomes the holdout metrics could not count', () => {
    expect(formatReport(report)).toContain(
      'Holdout outcomes (positive: bad; 416 outcomes, coverage 100.0 %)\n  412 of them without a predicted label that no stored prediction span supplied: the metrics below count the other 4',
    );
  });
});
