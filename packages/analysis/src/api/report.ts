import { validateProfile } from '@modelpulse/stats';
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { BaselineFiles } from '../analyse/baselines.js';
import { analyseWindow, type ModelSettings } from '../analyse/cycle.js';
import type { Store } from '../store/index.js';
import { parseWindow } from './window.js';

/**
 * `GET /models/:model/report?window=24h[&version=…]`: every analysis of one model version over one
 * window, as one JSON document (the latest version seen when none is named).
 * `PUT /models/:model/baseline`: sets the model's baseline profile at run time (validated; a bad one is
 * a 400 naming the field), kept across restarts when a baseline folder is given.
 */
export function reportRoutes(
  store: Store,
  settings: Map<string, ModelSettings>,
  now: () => number,
  baselines?: BaselineFiles,
): Hono {
  const app = new Hono();

  app.get('/models/:model/report', (c) => {
    const model = c.req.param('model');
    const windowName = c.req.query('window') ?? '24h';
    const ms = parseWindow(windowName);
    const versions = store.models().find((m) => m.name === model)?.versions ?? [];
    const version =
      c.req.query('version') ?? [...versions].sort((a, b) => b.lastSeenMs - a.lastSeenMs)[0]?.version;
    if (version === undefined)
      throw new HTTPException(404, { message: `No data for model ${JSON.stringify(model)}.` });
    if (!versions.some((v) => v.version === version))
      throw new HTTPException(404, {
        message: `No data for version ${JSON.stringify(version)} of model ${JSON.stringify(model)} (versions seen: ${versions.map((v) => v.version).join(', ')}).`,
      });
    return c.json(
      analyseWindow(store, model, version, { name: windowName, ms }, now(), settings.get(model) ?? {}),
    );
  });

  app.put('/models/:model/baseline', async (c) => {
    const model = c.req.param('model');
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      throw new HTTPException(400, {
        message: 'The baseline must be a JSON profile document (see modelpulse profile).',
      });
    }
    let profile: ReturnType<typeof validateProfile>;
    try {
      profile = validateProfile(body);
    } catch (error) {
      throw new HTTPException(400, { message: (error as Error).message });
    }
    baselines?.save(model, profile);
    settings.set(model, { ...settings.get(model), profile });
    return c.json({ model, features: Object.keys(profile.features).length, rows: profile.rows });
  });

  return app;
}
