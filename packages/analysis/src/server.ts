import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type ServerType, serve } from '@hono/node-server';
import { BaselineFiles } from './analyse/baselines.js';
import type { ModelSettings } from './analyse/cycle.js';
import { NullCacheFile } from './analyse/null-cache-file.js';
import type { ModelReport } from './analyse/report.js';
import { runCycle, runCycleYielding } from './analyse/schedule.js';
import { createApp } from './app.js';
import { createEmitter } from './emit/index.js';
import { MonitorEngine } from './monitors/index.js';
import { Store } from './store/index.js';

export interface ServerOptions {
  /** Default 4318, the OTLP/HTTP port, so SDK exporters reach the embedded service unconfigured. */
  port?: number;
  /** Default 127.0.0.1: nothing is exposed beyond the machine unless asked. */
  host?: string;
  /** SQLite file; default ./.modelpulse/modelpulse.db. `:memory:` keeps nothing. */
  dbPath?: string;
  retentionMs?: number;
  ingestToken?: string;
  apiToken?: string;
  bodyLimit?: number;
  /** Per-model analysis settings (baseline profile, positive label, α). */
  models?: Record<string, ModelSettings>;
  /** How often every model is analysed and the results re-emitted; default 60 s. */
  analysisIntervalMs?: number;
}

export interface RunningServer {
  url: string;
  store: Store;
  /** Analyses every model now (as the schedule does) and re-emits the results. */
  analyse(): ModelReport[];
  close(): Promise<void>;
}

/** Opens the store and serves the app until `close()`. Retention is applied every ten minutes. */
export async function startServer({
  port = 4318,
  host = '127.0.0.1',
  dbPath = './.modelpulse/modelpulse.db',
  retentionMs,
  ingestToken,
  apiToken,
  bodyLimit,
  models = {},
  analysisIntervalMs = 60_000,
}: ServerOptions = {}): Promise<RunningServer> {
  if (dbPath !== ':memory:') mkdirSync(dirname(dbPath), { recursive: true });
  const store = Store.open({ path: dbPath, ...(retentionMs ? { retentionMs } : {}) });
  const emitter = createEmitter();
  const monitors = new MonitorEngine();
  const settings = new Map(Object.entries(models));
  // Thresholds computed before a restart (the costly part of a first cycle) come back from beside the db.
  const nullCache = dbPath === ':memory:' ? undefined : new NullCacheFile(`${dbPath}-thresholds.json`);
  nullCache?.load();
  let nullCacheSavedMs: number | undefined;
  const saveNullCache = (nowMs: number) => {
    try {
      nullCache?.save();
      nullCacheSavedMs = nowMs;
    } catch (error) {
      console.warn(`modelpulse: could not save ${nullCache?.path}: ${(error as Error).message}`);
    }
  };
  // Baselines uploaded at run time come back after a restart; configured profiles take precedence.
  const baselines = dbPath === ':memory:' ? undefined : new BaselineFiles(join(dirname(dbPath), 'baselines'));
  for (const [model, profile] of baselines?.load() ?? []) {
    const configured = settings.get(model);
    if (!configured?.profile) settings.set(model, { ...configured, profile });
  }
  const app = createApp({
    store,
    ...(ingestToken ? { ingestToken } : {}),
    ...(apiToken ? { apiToken } : {}),
    ...(bodyLimit ? { bodyLimit } : {}),
    models: settings,
    emitter,
    monitors,
    ...(baselines ? { baselines } : {}),
  });
  const server = await new Promise<ServerType>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port, hostname: host }, () => resolve(s));
    s.once('error', reject);
  });
  const prune = setInterval(() => store.prune(Date.now()), 600_000);
  prune.unref();
  const analyse = () => {
    const now = Date.now();
    const reports = runCycle(store, settings, now, emitter);
    emitter.updateMonitors(monitors.evaluateAll(settings, reports, now));
    return reports;
  };
  // Scheduled cycles yield between model windows so that exports keep being acknowledged meanwhile;
  // one runs at a time (a slow cycle delays the next instead of piling up).
  let running: Promise<void> | undefined;
  const scheduled = async () => {
    const now = Date.now();
    const reports = await runCycleYielding(store, settings, now, emitter);
    emitter.updateMonitors(monitors.evaluateAll(settings, reports, now));
    // after the first cycle (the one that computed most), then every ten minutes
    if (nullCacheSavedMs === undefined || now - nullCacheSavedMs >= 600_000) saveNullCache(now);
  };
  const cycle = setInterval(() => {
    running ??= scheduled()
      .catch((error: Error) => console.error(`modelpulse: analysis cycle failed: ${error.message}`))
      .finally(() => {
        running = undefined;
      });
  }, analysisIntervalMs);
  cycle.unref();
  const address = server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${actualPort}`,
    store,
    analyse,
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(prune);
        clearInterval(cycle);
        server.close(async () => {
          await running; // a cycle in flight finishes before the store closes
          saveNullCache(Date.now());
          void emitter.shutdown().finally(() => {
            store.close();
            resolve();
          });
        });
      }),
  };
}
