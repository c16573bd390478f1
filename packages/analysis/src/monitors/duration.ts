const UNITS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

const PART = /(\d+)(ms|s|m|h|d|w)/y;

/**
 * Parses a monitor's `for` duration in the Prometheus syntax (`15m`, `1h30m`, `90s`, `0s`; units ms, s,
 * m, h, d, w) into milliseconds; `null` when the text is not such a duration. A number is taken as
 * milliseconds only when it is `0` (the default "fire at once").
 */
export function parseMonitorDuration(text: string): number | null {
  if (text === '0') return 0;
  if (text.length === 0) return null;
  let total = 0;
  PART.lastIndex = 0;
  while (PART.lastIndex < text.length) {
    const start = PART.lastIndex;
    const match = PART.exec(text);
    if (!match || match.index !== start) return null;
    total += Number(match[1]) * (UNITS[match[2] as string] as number);
  }
  return Number.isSafeInteger(total) ? total : null;
}
