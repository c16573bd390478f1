import { type Attributes, type Counter, diag } from '@opentelemetry/api';
import { ATTR_ML_MONITOR_DROP_REASON, type DropReason } from './semconv.js';

/** Counts what was dropped by reason (`ml.monitor.dropped`) and says why with `diag.warn`. */
export class Drops {
  private readonly attributes = new Map<DropReason, Attributes>();
  constructor(
    private readonly counter: Counter,
    private readonly base: Attributes,
  ) {}

  drop(reason: DropReason, detail: string): void {
    let attributes = this.attributes.get(reason);
    if (!attributes) {
      attributes = { ...this.base, [ATTR_ML_MONITOR_DROP_REASON]: reason };
      this.attributes.set(reason, attributes);
    }
    this.counter.add(1, attributes);
    diag.warn(`@modelpulse/otel: dropped (${reason}): ${detail}`);
  }
}
