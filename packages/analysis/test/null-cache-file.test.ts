import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nullThreshold, snapshotNullCache } from '@modelpulse/stats';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { NullCacheFile } from '../src/analyse/null-cache-file.js';
import { startServer } from '../src/server.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'modelpulse-null-cache-'));
});
afterEach(() => {
  vi.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
});

describe('NullCacheFile', () => {
  it('saves every cached threshold and reads them back', () => {
    const threshold = nullThreshold('lInfinity', [7, 2, 1], 40, 0.05, { simulations: 1000 });
    const file = new NullCacheFile(join(dir, 'm.db-thresholds.json'));
    file.save();
    const saved = JSON.parse(readFileSync(file.path, 'utf8'));
    expect(saved).toEqual(JSON.parse(JSON.stringify(snapshotNullCache())));
    expect(saved.thresholds.map(([, v]: [string, number]) => v)).toContain(threshold);
    expect(existsSync(`${file.path}.tmp`)).toBe(false);
    expect(file.load()).toBe(saved.thresholds.length + saved.pValueTables.length);
  });

  it('starts cold, without failing, from a missing or damaged file', () => {
    const file = new NullCacheFile(join(dir, 'none.json'));
    expect(file.load()).toBe(0);
    writeFileSync(file.path, '{"format": "modelpulse.null-');
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    expect(file.load()).toBe(0);
    expect(warn.mock.calls[0]?.[0]).toMatch(/ignoring .*none\.json .*thresholds will be recomputed/);
  });

  it('is written beside the database when the service stops', async () => {
    const db = join(dir, 'svc.db');
    nullThreshold('d1', [1, 2, 3], 30, 0.05, { simulations: 1000 });
    const server = await startServer({ port: 0, dbPath: db });
    await server.close();
    const saved = JSON.parse(readFileSync(`${db}-thresholds.json`, 'utf8'));
    expect(saved.format).toBe('modelpulse.null-cache/2');
    expect(saved.thresholds.length).toBeGreaterThan(0);
  });
});
