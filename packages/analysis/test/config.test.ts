import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildProfile } from '@modelpulse/stats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { DEFAULT_DRIFT_METHODS } from '../src/analyse/drift.js';
import { ConfigError, configToServerOptions, loadConfig } from '../src/config/index.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const CLI = join(import.meta.dirname, '..', 'src', 'cli', 'main.ts');
const EXAMPLE = join(import.meta.dirname, '..', 'modelpulse.config.example.yaml');

let dir: string;
const profile = buildProfile(
  Array.from({ length: 200 }, (_, i) => ({
    age: 20 + (i % 50),
    purpose: ['car', 'education', 'business'][i % 3],
    class: i % 4 === 0 ? 'reject' : 'accept',
    score: (i % 20) / 20,
  })),
  {
    features: { age: 'numeric', purpose: 'categorical' },
    label: 'class',
    score: 'score',
    createdAt: '2026-01-01T00:00:00Z',
  },
);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'modelpulse-config-'));
  writeFileSync(join(dir, 'baseline.json'), JSON.stringify(profile));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Writes `text` as `name` in the temp dir and returns its path. */
function file(name: string, text: string): string {
  const path = join(dir, name);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
  return path;
}

/** The ConfigError message of loading `text` as YAML. */
function errorOf(text: string, name = 'bad.yaml'): string {
  const path = file(name, text);
  try {
    loadConfig(path);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error(`expected ${name} to be rejected`);
}

const GOOD = {
  server: { port: 4999, host: '0.0.0.0', db: './data/mp.db', retention: '14d', analysisInterval: '30s' },
  models: {
    'loan-rejection': {
      profile: './baseline.json',
      positive: 'reject',
      windows: ['15m', '1h', '7d'],
      reference: { from: '2026-01-01T00:00:00Z', to: '2026-02-01T00:00:00Z' },
      drift: { methods: ['d1', 'psi', 'lInfinity'], threshold: 0.1 },
      skew: { alpha: 0.05 },
      holdout: { maturity: '7d' },
      monitors: [
        { name: 'share', value: 'share.reject', window: '1h', above: 0.3, for: '15m' },
        { name: 'psi', value: 'drift.psi.value', window: '15m', above: 0.2, severity: 'critical' },
        { name: 'age', value: 'skew.age.pValue', window: '7d', below: 0.001 },
      ],
    },
  },
};

describe('loadConfig: good files', () => {
  it('loads the example config (with a profile next to it) with its three monitors', () => {
    const path = file('example/modelpulse.config.yaml', readFileSync(EXAMPLE, 'utf8'));
    file('example/baseline.json', JSON.stringify(profile));
    const config = loadConfig(path);
    const model = config.models['loan-rejection']!;
    expect(model.profile?.rows).toBe(200);
    expect(model.positive).toBe('reject');
    expect(model.windows.map((w) => w.name)).toEqual(['1h', '24h', '7d']);
    expect(model.monitors.map((m) => [m.name, m.value, m.window, m.above ?? m.below, m.forMs])).toEqual([
      ['rejection-share-high', 'share.reject', '1h', 0.3, 900_000],
      ['holdout-precision-low', 'holdout.precision.upper', '7d', 0.6, 0],
      ['favourite-item-rank-high', 'heuristic.favourite_item_rank.mean', '24h', 5, 3_600_000],
    ]);
    expect(model.holdout.maturityMs).toBe(604_800_000);
    expect(config.server.dbPath).toBe(join(dir, 'example', '.modelpulse', 'modelpulse.db'));
  });

  it('gives equal results for the same config in YAML and in JSON', () => {
    const yaml = loadConfig(file('same.yaml', stringify(GOOD)));
    const json = loadConfig(file('same.json', JSON.stringify(GOOD, null, 2)));
    expect(yaml.file).not.toBe(json.file);
    expect({ ...yaml, file: '' }).toEqual({ ...json, file: '' });
    expect(yaml.server).toEqual({
      port: 4999,
      host: '0.0.0.0',
      dbPath: join(dir, 'data', 'mp.db'),
      retentionMs: 14 * 86_400_000,
      analysisIntervalMs: 30_000,
    });
    const model = yaml.models['loan-rejection']!;
    expect(model.windows).toEqual([
      { name: '15m', ms: 900_000 },
      { name: '1h', ms: 3_600_000 },
      { name: '7d', ms: 604_800_000 },
    ]);
    expect(model.reference).toEqual({
      kind: 'pinned',
      from: '2026-01-01T00:00:00Z',
      to: '2026-02-01T00:00:00Z',
      fromMs: Date.parse('2026-01-01T00:00:00Z'),
      toMs: Date.parse('2026-02-01T00:00:00Z'),
    });
    expect(model.drift).toEqual({ methods: ['d1', 'psi', 'lInfinity'], threshold: 0.1 });
    expect(model.monitors[1]).toEqual({
      name: 'psi',
      value: 'drift.psi.value',
      window: '15m',
      above: 0.2,
      for: '0s',
      forMs: 0,
      severity: 'critical',
    });
  });

  it('fills in the defaults', () => {
    const config = loadConfig(file('defaults.yaml', 'models:\n  m: {}\n  p: { profile: baseline.json }\n'));
    expect(config.server).toEqual({
      port: 4318,
      host: '127.0.0.1',
      dbPath: join(dir, '.modelpulse', 'modelpulse.db'),
      retentionMs: 30 * 86_400_000,
      analysisIntervalMs: 60_000,
    });
    expect(config.models.m).toEqual({
      windows: [
        { name: '1h', ms: 3_600_000 },
        { name: '24h', ms: 86_400_000 },
        { name: '7d', ms: 604_800_000 },
      ],
      reference: { kind: 'previous-window' },
      drift: { methods: [...DEFAULT_DRIFT_METHODS], alpha: 0.01 },
      skew: { alpha: 0.01 },
      holdout: { maturityMs: 0 },
      monitors: [],
    });
    expect(config.models.p?.reference).toEqual({ kind: 'profile' });
    expect(loadConfig(file('empty.yaml', '')).models).toEqual({});
    expect(loadConfig(file('memory.yaml', 'server: { db: ":memory:" }')).server.dbPath).toBe(':memory:');
  });

  it('resolves profile paths relative to the config file, not the working directory', () => {
    file('profiles/base.json', JSON.stringify(profile));
    const path = file('nested/deeper/config.yaml', 'models:\n  m:\n    profile: ../../profiles/base.json\n');
    const model = loadConfig(path).models.m!;
    expect(model.profilePath).toBe(join(dir, 'profiles', 'base.json'));
    expect(model.profile).toEqual(profile);
  });

  it('converts to what startServer takes', () => {
    const options = configToServerOptions(loadConfig(file('opts.yaml', stringify(GOOD))));
    expect(options.port).toBe(4999);
    expect(options.retentionMs).toBe(14 * 86_400_000);
    const settings = options.models['loan-rejection']!;
    expect(settings.profile?.rows).toBe(200);
    expect(settings.positive).toBe('reject');
    expect(settings.driftMethods).toEqual(['d1', 'psi', 'lInfinity']);
    expect(settings.driftThreshold).toBe(0.1);
    expect(settings.alpha).toBe(0.05); // drift uses a fixed threshold: α is the skew α
    expect(settings.skewAlpha).toBe(0.05);
    expect(settings.windows?.map((w) => w.ms)).toEqual([900_000, 3_600_000, 604_800_000]);
    expect(settings.reference?.kind).toBe('pinned');
    expect(settings.holdoutMaturityMs).toBe(604_800_000);
    expect(settings.monitors?.map((m) => m.name)).toEqual(['share', 'psi', 'age']);
  });
});

describe('loadConfig: every rule names the file and the bad field', () => {
  const model = (body: string) => `models:\n  loan-rejection:\n${body.replace(/^/gm, '    ')}\n`;
  const M = 'models.loan-rejection';
  const mon = (fields: string) => model(`monitors:\n  - { name: a, window: 1h, ${fields} }`);
  const cases: [string, string, string][] = [
    [
      'window',
      model('windows: [1h, yesterday]'),
      `${M}.windows[1]: expected a duration such as 1h or 7d, got "yesterday"`,
    ],
    [
      'zero window',
      model('windows: [0h]'),
      `${M}.windows[0]: expected a duration such as 1h or 7d, got "0h"`,
    ],
    ['duplicate window', model('windows: [1h, 1h]'), `${M}.windows[1]: duplicate window "1h"`],
    ['no windows', model('windows: []'), `${M}.windows: expected at least one window`],
    [
      'windows not a list',
      model('windows: 1h'),
      `${M}.windows: expected a list of durations such as 1h or 7d, got "1h"`,
    ],
    [
      'both above and below',
      mon('value: predictions, above: 1, below: 2'),
      `${M}.monitors[0]: give exactly one of above / below`,
    ],
    [
      'neither above nor below',
      mon('value: predictions'),
      `${M}.monitors[0]: give exactly one of above / below`,
    ],
    [
      'threshold not a number',
      mon('value: predictions, above: high'),
      `${M}.monitors[0].above: expected a number, got "high"`,
    ],
    [
      'monitor without a name',
      model('monitors: [{ value: predictions, window: 1h, above: 1 }]'),
      `${M}.monitors[0].name: required: a non-empty string`,
    ],
    [
      'monitor window',
      model('monitors: [{ name: a, value: predictions, above: 1, window: 2h }]'),
      `${M}.monitors[0].window: expected one of the model's windows (1h, 24h, 7d), got "2h"`,
    ],
    [
      'duplicate monitor name',
      model(
        'monitors:\n  - { name: a, value: predictions, window: 1h, above: 1 }\n  - { name: a, value: predictions, window: 7d, above: 1 }',
      ),
      `${M}.monitors[1].name: duplicate monitor name "a"`,
    ],
    [
      'value path',
      mon('value: holdout.precision.middle, above: 1'),
      `${M}.monitors[0].value: value "holdout.precision.middle" is not a holdout metric`,
    ],
    [
      'value path tail',
      mon('value: predictions.count, above: 1'),
      'value "predictions.count" is not a known value path; expected one of share.<label>',
    ],
    [
      'heuristic path',
      mon('value: heuristic.rank, above: 1'),
      `${M}.monitors[0].value: value "heuristic.rank"`,
    ],
    [
      'drift method not computed',
      model(
        'drift: { methods: [d1] }\nmonitors: [{ name: a, value: drift.psi.value, window: 1h, above: 1 }]',
      ),
      `${M}.monitors[0].value: drift method "psi" is not computed for this model (drift.methods: d1)`,
    ],
    [
      'for',
      mon('value: predictions, above: 1, for: soon'),
      `${M}.monitors[0].for: expected a duration such as 15m or 7d (0s for none), got "soon"`,
    ],
    [
      'severity',
      mon('value: predictions, above: 1, severity: high'),
      `${M}.monitors[0].severity: expected warning or critical, got "high"`,
    ],
    [
      'unknown monitor field',
      mon('value: predictions, above: 1, threshold: 2'),
      `${M}.monitors[0].threshold: unknown field (expected one of name, description`,
    ],
    [
      'drift method',
      model('drift: { methods: [d1, euclid] }'),
      `${M}.drift.methods[1]: expected a drift method (d1, psi, jensenShannon`,
    ],
    [
      'duplicate drift method',
      model('drift: { methods: [d1, d1] }'),
      `${M}.drift.methods[1]: duplicate drift method "d1"`,
    ],
    [
      'no drift methods',
      model('drift: { methods: [] }'),
      `${M}.drift.methods: expected at least one drift method`,
    ],
    [
      'alpha and threshold',
      model('drift: { alpha: 0.01, threshold: 0.1 }'),
      `${M}.drift: give alpha (calibrated thresholds) or threshold (fixed), not both`,
    ],
    [
      'drift alpha',
      model('drift: { alpha: 5 }'),
      `${M}.drift.alpha: expected a number between 0 and 1 (exclusive), got 5`,
    ],
    [
      'drift threshold',
      model('drift: { threshold: -1 }'),
      `${M}.drift.threshold: expected a positive number, got -1`,
    ],
    [
      'skew alpha',
      model('skew: { alpha: 0 }'),
      `${M}.skew.alpha: expected a number between 0 and 1 (exclusive), got 0`,
    ],
    ['skew not an object', model('skew: 0.01'), `${M}.skew: expected an object with alpha, got 0.01`],
    [
      'holdout maturity',
      model('holdout: { maturity: later }'),
      `${M}.holdout.maturity: expected a duration such as 15m or 7d (0s for none), got "later"`,
    ],
    [
      'reference keyword',
      model('reference: yesterday'),
      `${M}.reference: expected profile, previous-window or { from: <ISO date>, to: <ISO date> }, got "yesterday"`,
    ],
    [
      'reference date',
      model('reference: { from: 2026-01-01, to: soon }'),
      `${M}.reference.to: expected an ISO 8601 date or date-time such as 2026-01-01T00:00:00Z, got "soon"`,
    ],
    [
      'reference order',
      model('reference: { from: 2026-02-01, to: 2026-01-01 }'),
      `${M}.reference.to: must be after from (2026-02-01), got 2026-01-01`,
    ],
    [
      'reference field',
      model('reference: { from: 2026-01-01, until: 2026-02-01 }'),
      `${M}.reference.until: unknown field (expected one of from, to)`,
    ],
    [
      'reference profile without one',
      model('reference: profile'),
      `${M}.reference: reference profile needs a profile file`,
    ],
    ['positive', model('positive: ""'), `${M}.positive: expected a non-empty string, got ""`],
    [
      'unknown model field',
      model('windwos: [1h]'),
      `${M}.windwos: unknown field (expected one of profile, positive, windows`,
    ],
    [
      'unknown top-level field',
      'modles: {}',
      'bad.yaml: modles: unknown field (expected one of server, models)',
    ],
    ['port', 'server: { port: 99999 }', 'server.port: expected a port number (0–65535), got 99999'],
    [
      'retention',
      'server: { retention: forever }',
      'server.retention: expected a duration such as 1h or 7d, got "forever"',
    ],
    [
      'analysis interval',
      'server: { analysisInterval: 60 }',
      'server.analysisInterval: expected a duration such as 1h or 7d, got 60',
    ],
    [
      'unknown server field',
      'server: { token: x }',
      'server.token: unknown field (expected one of port, host, db, retention, analysisInterval)',
    ],
    ['models not a map', 'models: [a, b]', 'models: expected a map of model name → settings, got a list'],
    ['model not an object', 'models: { m: 3 }', 'models.m: expected an object with profile'],
    ['not YAML', 'models: [a', 'bad.yaml: not valid YAML: '],
    [
      'skew feature not in the profile',
      model(
        'profile: baseline.json\nmonitors: [{ name: a, value: skew.income.pValue, window: 1h, below: 0.01 }]',
      ),
      `${M}.monitors[0].value: feature "income" is not in the profile (age, purpose)`,
    ],
    [
      'positive label not in the profile',
      model('profile: baseline.json\npositive: bad'),
      `${M}.positive: label "bad" is not among the profile's labels (accept, reject)`,
    ],
  ];
  it.each(cases)('%s', (_, text, fragment) => {
    expect(errorOf(text)).toContain(fragment);
  });

  it('lists every bad field in one message, starting with the file', () => {
    const message = errorOf(
      model(
        'windows: [1h, yesterday]\nmonitors: [{ name: a, value: predictions, window: 1h, above: 1, below: 2 }]',
      ),
      'modelpulse.config.yaml',
    );
    expect(message).toBe(
      `${join(dir, 'modelpulse.config.yaml')}: ${M}.windows[1]: expected a duration such as 1h or 7d, got "yesterday"; ` +
        `${M}.monitors[0]: give exactly one of above / below`,
    );
  });

  it('reports bad JSON and a missing file', () => {
    expect(errorOf('{"models": ', 'bad.json')).toMatch(/bad\.json: not valid JSON: /);
    expect(() => loadConfig(join(dir, 'nope.yaml'))).toThrow(/nope\.yaml: cannot read the file/);
  });

  it('names the profile file and validateProfile’s field for a bad profile', () => {
    const broken = { ...JSON.parse(JSON.stringify(profile)), rows: -1 };
    const path = file('profiles/broken.json', JSON.stringify(broken));
    const message = errorOf(model('profile: profiles/broken.json'));
    expect(message).toContain(
      `${M}.profile: ${path} is not a valid profile: validateProfile: rows must be a whole number ≥ 0, got -1`,
    );
    expect(errorOf(model('profile: missing.json'))).toContain(
      `${M}.profile: cannot read ${join(dir, 'missing.json')}`,
    );
    file('profiles/text.json', 'not json');
    expect(errorOf(model('profile: profiles/text.json'))).toContain(
      `${M}.profile: ${join(dir, 'profiles', 'text.json')} is not JSON`,
    );
  });
});

describe('modelpulse serve --config', () => {
  it('exits 2 with the message for a bad config', () => {
    const path = file('cli/bad.yaml', 'models:\n  loan-rejection:\n    windows: [1h, yesterday]\n');
    const result = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        '--conditions=source',
        CLI,
        'serve',
        '--config',
        path,
        '--db',
        ':memory:',
        '--port',
        '0',
      ],
      { cwd: ROOT, encoding: 'utf8', timeout: 30_000 },
    );
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(
      `modelpulse: ${path}: models.loan-rejection.windows[1]: expected a duration such as 1h or 7d, got "yesterday"`,
    );
    expect(result.stdout).toBe('');
  });

  it('exits 2 for a config named by MODELPULSE_CONFIG that does not exist', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', '--conditions=source', CLI, 'serve'], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 30_000,
      env: { ...process.env, MODELPULSE_CONFIG: join(dir, 'absent.yaml') },
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('absent.yaml: cannot read the file');
  });
});

describe('modelpulse replay --config', () => {
  it("writes into the config's server.db, as serve would read it", async () => {
    const db = join(dir, 'replay-config', 'from-config.db');
    const config = file('replay-config/modelpulse.config.yaml', `server:\n  db: ${db}\n`);
    const nowNs = BigInt(Date.now()) * 1_000_000n;
    const line = JSON.stringify({
      resourceMetrics: [
        {
          scopeMetrics: [
            {
              metrics: [
                {
                  name: 'ml.outcome',
                  sum: {
                    aggregationTemporality: 1,
                    isMonotonic: true,
                    dataPoints: [
                      {
                        attributes: [
                          { key: 'ml.model.name', value: { stringValue: 'm' } },
                          { key: 'ml.model.version', value: { stringValue: '1' } },
                        ],
                        startTimeUnixNano: String(nowNs - 60_000_000_000n),
                        timeUnixNano: String(nowNs),
                        asInt: '4',
                      },
                    ],
                  },
                },
              ],
            },
          ],
        },
      ],
    });
    const input = file('replay-config/otlp.jsonl', `${line}\n`);
    const result = spawnSync(
      process.execPath,
      ['--import', 'tsx', '--conditions=source', CLI, 'replay', input, '--config', config],
      { cwd: ROOT, encoding: 'utf8', timeout: 30_000 },
    );
    expect(result.stderr).not.toMatch(/modelpulse: /);
    expect(result.status).toBe(0);
    const { Store } = await import('../src/store/index.js');
    const store = Store.open({ path: db });
    try {
      const series = store.counters({
        model: 'm',
        instrument: 'ml.outcome',
        fromMs: 0,
        toMs: Date.now() + 60_000,
      });
      expect(series.map((s) => s.value)).toEqual([4]);
    } finally {
      store.close();
    }
  });
});

describe('modelpulse flags', () => {
  it('prints the usage and exits 0 for COMMAND --help', () => {
    const result = spawnSync(
      process.execPath,
      ['--import', 'tsx', '--conditions=source', CLI, 'rules', '--help'],
      {
        cwd: ROOT,
        encoding: 'utf8',
        timeout: 30_000,
      },
    );
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^Usage: modelpulse <command>/);
    expect(result.stdout).toContain('rules              print Prometheus alerting rules');
  });

  it('names the environment variable when a bad port comes from there', () => {
    const result = spawnSync(
      process.execPath,
      ['--import', 'tsx', '--conditions=source', CLI, 'serve', '--db', ':memory:'],
      {
        cwd: ROOT,
        encoding: 'utf8',
        timeout: 30_000,
        env: { ...process.env, MODELPULSE_PORT: 'abc' },
      },
    );
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('modelpulse: MODELPULSE_PORT must be a port number, got "abc".');
  });

  it('exits 2 naming the flag for a retention that is not a duration', () => {
    const result = spawnSync(
      process.execPath,
      ['--import', 'tsx', '--conditions=source', CLI, 'serve', '--db', ':memory:', '--retention', '30 days'],
      { cwd: ROOT, encoding: 'utf8', timeout: 30_000 },
    );
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(
      'modelpulse: --retention must be a positive duration such as 24h, 30d, 2w or 1h30m, got "30 days".',
    );
  });
});
