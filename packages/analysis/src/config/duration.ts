import { parseMonitorDuration } from '../monitors/duration.js';

/**
 * Parses a duration such as `500ms`, `30s`, `5m`, `1h30m`, `7d` or `2w` into milliseconds (the Prometheus
 * syntax monitors use too); `undefined` when the text is not one. Zero (`0s`) parses to 0: callers decide
 * whether zero is allowed.
 */
export function parseDuration(text: string): number | undefined {
  return parseMonitorDuration(text.trim()) ?? undefined;
}
