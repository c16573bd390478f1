import type { ModelReport } from '../analyse/report.js';

/** Fetches a model's report from a running service. */
export async function fetchReport(
  url: string,
  model: string,
  window: string,
  token: string | undefined,
  version?: string,
): Promise<ModelReport> {
  const query = new URLSearchParams({ window, ...(version ? { version } : {}) });
  const address = `${url}/api/models/${encodeURIComponent(model)}/report?${query}`;
  let response: Response;
  try {
    response = await fetch(address, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  } catch (error) {
    // fetch says only "fetch failed"; the reason (connection refused, unknown host) is its cause.
    const cause = (error as Error & { cause?: { code?: string; message?: string } }).cause;
    throw new Error(
      `cannot reach the service at ${url} (${cause?.code ?? cause?.message ?? (error as Error).message}); is modelpulse serve running there? (--url or MODELPULSE_URL)`,
    );
  }
  const text = await response.text();
  let body: ModelReport | { error: string } | undefined;
  try {
    body = JSON.parse(text) as ModelReport | { error: string };
  } catch {
    body = undefined;
  }
  if (!response.ok || body === undefined || 'error' in body) {
    const reason = body && 'error' in body ? body.error : text.trim() || response.statusText;
    const hint = response.status === 401 ? ' (set MODELPULSE_API_TOKEN to the service’s API token)' : '';
    throw new Error(`${url} answered ${response.status}: ${reason}${hint}`);
  }
  return body;
}

const pct = (v: number | null | undefined) =>
  v === null || v === undefined ? '—' : `${(100 * v).toFixed(1)} %`;
const num = (v: number) => (Math.abs(v) >= 1000 || v === 0 ? v.toFixed(0) : v.toPrecision(3));

/** Skew rows shown; the rest are counted. */
const SKEW_ROWS = 15;

/** The report as readable terminal tables. */
export function formatReport(r: ModelReport): string {
  const lines: string[] = [];
  lines.push(
    `${r.model} ${r.version} · window ${r.window} (${r.from} → ${r.to}) · ${r.predictions} predictions`,
  );
  const labels = Object.entries(r.labels).map(
    ([label, n]) => `${label} ${pct(n / Math.max(1, r.predictions))}`,
  );
  if (labels.length > 0) lines.push(`labels: ${labels.join(', ')}`);
  lines.push('');
  lines.push(`Response drift (reference: ${r.reference.kind})`);
  if (r.drift) {
    lines.push(
      table(
        ['method', 'value', 'threshold', 'alert'],
        r.drift.measures.map((m) => [
          m.method,
          num(m.pValue ?? m.value) + (m.pValue === undefined ? '' : ' (p)'),
          num(m.threshold),
          m.alert ? 'ALERT' : '-',
        ]),
      ),
    );
  } else lines.push('  no reference yet');
  lines.push('');
  lines.push('Training–serving skew (most skewed first)');
  if (r.skew.length > 0) {
    lines.push(
      table(
        ['feature', 'type', 'n', 'distance', 'threshold', 'p-value', 'unseen', 'missing', 'alert'],
        r.skew
          .slice(0, SKEW_ROWS)
          .map((s) => [
            s.feature,
            s.type,
            String(s.n),
            num(s.measures[0]?.value ?? 0),
            num(s.measures[0]?.threshold ?? 0),
            num(s.pValue),
            pct(s.unseenShare),
            `${pct(s.missingRate)}${s.missingChanged ? ' !' : ''}`,
            s.alert ? 'ALERT' : '-',
          ]),
      ),
    );
    if (r.skew.length > SKEW_ROWS) lines.push(`  … ${r.skew.length - SKEW_ROWS} more (--json for all)`);
  } else lines.push('  no feature data in the window (without a profile: or in its reference)');
  lines.push('');
  if (r.holdout) {
    const m = r.holdout.metrics;
    lines.push(
      `Holdout outcomes (positive: ${r.holdout.positive}; ${r.holdout.outcomes} outcomes, coverage ${pct(r.holdout.coverage)})`,
    );
    if (r.holdout.unlabelled > 0)
      lines.push(
        `  ${r.holdout.unlabelled} of them without a predicted label that no stored prediction span supplied: the metrics below count the other ${r.holdout.outcomes - r.holdout.unlabelled}`,
      );
    lines.push(
      table(
        ['metric', 'value', 'interval'],
        (['precision', 'recall', 'f1', 'accuracy', 'baseRate'] as const).map((k) => [
          k,
          pct(m[k].value),
          `${pct(m[k].lower)} – ${pct(m[k].upper)}`,
        ]),
      ),
    );
  }
  if (r.estimated)
    lines.push(
      `Estimated from scores: precision ${pct(r.estimated.precision)}, recall ${pct(r.estimated.recall)}` +
        (r.estimated.probabilities?.source === 'calibrated-from-profile'
          ? ' (scores calibrated on the profile)'
          : ' (raw scores taken as calibrated)'),
    );
  for (const h of r.heuristics) lines.push(`Heuristic ${h.name}: mean ${num(h.mean)} over ${h.count}`);
  for (const note of r.notes) lines.push(`note: ${note}`);
  return lines.join('\n');
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    `  ${cells.map((c, i) => c.padEnd(widths[i] as number)).join('  ')}`.trimEnd();
  return [line(header), line(widths.map((w) => '─'.repeat(w))), ...rows.map(line)].join('\n');
}
