import { Hono } from 'hono';
import type { HistoryFilter, MonitorHistory, MonitorState } from '../monitors/evaluate.js';

/**
 * `GET /alerts[?model=…]`: `{ alerts, monitors }` — `alerts` the firing then pending monitors, `monitors`
 * every monitor's state (from the last evaluation).
 * `GET /alerts/history?model=…&version=…&monitor=…` (every filter optional): `{ history }`, the status
 * transitions of each matching monitor, oldest first (the last 100 per monitor).
 *
 * Mounted under `/api` by the app; reads the monitor engine through the two getters so it holds no state.
 */
export function alertRoutes(
  getStatuses: () => readonly MonitorState[],
  getHistory: (filter: HistoryFilter) => readonly MonitorHistory[],
): Hono {
  const app = new Hono();
  const rank = { firing: 0, pending: 1, ok: 2 } as const;

  app.get('/alerts', (c) => {
    const model = c.req.query('model');
    const monitors = getStatuses().filter((s) => model === undefined || s.model === model);
    const alerts = monitors.filter((s) => s.status !== 'ok').sort((a, b) => rank[a.status] - rank[b.status]);
    return c.json({ alerts, monitors });
  });

  app.get('/alerts/history', (c) => {
    const filter: HistoryFilter = {};
    for (const name of ['model', 'version', 'monitor'] as const) {
      const value = c.req.query(name);
      if (value !== undefined) filter[name] = value;
    }
    return c.json({ history: getHistory(filter) });
  });

  return app;
}
