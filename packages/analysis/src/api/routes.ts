import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { Store } from '../store/index.js';
import { parseWindow } from './window.js';

/** Read API over what is stored: models, and summed histograms / counters for any window. */
export function apiRoutes(store: Store, now: () => number = Date.now): Hono {
  const app = new Hono();

  app.get('/models', (c) => c.json({ models: store.models() }));

  // Window sums per attribute set, for histogram and counter instruments alike.
  for (const [path, read] of [
    ['histograms', (q: WindowQuery) => store.histograms(q)],
    ['counters', (q: WindowQuery) => store.counters(q)],
  ] as const) {
    app.get(`/models/:model/${path}`, (c) => {
      const query = windowQuery(
        c.req.param('model'),
        c.req.query('instrument'),
        c.req.query('window'),
        c.req.query('version'),
        now(),
      );
      return c.json({ ...describe(query), series: read(query) });
    });
  }

  return app;
}

interface WindowQuery {
  model: string;
  instrument: string;
  fromMs: number;
  toMs: number;
  version?: string;
}

function windowQuery(
  model: string,
  instrument: string | undefined,
  window: string | undefined,
  version: string | undefined,
  nowMs: number,
): WindowQuery {
  if (!instrument)
    throw new HTTPException(400, { message: 'instrument is required, e.g. ?instrument=ml.prediction.score' });
  const ms = parseWindow(window);
  // Buckets are selected by their start: the window reaches back `ms` and includes the current bucket.
  return { model, instrument, fromMs: nowMs - ms, toMs: nowMs + 1, ...(version ? { version } : {}) };
}

function describe(q: WindowQuery) {
  return {
    model: q.model,
    instrument: q.instrument,
    version: q.version ?? null,
    from: new Date(q.fromMs).toISOString(),
    to: new Date(q.toMs).toISOString(),
  };
}
