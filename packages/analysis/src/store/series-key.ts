import type { Attributes } from '../receive/model.js';
import { stringAttribute } from './canonical.js';
import type { InstrumentKind } from './instruments.js';

/**
 * What identifies one stored time series. Two points belong to the same series exactly when all of these
 * are equal. The resource is all resource attributes, canonicalised (in practice `service.name` +
 * `service.instance.id`): every instance of a service is its own series, and queries sum their deltas.
 * Histogram bounds are part of the key, so a series whose bucket layout changes starts a new series
 * rather than adding counts of different buckets together.
 */
export interface SeriesIdentity {
  kind: InstrumentKind;
  instrument: string;
  model: string;
  version: string;
  scope: string;
  /** canonical JSON of the resource attributes */
  resource: string;
  /** canonical JSON of the point attributes */
  attributes: string;
  /** explicit bounds; null for counters and for histograms without buckets (count and sum only) */
  bounds: readonly number[] | null;
}

export function seriesKey(id: SeriesIdentity): string {
  // The two JSON objects are balanced `{…}`, so the concatenation is unambiguous.
  return (
    JSON.stringify([id.kind, id.instrument, id.model, id.version, id.scope, id.bounds]) +
    id.attributes +
    id.resource
  );
}

/** The instance a resource stands for in `models()`: `service.instance.id`, else `service.name`. */
export function instanceOf(resource: Attributes): string {
  return stringAttribute(resource, 'service.instance.id') ?? stringAttribute(resource, 'service.name') ?? '';
}
