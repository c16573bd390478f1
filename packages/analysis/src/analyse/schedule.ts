import type { Emitter } from '../emit/index.js';
import type { Store } from '../store/index.js';
import { analyseWindow, type ModelSettings } from './cycle.js';
import type { ModelReport } from './report.js';

/** Windows analysed by default: the last hour, day and week. */
export const DEFAULT_WINDOWS: readonly { name: string; ms: number }[] = [
  { name: '1h', ms: 3_600_000 },
  { name: '24h', ms: 86_400_000 },
  { name: '7d', ms: 604_800_000 },
];

/**
 * One analysis cycle: every model version seen in the store, over its configured windows (else
 * `windows`); the reports go to the
 * emitter (which re-emits them as OTel metrics) and are returned. A model whose analysis fails is
 * reported on stderr and skipped, so one bad model does not silence the others.
 */
export function runCycle(
  store: Store,
  settings: ReadonlyMap<string, ModelSettings>,
  nowMs: number,
  emitter?: Emitter,
  windows: readonly { name: string; ms: number }[] = DEFAULT_WINDOWS,
): ModelReport[] {
  const reports: ModelReport[] = [];
  for (const step of cycleSteps(store, settings, nowMs, windows)) {
    const report = step();
    if (report) reports.push(report);
  }
  emitter?.update(reports);
  return reports;
}

/**
 * The same cycle, giving the event loop back between two model windows: ingest and API requests are
 * served while a long cycle runs (the first one after a start computes every threshold).
 */
export async function runCycleYielding(
  store: Store,
  settings: ReadonlyMap<string, ModelSettings>,
  nowMs: number,
  emitter?: Emitter,
  windows: readonly { name: string; ms: number }[] = DEFAULT_WINDOWS,
): Promise<ModelReport[]> {
  const reports: ModelReport[] = [];
  for (const step of cycleSteps(store, settings, nowMs, windows)) {
    await new Promise<void>((resolve) => setImmediate(resolve));
    const report = step();
    if (report) reports.push(report);
  }
  emitter?.update(reports);
  return reports;
}

/** One step per model version and window; a failing one is reported on stderr and yields nothing. */
function* cycleSteps(
  store: Store,
  settings: ReadonlyMap<string, ModelSettings>,
  nowMs: number,
  windows: readonly { name: string; ms: number }[],
): Generator<() => ModelReport | undefined> {
  for (const model of store.models()) {
    const own = settings.get(model.name) ?? {};
    for (const { version } of model.versions) {
      for (const window of own.windows ?? windows) {
        yield () => {
          try {
            return analyseWindow(store, model.name, version, window, nowMs, own);
          } catch (error) {
            console.error(
              `modelpulse: analysis of ${model.name} ${version} over ${window.name} failed: ${(error as Error).message}`,
            );
            return undefined;
          }
        };
      }
    }
  }
}
