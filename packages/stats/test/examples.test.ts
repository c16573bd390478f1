import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as stats from '../src/index.js';

/**
 * Runs the `@example` block of every JSDoc comment in src/ with the package's exports and the file's own in scope. A line
 * `expression; // expected` is checked: `expected` is a JS literal, `≈ 0.4159` allows the rounding of
 * the digits shown, and text after ` — ` explains. An expected value containing `…` only has to run.
 */
const SRC = join(import.meta.dirname, '..', 'src');

interface Check {
  line: string;
  actual: unknown;
  expected: string;
}

interface Block {
  file: string;
  code: string[];
}

function blocks(): Block[] {
  const out: Block[] = [];
  for (const file of readdirSync(SRC, { recursive: true, encoding: 'utf8' }).filter((f) =>
    f.endsWith('.ts'),
  )) {
    const text = readFileSync(join(SRC, file), 'utf8');
    for (const match of text.matchAll(/@example\n((?: \*(?! @|\/).*\n)+)/g)) {
      out.push({
        file,
        code: (match[1] as string)
          .split('\n')
          .map((l) => l.replace(/^ \* ?/, ''))
          .filter(Boolean),
      });
    }
  }
  return out;
}

async function run(block: Block): Promise<Check[]> {
  // The package's exports plus the file's own, so examples of internal helpers run too.
  const scope: Record<string, unknown> = { ...stats, ...(await import(join(SRC, block.file))) };
  const checks: Check[] = [];
  const body = block.code
    .map((line, i) => {
      const m = /^(?!\s*\/\/)(.*?);\s*\/\/\s*(.+)$/.exec(line);
      return m ? `__check(${i}, (${m[1]}), ${JSON.stringify(m[2])});` : line;
    })
    .join('\n');
  const check = (i: number, actual: unknown, expected: string) =>
    checks.push({ line: block.code[i] as string, actual, expected });
  new Function(...Object.keys(scope), '__check', body)(...Object.values(scope), check);
  return checks;
}

function parseExpected(text: string): { value: unknown; approx: Map<number, number> } | null {
  const claim = (text.split(' — ')[0] as string).trim();
  if (claim.includes('…')) return null;
  const approx = new Map<number, number>();
  const literal = claim.replace(/≈\s*(-?[\d.]+(?:e-?\d+)?)/g, (_, digits: string) => {
    const decimals = digits.split('.')[1]?.replace(/e.*/, '').length ?? 0;
    const exponent = Number(/e(-?\d+)$/.exec(digits)?.[1] ?? 0);
    approx.set(Number(digits), 0.5 * 10 ** (exponent - decimals) * 1.000001);
    return digits;
  });
  return { value: new Function(`return (${literal});`)(), approx };
}

function matches(actual: unknown, expected: unknown, approx: Map<number, number>): boolean {
  if (typeof expected === 'number') {
    if (typeof actual !== 'number') return false;
    const tolerance = approx.get(expected) ?? 1e-12 * Math.max(1, Math.abs(expected));
    return Math.abs(actual - expected) <= tolerance;
  }
  if (Array.isArray(expected)) {
    return (
      Array.isArray(actual) &&
      actual.length === expected.length &&
      expected.every((e, i) => matches(actual[i], e, approx))
    );
  }
  if (typeof expected === 'object' && expected !== null) {
    if (typeof actual !== 'object' || actual === null) return false;
    return Object.entries(expected).every(([k, e]) =>
      matches((actual as Record<string, unknown>)[k], e, approx),
    );
  }
  return Object.is(actual, expected);
}

const all = blocks();

describe('JSDoc examples run and show the right values', () => {
  it('every exported function has an example to check', () => {
    expect(all.length).toBeGreaterThan(30);
  });

  it.each(all.map((b) => [`${b.file}: ${b.code.find((l) => l.includes('//')) ?? b.code[0]}`, b] as const))(
    '%s',
    async (_, block) => {
      for (const c of await run(block)) {
        const expected = parseExpected(c.expected);
        if (expected === null) continue;
        expect(
          matches(c.actual, expected.value, expected.approx),
          `${c.line} gave ${JSON.stringify(c.actual)}`,
        ).toBe(true);
      }
    },
  );
});
