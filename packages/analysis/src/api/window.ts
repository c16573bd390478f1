import { HTTPException } from 'hono/http-exception';
import { parseDuration } from '../config/duration.js';

/**
 * Parses a window in the configuration's duration syntax (`5m`, `1h`, `24h`, `7d`, `2w`, `1h30m`) into
 * milliseconds, so any window a config names can be asked for by the same name; a bad one is a 400.
 */
export function parseWindow(text: string | undefined, fallback = '1h'): number {
  const value = text ?? fallback;
  const ms = parseDuration(value) ?? Number.NaN;
  if (!(ms > 0)) {
    throw new HTTPException(400, {
      message: `window must be a positive duration such as 5m, 24h, 7d, 2w or 1h30m (units ms, s, m, h, d, w), got ${JSON.stringify(value)}.`,
    });
  }
  return ms;
}
