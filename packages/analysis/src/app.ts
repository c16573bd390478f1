import { Hono } from 'hono';
import { bearerAuth } from 'hono/bearer-auth';
import { HTTPException } from 'hono/http-exception';
import type { BaselineFiles } from './analyse/baselines.js';
import type { ModelSettings } from './analyse/cycle.js';
import { alertRoutes } from './api/alerts.js';
import { OPENAPI } from './api/openapi.js';
import { reportRoutes } from './api/report.js';
import { apiRoutes } from './api/routes.js';
import type { Emitter } from './emit/index.js';
import type { MonitorEngine } from './monitors/index.js';
import { otlpRoutes } from './receive/http.js';
import type { IngestOptions } from './receive/options.js';
import type { Store } from './store/index.js';

export interface AppOptions extends Partial<IngestOptions> {
  store: Store;
  /** Bearer token the JSON API requires. Default: env `MODELPULSE_API_TOKEN`, else none. */
  apiToken?: string;
  /** Per-model analysis settings (baseline profile, positive label, α); baselines can also be PUT at run time. */
  models?: Record<string, ModelSettings> | Map<string, ModelSettings>;
  /** Serves the re-emitted analysis metrics on GET /metrics (Prometheus text format). */
  emitter?: Emitter;
  /** Monitor states and history behind GET /api/alerts. */
  monitors?: MonitorEngine;
  /** Where uploaded baselines are kept across restarts; without it they live in memory only. */
  baselines?: BaselineFiles;
  /** Clock, for tests. */
  now?: () => number;
}

/**
 * The analysis service as a Hono app: OTLP receiver under /v1, JSON API under /api, health checks.
 * Every error goes through one path: an HTTPException's own response, or a JSON `{ error }` body.
 */
export function createApp({
  store,
  ingestToken = process.env.MODELPULSE_INGEST_TOKEN || undefined,
  apiToken = process.env.MODELPULSE_API_TOKEN || undefined,
  bodyLimit = 32 * 1024 * 1024,
  maxInFlight = 16,
  models = {},
  emitter,
  monitors,
  baselines,
  now = Date.now,
}: AppOptions): Hono {
  const app = new Hono();
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/openapi.json', (c) => c.json(OPENAPI));
  if (emitter) app.get('/metrics', emitter.metricsHandler());
  app.route('/', otlpRoutes(store, { ...(ingestToken ? { ingestToken } : {}), bodyLimit, maxInFlight }));
  if (apiToken) {
    // Answered in JSON like every other API error (bearerAuth's default is plain text).
    const refused = { error: 'Unauthorized: send Authorization: Bearer <MODELPULSE_API_TOKEN>.' };
    app.use(
      '/api/*',
      bearerAuth({
        token: apiToken,
        noAuthenticationHeader: { message: refused },
        invalidToken: { message: refused },
        invalidAuthenticationHeader: {
          message: { error: 'Malformed Authorization header: expected Bearer <token>.' },
        },
      }),
    );
  }
  app.route('/api', apiRoutes(store, now));
  // A Map is shared with the caller (the server's analysis schedule sees uploaded baselines).
  const settings = models instanceof Map ? models : new Map(Object.entries(models));
  app.route('/api', reportRoutes(store, settings, now, baselines));
  if (monitors)
    app.route(
      '/api',
      alertRoutes(
        () => monitors.statuses(),
        (filter) => monitors.history(filter),
      ),
    );
  app.notFound((c) => c.json({ error: `No route for ${c.req.method} ${c.req.path}.` }, 404));
  app.onError((error, c) => {
    if (error instanceof HTTPException) {
      return error.res ?? c.json({ error: error.message }, error.status);
    }
    console.error(error);
    return c.json({ error: 'Internal error; see the service log.' }, 500);
  });
  return app;
}
