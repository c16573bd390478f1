import type { Attributes, AttributeValue } from '../receive/model.js';
import type { AttributeMap } from './types.js';

/**
 * Canonical JSON of an attribute set: keys sorted (recursively in maps), null / absent values dropped,
 * so equal sets give equal strings whatever order the exporter wrote them in.
 */
export function canonicalAttributes(attributes: Attributes): string {
  const keys = Object.keys(attributes);
  for (let i = 1; i < keys.length; i++) {
    if ((keys[i - 1] as string) > (keys[i] as string)) {
      keys.sort();
      break;
    }
  }
  let out = '{';
  for (const key of keys) {
    const value = attributes[key];
    if (value === null || value === undefined) continue;
    if (out.length > 1) out += ',';
    out += `${quotedKey(key)}:${typeof value === 'object' ? canonicalValue(value) : JSON.stringify(value)}`;
  }
  return `${out}}`;
}

/** Attribute keys repeat on every point: their JSON form is cached (bounded: keys are not data). */
const QUOTED = new Map<string, string>();
function quotedKey(key: string): string {
  let quoted = QUOTED.get(key);
  if (quoted === undefined) {
    quoted = JSON.stringify(key);
    if (QUOTED.size < 10_000) QUOTED.set(key, quoted);
  }
  return quoted;
}

function canonicalValue(value: AttributeValue): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalValue).join(',')}]`;
  if (typeof value === 'object') return canonicalAttributes(value);
  return JSON.stringify(value);
}

/** Back from canonical JSON to the flat map queries return; a list or map value becomes its JSON text. */
export function attributeMap(json: string): AttributeMap {
  const parsed = JSON.parse(json) as Record<string, AttributeValue>;
  const out: AttributeMap = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
      out[key] = value;
    else out[key] = JSON.stringify(value);
  }
  return out;
}

/** A scalar attribute as a string (ids and labels may arrive as numbers), or undefined. */
export function stringAttribute(attributes: Attributes, key: string): string | undefined {
  const value = attributes[key];
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}
