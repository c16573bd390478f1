import type { Attributes, AttributeValue, Scope } from '../model.js';
import { setAttribute } from './decode-common.js';
import { OtlpDecodeError } from './errors.js';
import { MAX_DEPTH } from './wire-reader.js';

/**
 * Helpers for OTLP/JSON (the protobuf JSON mapping with OTLP's exceptions: hex ids, integer enums).
 * Every reader takes the JSON path of the value so a wrong type is reported where it is.
 */

export type JsonObject = { readonly [key: string]: unknown };

const utf8 = new TextDecoder('utf-8', { fatal: true });
// Bounded digit counts keep BigInt / Number parsing cheap on hostile input (int64 has 19 digits, uint64 20).
const DIGITS = /^-?\d{1,19}$/;
const UNSIGNED = /^\d{1,20}$/;
// Unambiguous alternatives, so a long digit run cannot make the regex backtrack quadratically.
const DECIMAL = /^-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const HEX = /^[0-9a-fA-F]*$/;
const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;
const MAX_U64 = (1n << 64n) - 1n;

export function parseJson(body: Uint8Array): unknown {
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    throw new OtlpDecodeError('body is not valid UTF-8');
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new OtlpDecodeError(`invalid JSON: ${(error as Error).message}`);
  }
}

export function fail(path: string, expected: string, got: unknown): never {
  throw new OtlpDecodeError(`${path}: expected ${expected}, got ${describe(got)}`);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') {
    return value.length > 40 ? `${JSON.stringify(value.slice(0, 40))}…` : JSON.stringify(value);
  }
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}

export function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

/**
 * A field by its lowerCamelCase name or, as receivers must also accept, its original proto name. null is
 * the JSON mapping's "default value" and reads as absent. Only own properties count.
 */
export function get(o: JsonObject, camel: string, snake?: string): unknown {
  const value = Object.hasOwn(o, camel) ? o[camel] : undefined;
  if (value !== undefined && value !== null) return value;
  if (snake === undefined || !Object.hasOwn(o, snake)) return undefined;
  const other = o[snake];
  return other === null ? undefined : other;
}

export function object(value: unknown, path: string): JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(path, 'an object', value);
  return value as JsonObject;
}

/** A repeated field: absent is empty. */
export function list(value: unknown, path: string): readonly unknown[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) fail(path, 'an array', value);
  return value;
}

export function string(value: unknown, path: string): string {
  if (value === undefined) return '';
  if (typeof value !== 'string') fail(path, 'a string', value);
  return value;
}

export function bool(value: unknown, path: string): boolean {
  if (value === undefined) return false;
  if (typeof value !== 'boolean') fail(path, 'true or false', value);
  return value;
}

/** fixed64 / uint64 timestamp: a decimal string or an integral number. */
export function uint64(value: unknown, path: string): bigint {
  if (value === undefined) return 0n;
  if (typeof value === 'string' && UNSIGNED.test(value)) {
    const big = BigInt(value);
    if (big <= MAX_U64) return big;
  } else if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value < 2 ** 64) {
    return BigInt(value);
  }
  return fail(path, 'an unsigned 64-bit integer (decimal string or number)', value);
}

/** A count (fixed64 / uint64): exact only below 2^53, so larger ones are refused. */
export function count(value: unknown, path: string): number {
  if (value === undefined) return 0;
  const n = typeof value === 'string' && UNSIGNED.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) {
    fail(path, 'a non-negative integer below 2^53 (decimal string or number)', value);
  }
  return n;
}

/** sfixed64 metric value as the nearest double. */
export function int64Value(value: unknown, path: string): number {
  if (typeof value === 'string' && DIGITS.test(value)) return Number(value);
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  return fail(path, 'a 64-bit integer (decimal string or number)', value);
}

/** int64 attribute: a number when exact, else its decimal digits (as the protobuf decoder keeps them). */
export function int64Attribute(value: unknown, path: string): number | string {
  if (typeof value === 'number' && Number.isInteger(value) && value >= -(2 ** 63) && value < 2 ** 63) {
    return Number.isSafeInteger(value) ? value : BigInt(value).toString();
  }
  if (typeof value === 'string' && DIGITS.test(value)) {
    const big = BigInt(value);
    if (big >= -(1n << 63n) && big < 1n << 63n) {
      const n = Number(big);
      return Number.isSafeInteger(n) ? n : big.toString();
    }
  }
  return fail(path, 'a 64-bit integer (decimal string or number)', value);
}

/** double: a number, "NaN", "Infinity", "-Infinity" or a decimal string (protobuf JSON mapping). */
export function double(value: unknown, path: string): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string') {
    if (value === 'NaN') return Number.NaN;
    if (value === 'Infinity') return Number.POSITIVE_INFINITY;
    if (value === '-Infinity') return Number.NEGATIVE_INFINITY;
    if (DECIMAL.test(value)) return Number(value);
  }
  return fail(path, 'a number', value);
}

/** uint32 (flags). */
export function uint32(value: unknown, path: string): number {
  if (value === undefined) return 0;
  const n = typeof value === 'string' && UNSIGNED.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 0xffffffff) {
    fail(path, 'an unsigned 32-bit integer', value);
  }
  return n;
}

/** Enum: OTLP/JSON sends the integer; the protobuf JSON mapping's value names are accepted too. */
export function enumValue(value: unknown, path: string, names: Readonly<Record<string, number>>): number {
  if (value === undefined) return 0;
  if (typeof value === 'number' && Number.isInteger(value) && Math.abs(value) <= 0x7fffffff) return value;
  if (typeof value === 'string' && Object.hasOwn(names, value)) return names[value]!;
  return fail(path, `an enum integer or one of ${Object.keys(names).join(', ')}`, value);
}

/** Trace / span id: hex as OTLP/JSON writes it (not base64); empty is absent (''). */
export function hexId(value: unknown, path: string, bytes: number): string {
  if (value === undefined || value === '') return '';
  if (typeof value !== 'string' || value.length !== bytes * 2 || !HEX.test(value)) {
    fail(path, `${bytes * 2} hex digits`, value);
  }
  return value.toLowerCase();
}

/** bytes: base64 (standard or URL-safe), normalised to standard base64 like the protobuf decoder's. */
function base64(value: unknown, path: string): string {
  if (typeof value !== 'string' || !BASE64.test(value)) fail(path, 'base64 bytes', value);
  return Buffer.from(value, 'base64').toString('base64');
}

export function attributes(value: unknown, path: string): Attributes {
  return keyValues(value, path, {}, 0);
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Path of the AnyValue at `${base}[${index}]${suffix}`, built only for an error message. */
function at(base: string, index: number, suffix: string, field: string): string {
  return `${base}[${index}]${suffix}${field}`;
}

/** A KeyValue list (attributes, kvlist values) into `into`. Valid input builds no path strings. */
function keyValues(value: unknown, path: string, into: Attributes, depth: number): Attributes {
  const items = list(value, path);
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    if (!isObject(item)) fail(`${path}[${i}]`, 'an object', item);
    const key = get(item, 'key');
    if (key !== undefined && typeof key !== 'string') fail(`${path}[${i}].key`, 'a string', key);
    setAttribute(into, key ?? '', anyValue(get(item, 'value'), path, i, '.value', depth));
  }
  return into;
}

/** AnyValue: the first value field present wins; an empty one is null (like the protobuf decoder). */
function anyValue(
  value: unknown,
  base: string,
  index: number,
  suffix: string,
  depth: number,
): AttributeValue {
  if (value === undefined) return null;
  if (!isObject(value)) fail(at(base, index, suffix, ''), 'an AnyValue object', value);
  if (depth > MAX_DEPTH) {
    throw new OtlpDecodeError(`${at(base, index, suffix, '')}: values nested deeper than ${MAX_DEPTH}`);
  }
  let v = get(value, 'stringValue', 'string_value');
  if (v !== undefined)
    return typeof v === 'string' ? v : fail(at(base, index, suffix, '.stringValue'), 'a string', v);
  v = get(value, 'boolValue', 'bool_value');
  if (v !== undefined)
    return typeof v === 'boolean' ? v : fail(at(base, index, suffix, '.boolValue'), 'true or false', v);
  v = get(value, 'intValue', 'int_value');
  if (v !== undefined) {
    return typeof v === 'number' && Number.isSafeInteger(v)
      ? v
      : int64Attribute(v, at(base, index, suffix, '.intValue'));
  }
  v = get(value, 'doubleValue', 'double_value');
  if (v !== undefined) return typeof v === 'number' ? v : double(v, at(base, index, suffix, '.doubleValue'));
  v = get(value, 'arrayValue', 'array_value');
  if (v !== undefined) {
    const path = at(base, index, suffix, '.arrayValue');
    const items = list(get(object(v, path), 'values'), `${path}.values`);
    return items.map((item, i) => anyValue(item, `${path}.values`, i, '', depth + 1));
  }
  v = get(value, 'kvlistValue', 'kvlist_value');
  if (v !== undefined) {
    const path = at(base, index, suffix, '.kvlistValue');
    return keyValues(get(object(v, path), 'values'), `${path}.values`, {}, depth + 1);
  }
  v = get(value, 'bytesValue', 'bytes_value');
  if (v !== undefined) return base64(v, at(base, index, suffix, '.bytesValue'));
  return null;
}

/** Repeated double (explicit bounds); element paths are built only for an error message. */
export function doubles(value: unknown, path: string): number[] {
  const items = list(value, path);
  const out: number[] = [];
  for (let i = 0; i < items.length; i++) {
    const v = items[i];
    out.push(typeof v === 'number' ? v : double(v, `${path}[${i}]`));
  }
  return out;
}

/** Repeated fixed64 counts (bucket counts); element paths are built only for an error message. */
export function counts(value: unknown, path: string): number[] {
  const items = list(value, path);
  const out: number[] = [];
  for (let i = 0; i < items.length; i++) {
    const v = items[i];
    out.push(typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : count(v, `${path}[${i}]`));
  }
  return out;
}

export function resource(value: unknown, path: string): Attributes {
  if (value === undefined) return {};
  return keyValues(get(object(value, path), 'attributes'), `${path}.attributes`, {}, 0);
}

export function scope(value: unknown, path: string): Scope {
  if (value === undefined) return { name: '', version: '' };
  const o = object(value, path);
  return {
    name: string(get(o, 'name'), `${path}.name`),
    version: string(get(o, 'version'), `${path}.version`),
  };
}
