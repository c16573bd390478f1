import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Reads test/vectors/<name>.json, generated from scipy / numpy by scripts/vectors/<name>.py. */
export function loadVectors<Case>(name: string): Case[] {
  const doc = JSON.parse(readFileSync(join(import.meta.dirname, 'vectors', `${name}.json`), 'utf8')) as {
    cases: Case[];
  };
  return doc.cases;
}

/** |actual − expected| ≤ tolerance, with a message that shows both. */
export function close(actual: number, expected: number, tolerance = 1e-9): boolean {
  return Math.abs(actual - expected) <= tolerance;
}
