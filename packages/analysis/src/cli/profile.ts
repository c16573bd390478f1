import { rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { buildProfile, type Profile, type ProfileSchema } from '@modelpulse/stats';
import { ProgressBar } from './progress.js';
import {
  type Column,
  type ColumnData,
  type ColumnKind,
  DATA_FORMATS,
  DataError,
  type DataFormat,
  formatOf,
  ProfileUsageError,
  readTable,
  type Table,
  type TablePlan,
} from './read/index.js';

export { DataError, ProfileUsageError } from './read/index.js';

export const PROFILE_USAGE = `  profile DATA       build the baseline profile of training data (CSV, ARFF or JSON lines)
    --label COL        column holding the true label (required)
    --score COL        column holding the model's score in [0, 1]; the profile then also counts the
                       labels per score bucket, which calibrates the scores for estimated performance
    --out PATH         where to write the profile (default baseline.json)
    --format F         csv | arff | jsonl (default: from the extension; .ndjson is jsonl)
    --features A,B     profile only these columns (default: all but label, score, --exclude)
    --exclude A,B      leave these columns out (ids, timestamps)
    --numeric A,B      treat these columns as numeric (default: inferred; ARFF: declared)
    --categorical A,B  treat these columns as categorical
    --na A,B           spellings of a missing value besides the empty field (default NA,NaN,null)
    --quantiles N      quantile intervals per numeric feature (default 100)
    --max-categories N categories kept per feature, the rest fold into __other__ (default 50)
    --created-at T     timestamp written into the profile (default now; fix it for reproducible builds)
`;

const DEFAULT_NA = ['NA', 'NaN', 'null'];
/** Files at least this large get a progress bar (on a terminal). */
const PROGRESS_MIN_BYTES = 8 * 1024 * 1024;

interface Io {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
}

/**
 * `modelpulse profile DATA --label COL …`: reads training data, builds its baseline profile and writes it
 * as JSON. Throws {@link ProfileUsageError} for a wrong command line (exit 2) and {@link DataError} for bad
 * data (exit 1); the output file is only written, in one rename, once the profile is complete.
 */
export async function runProfile(args: string[], io: Io = process): Promise<number> {
  const options = parseOptions(args);
  const info = await stat(options.file).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') throw new ProfileUsageError(`file not found: ${options.file}.`);
    throw error;
  });
  if (!info.isFile()) throw new ProfileUsageError(`${options.file} is not a file.`);
  // Before reading the data, which can take minutes.
  const outDir = dirname(resolve(options.out));
  const folder = await stat(outDir).catch(() => undefined);
  if (!folder?.isDirectory()) throw new ProfileUsageError(`--out: folder ${outDir} does not exist.`);

  const bar =
    io.stderr.isTTY && info.size >= PROGRESS_MIN_BYTES
      ? new ProgressBar(info.size, io.stderr, 'profile')
      : undefined;
  const table = await readTable(
    options.file,
    options.format,
    options.plan,
    (names) => checkColumns(options, names),
    bar && ((bytes) => bar.update(bytes)),
  );
  bar?.update(info.size);
  bar?.done();

  const features = table.names.filter(
    (name) => options.plan.keep(name) && name !== options.label && name !== options.score,
  );
  if (features.length === 0) throw new ProfileUsageError('no feature columns are left to profile.');
  const columns: Record<string, ColumnData['values']> = {};
  const schema: ProfileSchema = { features: {}, label: options.label, ...options.settings };
  for (const name of features) {
    const data = columnOf(table, name).finish();
    columns[name] = data.values;
    schema.features[name] = data.kind;
  }
  const label = columnOf(table, options.label);
  if (label.missing === label.length) throw new DataError(`label column ${options.label} has no values.`);
  columns[options.label] = label.finish().values;
  if (options.score !== undefined) {
    const score = columnOf(table, options.score);
    if (score.missing === score.length) {
      throw new DataError(`score column ${options.score} has no values.`);
    }
    columns[options.score] = score.finish().values;
    schema.score = options.score;
  }

  let profile: Profile;
  try {
    profile = buildProfile({ columns }, schema);
  } catch (error) {
    throw new DataError((error as Error).message);
  }
  await writeAtomically(options.out, `${JSON.stringify(profile, null, 2)}\n`);
  io.stdout.write(summarize(options.file, options.out, profile));
  return 0;
}

interface Options {
  file: string;
  format: DataFormat;
  label: string;
  score: string | undefined;
  out: string;
  features: Set<string> | undefined;
  exclude: Set<string>;
  numeric: Set<string>;
  categorical: Set<string>;
  plan: TablePlan;
  settings: Pick<ProfileSchema, 'quantiles' | 'maxCategories' | 'createdAt'>;
}

function parseOptions(args: string[]): Options {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(args);
  } catch (error) {
    throw new ProfileUsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  const file = positionals[0];
  if (file === undefined)
    throw new ProfileUsageError('profile needs the DATA file (CSV, ARFF or JSON lines).');
  if (positionals.length > 1) {
    throw new ProfileUsageError(
      `profile takes one DATA file, got ${positionals.length}: ${positionals.join(', ')}.`,
    );
  }
  const label = values.label;
  if (!label) throw new ProfileUsageError('profile needs --label COL, the column holding the true label.');
  const score = values.score;
  if (score === label) throw new ProfileUsageError('--score and --label must name different columns.');
  let format: DataFormat | undefined;
  if (values.format !== undefined) {
    format = DATA_FORMATS.find((f) => f === values.format);
    if (!format) {
      throw new ProfileUsageError(
        `--format must be one of ${DATA_FORMATS.join(', ')}, got ${JSON.stringify(values.format)}.`,
      );
    }
  } else {
    format = formatOf(file);
    if (!format) {
      throw new ProfileUsageError(
        `cannot tell the format of ${file} from its extension (.csv, .arff, .jsonl, .ndjson); pass --format.`,
      );
    }
  }
  const numeric = list(values.numeric);
  const categorical = list(values.categorical);
  for (const name of numeric) {
    if (categorical.has(name))
      throw new ProfileUsageError(`column ${name} is in both --numeric and --categorical.`);
  }
  if (score !== undefined && categorical.has(score)) {
    throw new ProfileUsageError(`the score column ${score} is numeric; remove it from --categorical.`);
  }
  const features = values.features === undefined ? undefined : list(values.features);
  const exclude = list(values.exclude);
  const na = new Set(values.na === undefined ? DEFAULT_NA : values.na.split(','));
  const settings: Options['settings'] = {};
  if (values.quantiles !== undefined) settings.quantiles = positiveInteger('--quantiles', values.quantiles);
  if (values['max-categories'] !== undefined) {
    settings.maxCategories = positiveInteger('--max-categories', values['max-categories']);
  }
  if (values['created-at'] !== undefined) {
    if (Number.isNaN(new Date(values['created-at']).getTime())) {
      throw new ProfileUsageError(
        `--created-at must be a date such as 2026-01-31T00:00:00Z, got ${JSON.stringify(values['created-at'])}.`,
      );
    }
    settings.createdAt = values['created-at'];
  }
  const keep = (name: string) =>
    name === label ||
    name === score ||
    ((features === undefined || features.has(name)) && !exclude.has(name));
  const plan: TablePlan = {
    na,
    keep,
    kindOf: (name) =>
      name === label
        ? 'categorical'
        : name === score || numeric.has(name)
          ? 'numeric'
          : categorical.has(name)
            ? 'categorical'
            : undefined,
    rangeOf: (name) => (name === score ? [0, 1] : undefined),
  };
  return {
    file,
    format,
    label,
    score,
    out: values.out ?? 'baseline.json',
    features,
    exclude,
    numeric,
    categorical,
    plan,
    settings,
  };
}

function parse(args: string[]) {
  return parseArgs({
    args,
    allowPositionals: true,
    options: {
      label: { type: 'string' },
      score: { type: 'string' },
      out: { type: 'string' },
      format: { type: 'string' },
      features: { type: 'string' },
      exclude: { type: 'string' },
      numeric: { type: 'string' },
      categorical: { type: 'string' },
      na: { type: 'string' },
      quantiles: { type: 'string' },
      'max-categories': { type: 'string' },
      'created-at': { type: 'string' },
    },
  });
}

function list(text: string | undefined): Set<string> {
  if (text === undefined) return new Set();
  return new Set(
    text
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== ''),
  );
}

function positiveInteger(flag: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1)
    throw new ProfileUsageError(`${flag} must be a whole number ≥ 1, got ${JSON.stringify(text)}.`);
  return n;
}

/** Every column named on the command line must exist in the file. */
function checkColumns(options: Options, names: readonly string[]): void {
  const known = new Set(names);
  const listing = `the file's columns are: ${names.join(', ')}`;
  if (!known.has(options.label)) {
    throw new ProfileUsageError(`unknown label column ${JSON.stringify(options.label)}; ${listing}.`);
  }
  if (options.score !== undefined && !known.has(options.score)) {
    throw new ProfileUsageError(`unknown score column ${JSON.stringify(options.score)}; ${listing}.`);
  }
  const flags: [string, Iterable<string>][] = [
    ['--features', options.features ?? []],
    ['--exclude', options.exclude],
    ['--numeric', options.numeric],
    ['--categorical', options.categorical],
  ];
  for (const [flag, wanted] of flags) {
    const unknown = [...wanted].filter((name) => !known.has(name));
    if (unknown.length > 0) {
      throw new ProfileUsageError(`${flag} names unknown column(s) ${unknown.join(', ')}; ${listing}.`);
    }
  }
}

/** A column the plan keeps (label, score, features): always stored once the header has been checked. */
function columnOf(table: Table, name: string): Column {
  const column = table.column(name);
  if (column === undefined) throw new Error(`internal: column ${name} was not stored.`);
  return column;
}

async function writeAtomically(path: string, text: string): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    await writeFile(temporary, text);
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw new DataError(
      `cannot write ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`,
    );
  }
}

function percent(share: number): string {
  const p = share * 100;
  return `${p > 0 && p < 0.1 ? p.toPrecision(1) : p.toFixed(1)} %`;
}

/** A few lines for the terminal: rows, features by kind, missing rates, label balance. */
export function summarize(file: string, out: string, profile: Profile): string {
  const byKind: Record<ColumnKind, string[]> = { numeric: [], categorical: [] };
  const missing: string[] = [];
  for (const [name, feature] of Object.entries(profile.features)) {
    byKind[feature.type].push(name);
    if (feature.missing > 0)
      missing.push(`${name} ${feature.missing} (${percent(feature.missing / profile.rows)})`);
  }
  const lines = [
    `profiled ${file}: ${profile.rows} rows → ${out}`,
    `  numeric (${byKind.numeric.length}): ${byKind.numeric.join(', ') || '-'}`,
    `  categorical (${byKind.categorical.length}): ${byKind.categorical.join(', ') || '-'}`,
    `  missing: ${missing.join(', ') || 'none'}`,
  ];
  if (profile.label) {
    const classes = Object.entries(profile.label.classes).map(([key, share]) => `${key} ${percent(share)}`);
    const unlabelled = profile.label.missing > 0 ? ` (${profile.label.missing} rows without a label)` : '';
    lines.push(`  label: ${classes.join(', ')}${unlabelled}`);
  }
  if (profile.score) {
    const { byLabel } = profile.score;
    let labelled = 0;
    for (const counts of Object.values(byLabel ?? {})) for (const n of counts) labelled += n;
    lines.push(
      `  score: ${profile.score.count} values${profile.score.missing > 0 ? `, ${profile.score.missing} missing` : ''}` +
        (byLabel ? `; labels per score bucket from ${labelled} rows (calibration)` : ''),
    );
  }
  return `${lines.join('\n')}\n`;
}
