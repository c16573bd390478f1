import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { buildProfile, type Profile, validateProfile } from '@modelpulse/stats';
import { afterAll, describe, expect, it } from 'vitest';
import { DataError, ProfileUsageError, runProfile } from '../src/cli/profile.js';
import { CsvParser } from '../src/cli/read/csv.js';
import { NANNYML_REFERENCE, nannymlAvailable, nannymlReference } from './datasets.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const DATA = join(ROOT, 'examples', 'data');
const ARFF = join(DATA, 'credit-g.arff');
const CSV = join(DATA, 'credit_data.csv');
const CLI = join(import.meta.dirname, '..', 'src', 'cli', 'main.ts');
const CREATED = '2026-01-01T00:00:00.000Z';

const dir = mkdtempSync(join(tmpdir(), 'modelpulse-profile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the command in-process; returns the written profile and what it printed. */
async function profile(args: string[]): Promise<{ profile: Profile; printed: string }> {
  const out = join(dir, `p-${Math.random().toString(36).slice(2)}.json`);
  const stdout = new PassThrough();
  let printed = '';
  stdout.on('data', (chunk: Buffer) => (printed += chunk.toString()));
  const stderr = new PassThrough();
  const code = await runProfile([...args, '--out', out, '--created-at', CREATED], { stdout, stderr });
  expect(code).toBe(0);
  return { profile: validateProfile(JSON.parse(readFileSync(out, 'utf8'))), printed };
}

function write(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

// A small CSV with everything RFC 4180 allows: quoted header, embedded commas, doubled quotes, a line
// break inside a quoted field, CRLF line ends, and missing values spelled '', NA and NaN.
const SMALL_CSV = [
  'id,name,"age",income,city,class,score',
  '1,"Smith, John",34,1200.5,"New ""York""",good,0.1',
  '2,Ann,NA,,Paris,bad,0.9',
  '3,"two\r\nlines",51,3000,"Oslo, NO",good,0.25',
  '4,Bob,28,NaN,Paris,good,0.5',
  '5,"",45,800,NA,bad,1',
  '6,Eve,-3.5e1,1e3,Oslo,good,0',
].join('\r\n');

// The same rows, typed by hand (not through any reader).
const SMALL_ROWS = [
  { name: 'Smith, John', age: 34, income: 1200.5, city: 'New "York"', class: 'good', score: 0.1 },
  { name: 'Ann', age: null, income: null, city: 'Paris', class: 'bad', score: 0.9 },
  { name: 'two\r\nlines', age: 51, income: 3000, city: 'Oslo, NO', class: 'good', score: 0.25 },
  { name: 'Bob', age: 28, income: null, city: 'Paris', class: 'good', score: 0.5 },
  { name: null, age: 45, income: 800, city: null, class: 'bad', score: 1 },
  { name: 'Eve', age: -35, income: 1000, city: 'Oslo', class: 'good', score: 0 },
];
const SMALL_SCHEMA = {
  features: { name: 'categorical', age: 'numeric', income: 'numeric', city: 'categorical' },
  label: 'class',
  score: 'score',
  createdAt: CREATED,
} as const;

describe('modelpulse profile: real data', () => {
  it('profiles credit-g.arff with the kinds its header declares and the documented 700 / 300 balance', async () => {
    const text = readFileSync(ARFF, 'utf8');
    // Independent reading of the header: @attribute NAME TYPE.
    const declared = new Map<string, 'numeric' | 'categorical'>();
    for (const match of text.matchAll(/^@attribute\s+(\S+)\s+(.*)$/gim)) {
      declared.set(
        match[1] as string,
        /^(numeric|real|integer)\b/i.test(match[2] as string) ? 'numeric' : 'categorical',
      );
    }
    declared.delete('class');
    const dataLines = text
      .slice(text.search(/^@data/im))
      .split('\n')
      .slice(1)
      .filter((l) => l.trim() !== '' && !l.startsWith('%'));

    const { profile: p, printed } = await profile([ARFF, '--label', 'class']);

    expect(dataLines.length).toBe(1000);
    expect(p.rows).toBe(1000);
    expect(Object.keys(p.features)).toEqual([...declared.keys()]);
    for (const [name, kind] of declared) expect(p.features[name]?.type, name).toBe(kind);
    expect([...declared.values()].filter((k) => k === 'numeric')).toHaveLength(7);
    expect([...declared.values()].filter((k) => k === 'categorical')).toHaveLength(13);
    expect(p.label).toEqual({ classes: { good: 0.7, bad: 0.3 }, count: 1000, missing: 0 });
    for (const feature of Object.values(p.features)) expect(feature.missing).toBe(0);
    // A quoted nominal value with a space and an unquoted one with a slash, as in the file.
    const purpose = p.features.purpose;
    expect(purpose?.type === 'categorical' && Object.keys(purpose.categories)).toContain('new car');
    expect(purpose?.type === 'categorical' && Object.keys(purpose.categories)).toContain('radio/tv');
    expect(printed).toMatch(/1000 rows/);
    expect(printed).toMatch(/numeric \(7\)/);
    expect(printed).toMatch(/categorical \(13\)/);
    expect(printed).toMatch(/label: good 70\.0 %, bad 30\.0 %/);
  });

  it('profiles credit_data.csv with the NA counts of a plain scan of the file', async () => {
    const lines = readFileSync(CSV, 'utf8').trimEnd().split('\n');
    const header = (lines[0] as string).split(',').map((h) => h.replace(/"/g, ''));
    const missing = new Map(header.map((h) => [h, 0]));
    const classes = new Map<string, number>();
    for (const line of lines.slice(1)) {
      const fields = line.split(',');
      expect(fields).toHaveLength(header.length); // no quoted commas in this file
      fields.forEach((f, i) => {
        if (f === 'NA') missing.set(header[i] as string, (missing.get(header[i] as string) ?? 0) + 1);
      });
      const status = (fields[0] as string).replace(/"/g, '');
      classes.set(status, (classes.get(status) ?? 0) + 1);
    }

    const { profile: p, printed } = await profile([CSV, '--label', 'Status']);

    expect(p.rows).toBe(4454);
    expect(lines.length - 1).toBe(4454);
    expect(Object.keys(p.features)).toEqual(header.filter((h) => h !== 'Status'));
    for (const [name, n] of missing) {
      if (name === 'Status') expect(p.label?.missing).toBe(n);
      else expect(p.features[name]?.missing, name).toBe(n);
    }
    expect([...missing.values()].reduce((a, b) => a + b)).toBeGreaterThan(0);
    expect(p.features.Income?.missing).toBe(missing.get('Income'));
    const labelled = 4454 - (missing.get('Status') ?? 0);
    for (const [status, n] of classes) {
      if (status !== 'NA') expect(p.label?.classes[status], status).toBeCloseTo(n / labelled, 12);
    }
    // Quoted text columns are categorical, bare numbers numeric.
    expect(p.features.Home?.type).toBe('categorical');
    expect(p.features.Income?.type).toBe('numeric');
    expect(p.features.Seniority?.type).toBe('numeric');
    expect(printed).toMatch(/Income \d+ \(8\.\d %\)/);
  });
});

describe('modelpulse profile: labels per score bucket (the calibration table)', () => {
  it('counts each label class per score bucket, checked by hand', async () => {
    const file = write('table.csv', SMALL_CSV);
    const { profile: p, printed } = await profile([file, '--label', 'class', '--score', 'score']);
    const zeros = () => new Array<number>(22).fill(0);
    const good = zeros();
    const bad = zeros();
    // good: 0.1 → (0.05, 0.1], 0.25 → (0.2, 0.25], 0.5 → (0.45, 0.5], 0 → (−∞, 0]; bad: 0.9, 1.
    for (const i of [2, 5, 10, 0]) good[i] = 1;
    for (const i of [18, 20]) bad[i] = 1;
    expect(p.score?.byLabel).toEqual({ good, bad });
    expect(printed).toMatch(/score: 6 values; labels per score bucket from 6 rows \(calibration\)/);
  });

  it('has no table without --score', async () => {
    const file = write('noscore.csv', SMALL_CSV);
    const { profile: p } = await profile([file, '--label', 'class', '--exclude', 'score']);
    expect(p.score).toBeUndefined();
  });

  it.skipIf(!nannymlAvailable)(
    `profiles NannyML's California reference with its positives per score bucket (${NANNYML_REFERENCE})`,
    async () => {
      const { profile: p } = await profile([
        NANNYML_REFERENCE,
        '--label',
        'clf_target',
        '--score',
        'y_pred_proba',
        '--exclude',
        'id,timestamp,y_pred',
      ]);
      // Independent count: the bucket of a score s is the first k with s ≤ k/20.
      const positives = new Array<number>(22).fill(0);
      const negatives = new Array<number>(22).fill(0);
      for (const [score, target] of nannymlReference(['y_pred_proba', 'clf_target'])) {
        let k = 0;
        while (k <= 20 && Number(score) > k / 20) k++;
        const counts = target === '1' ? positives : negatives;
        counts[k] = (counts[k] ?? 0) + 1;
      }
      expect(p.rows).toBe(5832);
      expect(p.score?.byLabel).toEqual({ '1': positives, '0': negatives });
      expect(positives.reduce((a, b) => a + b)).toBe(3716);
    },
  );
});

describe('modelpulse profile: readers', () => {
  it('reads quotes, doubled quotes, embedded commas and line breaks, CRLF: the same profile as hand-typed rows', async () => {
    const file = write('small.csv', SMALL_CSV);
    const { profile: p } = await profile([file, '--label', 'class', '--score', 'score', '--exclude', 'id']);
    expect(p).toEqual(buildProfile(SMALL_ROWS, SMALL_SCHEMA));
    expect(p.features.city?.type === 'categorical' && p.features.city.categories['New "York"']).toBeCloseTo(
      0.2,
    );
  });

  it('reads the same rows from JSON lines and from ARFF', async () => {
    const jsonl = write(
      'small.jsonl',
      `${SMALL_ROWS.map((r, i) => JSON.stringify({ id: i + 1, ...r, income: r.income ?? 'NA' })).join('\n')}\n\n`,
    );
    const fromJson = await profile([jsonl, '--label', 'class', '--score', 'score', '--exclude', 'id']);
    expect(fromJson.profile).toEqual(buildProfile(SMALL_ROWS, SMALL_SCHEMA));

    const quote = (v: string | number | null) =>
      v === null
        ? '?'
        : typeof v === 'number'
          ? String(v)
          : `'${v.replace(/\r\n/g, ' ').replace(/'/g, "\\'")}'`;
    const arff = write(
      'small.arff',
      [
        '% a comment',
        '@relation small',
        "@attribute 'name' string",
        '@attribute age integer',
        '@attribute income real',
        '@attribute city string',
        '@attribute class {good, bad}',
        '@attribute score numeric',
        '@data',
        ...SMALL_ROWS.map((r) => [r.name, r.age, r.income, r.city, r.class, r.score].map(quote).join(', ')),
      ].join('\n'),
    );
    const fromArff = await profile([arff, '--label', 'class', '--score', 'score']);
    const rows = SMALL_ROWS.map((r) => ({ ...r, name: r.name?.replace(/\r\n/g, ' ') ?? null }));
    expect(fromArff.profile).toEqual(buildProfile(rows, SMALL_SCHEMA));
  });

  it('parses the same records whatever the chunk boundaries', () => {
    const records = (chunks: string[]) => {
      const out: [string[], number][] = [];
      const parser = new CsvParser((fields, line) => out.push([fields, line]));
      for (const chunk of chunks) parser.push(chunk);
      parser.end();
      return out;
    };
    const whole = records([SMALL_CSV]);
    expect(whole).toHaveLength(7);
    expect(whole[3]).toEqual([['3', 'two\r\nlines', '51', '3000', 'Oslo, NO', 'good', '0.25'], 4]);
    expect(whole[6]?.[1]).toBe(8); // the line break inside a quoted field counts
    expect(records([...SMALL_CSV])).toEqual(whole);
    for (let cut = 1; cut < SMALL_CSV.length; cut += 7) {
      expect(records([SMALL_CSV.slice(0, cut), SMALL_CSV.slice(cut)])).toEqual(whole);
    }
  });

  it('honours --features, --numeric, --categorical and --na', async () => {
    const file = write('codes.csv', 'zip,amount,flag,class\n01234,5,-,a\n99999,7,x,b\n01234,-,y,a\n');
    const { profile: p } = await profile([
      file,
      '--label',
      'class',
      '--categorical',
      'zip',
      '--features',
      'zip,amount',
      '--na',
      '-',
    ]);
    expect(Object.keys(p.features)).toEqual(['zip', 'amount']);
    expect(p.features.zip).toEqual({
      type: 'categorical',
      count: 3,
      missing: 0,
      categories: { '01234': 2 / 3, '99999': 1 / 3 },
    });
    expect(p.features.amount).toMatchObject({ type: 'numeric', count: 2, missing: 1, min: 5, max: 7 });
    // Without --categorical, zip codes are numbers; with --numeric a text column is an error.
    expect((await profile([file, '--label', 'class', '--na', '-'])).profile.features.zip?.type).toBe(
      'numeric',
    );
    await expect(profile([file, '--label', 'class', '--numeric', 'flag', '--na', '-'])).rejects.toThrow(
      /line 3: column flag is numeric but holds "x"/,
    );
  });
});

describe('modelpulse profile: errors', () => {
  it('names the line of a row with the wrong number of fields', async () => {
    const file = write('ragged.csv', 'a,b,class\n1,2,x\n3,"4,5"\n6,7,y\n');
    const error = await profile([file, '--label', 'class']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataError);
    expect((error as Error).message).toBe('line 3: found 2 fields, but the header has 3 columns.');
  });

  it('rejects a score outside [0, 1] with its line', async () => {
    const file = write('score.csv', 'a,class,p\n1,x,0.5\n2,y,1.5\n');
    await expect(profile([file, '--label', 'class', '--score', 'p'])).rejects.toThrow(
      /^line 3: column p must hold values in \[0, 1\], got 1\.5\.$/,
    );
  });

  it('lists the columns for an unknown label and names a missing file', async () => {
    const error = await profile([CSV, '--label', 'status']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProfileUsageError);
    expect((error as Error).message).toMatch(
      /unknown label column "status"; the file's columns are: Status, Seniority, Home/,
    );
    await expect(profile([join(dir, 'nope.csv'), '--label', 'x'])).rejects.toThrow(
      /^file not found: .*nope\.csv\.$/,
    );
    await expect(profile([join(dir, 'data.txt'), '--label', 'x'])).rejects.toThrow(/pass --format/);
    await expect(profile([CSV])).rejects.toThrow(/--label/);
    const quiet = { stdout: new PassThrough(), stderr: new PassThrough() };
    await expect(
      runProfile([CSV, '--label', 'Status', '--out', join(dir, 'absent', 'folder', 'baseline.json')], quiet),
    ).rejects.toThrow(`--out: folder ${join(dir, 'absent', 'folder')} does not exist.`);
  });
});

describe('modelpulse profile: the CLI as a child process', () => {
  const run = (...args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', '--conditions=source', CLI, 'profile', ...args], {
      cwd: ROOT,
      encoding: 'utf8',
    });

  it('exits 0 and writes the profile', () => {
    const out = join(dir, 'cli-baseline.json');
    const result = run(ARFF, '--label', 'class', '--out', out);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/profiled .*credit-g\.arff: 1000 rows/);
    const p = validateProfile(JSON.parse(readFileSync(out, 'utf8')));
    expect(p.rows).toBe(1000);
  });

  it('exits 2 and lists the columns for an unknown --label', () => {
    const out = join(dir, 'cli-unknown.json');
    const result = run(CSV, '--label', 'status', '--out', out);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/unknown label column "status"; the file's columns are: Status, Seniority/);
    expect(existsSync(out)).toBe(false);
  });

  it('exits 1 on a data error and leaves no output file behind', () => {
    const sub = mkdtempSync(join(dir, 'bad-'));
    const file = join(sub, 'bad.csv');
    writeFileSync(file, `a,class\n${'1,x\n'.repeat(1000)}2,y,extra\n`);
    const out = join(sub, 'out.json');
    const result = run(file, '--label', 'class', '--out', out);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/line 1002: found 3 fields, but the header has 2 columns/);
    expect(readdirSync(sub)).toEqual(['bad.csv']);
  });
});
