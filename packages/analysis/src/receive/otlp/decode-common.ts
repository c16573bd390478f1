import type { Attributes, AttributeValue, Scope } from '../model.js';
import {
  ANY_ARRAY,
  ANY_BOOL,
  ANY_BYTES,
  ANY_DOUBLE,
  ANY_INT,
  ANY_KVLIST,
  ANY_STRING,
  KEY_VALUE_KEY,
  KEY_VALUE_VALUE,
  LIST_VALUES,
  RESOURCE_ATTRIBUTES,
  SCOPE_NAME,
  SCOPE_VERSION,
} from './proto-fields.js';
import type { WireReader } from './wire-reader.js';

/**
 * Sets one attribute; a duplicate key keeps the last value. `__proto__` is defined as an own property so
 * a sender cannot swap the prototype of the object the store reads.
 */
export function setAttribute(into: Attributes, key: string, value: AttributeValue): void {
  if (key === '__proto__') {
    Object.defineProperty(into, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    into[key] = value;
  }
}

/** One KeyValue field, added to `into`. */
export function decodeKeyValue(r: WireReader, tag: number, into: Attributes): void {
  const outer = r.enter(tag);
  let key = '';
  let value: AttributeValue = null;
  while (r.pos < r.limit) {
    const t = r.tag();
    if (t === KEY_VALUE_KEY) key = r.string(t);
    else if (t === KEY_VALUE_VALUE) value = decodeAnyValue(r, t);
    else r.skip(t);
  }
  r.leave(outer);
  setAttribute(into, key, value);
}

/** The attributes of points that have none (shared, like every interned set). */
export const NO_ATTRIBUTES: Attributes = Object.freeze({});

/**
 * Attribute sets by their encoded bytes: up to 200 000 runs or 32 MiB of their bytes (whichever comes
 * first; a sender of endless distinct sets cannot grow it further), then started afresh.
 */
const INTERNED_LIMIT = 200_000;
const INTERNED_BYTES = 32 * 1024 * 1024;
let internedBytes = 0;
/** Runs longer than this are decoded without interning (rare, and long keys cost more than they save). */
const INTERNED_MAX_BYTES = 1024;
const interned = new Map<string, Attributes>();

/**
 * The attributes of a data point, read at its first attribute field (tag `tag`, already read). Exporters
 * write the same attribute bytes for a series in every export, so the run of consecutive attribute fields
 * is looked up by its bytes first: a series seen before costs one map lookup, not a decode, and its points
 * share one frozen object (which the store also recognises by identity). Frozen objects are never
 * modified: {@link moreAttributes} copies one before adding to it.
 */
export function internedAttributes(r: WireReader, tag: number): Attributes {
  const start = r.pos;
  const end = r.runEnd(tag);
  const key = end < 0 || end - start > INTERNED_MAX_BYTES ? undefined : r.latin1(start, end);
  const known = key === undefined ? undefined : interned.get(key);
  if (known !== undefined) {
    r.pos = end;
    return known;
  }
  const attributes: Attributes = {};
  decodeKeyValue(r, tag, attributes);
  if (key === undefined) return attributes;
  while (r.pos < end) decodeKeyValue(r, r.tag(), attributes);
  if (interned.size >= INTERNED_LIMIT || internedBytes + key.length > INTERNED_BYTES) {
    interned.clear();
    internedBytes = 0;
  }
  interned.set(key, Object.freeze(attributes));
  internedBytes += key.length;
  return attributes;
}

/** A later attribute field of a point whose attributes were already read (not adjacent to the first). */
export function moreAttributes(r: WireReader, tag: number, attributes: Attributes): Attributes {
  const own = Object.isFrozen(attributes) ? { ...attributes } : attributes;
  decodeKeyValue(r, tag, own);
  return own;
}

/** AnyValue: an empty one is null; int64 beyond 2^53 stays exact as decimal digits; bytes become base64. */
export function decodeAnyValue(r: WireReader, tag: number): AttributeValue {
  const outer = r.enter(tag);
  let value: AttributeValue = null;
  while (r.pos < r.limit) {
    const t = r.tag();
    switch (t) {
      case ANY_STRING:
        value = r.string(t);
        break;
      case ANY_BOOL:
        value = r.bool();
        break;
      case ANY_INT:
        value = r.int64();
        break;
      case ANY_DOUBLE:
        value = r.double(t);
        break;
      case ANY_ARRAY:
        value = decodeArrayValue(r, t);
        break;
      case ANY_KVLIST:
        value = decodeKeyValueList(r, t);
        break;
      case ANY_BYTES:
        value = r.base64(t);
        break;
      default:
        r.skip(t);
    }
  }
  r.leave(outer);
  return value;
}

function decodeArrayValue(r: WireReader, tag: number): AttributeValue[] {
  const outer = r.enter(tag);
  const values: AttributeValue[] = [];
  while (r.pos < r.limit) {
    const t = r.tag();
    if (t === LIST_VALUES) values.push(decodeAnyValue(r, t));
    else r.skip(t);
  }
  r.leave(outer);
  return values;
}

function decodeKeyValueList(r: WireReader, tag: number): Attributes {
  const outer = r.enter(tag);
  const values: Attributes = {};
  while (r.pos < r.limit) {
    const t = r.tag();
    if (t === LIST_VALUES) decodeKeyValue(r, t, values);
    else r.skip(t);
  }
  r.leave(outer);
  return values;
}

/** Resource: only its attributes. A repeated resource field merges, as protobuf merges messages. */
export function decodeResource(r: WireReader, tag: number, into: Attributes): void {
  const outer = r.enter(tag);
  while (r.pos < r.limit) {
    const t = r.tag();
    if (t === RESOURCE_ATTRIBUTES) decodeKeyValue(r, t, into);
    else r.skip(t);
  }
  r.leave(outer);
}

/** InstrumentationScope: name and version. */
export function decodeScope(r: WireReader, tag: number, into: Scope): void {
  const outer = r.enter(tag);
  while (r.pos < r.limit) {
    const t = r.tag();
    if (t === SCOPE_NAME) into.name = r.string(t);
    else if (t === SCOPE_VERSION) into.version = r.string(t);
    else r.skip(t);
  }
  r.leave(outer);
}
