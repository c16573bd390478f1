import { HTTPException } from 'hono/http-exception';

const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Parses a window such as `5m`, `1h`, `24h`, `7d`, `30d` into milliseconds; a bad one is a 400. */
export function parseWindow(text: string | undefined, fallback = '1h'): number {
  const value = text ?? fallback;
  const match = /^(\d+)([smhd])$/.exec(value);
  const ms = match ? Number(match[1]) * (UNITS[match[2] as string] as number) : Number.NaN;
  if (!(ms > 0)) {
    throw new HTTPException(400, {
      message: `window must be a whole number followed by s, m, h or d (e.g. 5m, 24h, 7d), got ${JSON.stringify(value)}.`,
    });
  }
  return ms;
}
