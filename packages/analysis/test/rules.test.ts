import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileRules, compileRulesDetailed, runRules } from '../src/cli/rules.js';
import type { MonitorSpec } from '../src/monitors/index.js';

const MODELS: Record<string, { monitors: MonitorSpec[] }> = {
  'loan-rejection': {
    monitors: [
      {
        name: 'rejection-share',
        description: 'We reject too many good customers and lose sales.',
        value: 'share.reject',
        window: '1h',
        above: 0.3,
        for: '15m',
        severity: 'critical',
      },
      {
        name: 'holdout-precision',
        description: 'Precision on the holdout is confidently below 0.6 — "{{ not a template }}".',
        value: 'holdout.precision.upper',
        window: '7d',
        below: 0.6,
        for: '15m',
        severity: 'critical',
      },
      { name: 'amount-unseen', value: 'skew.loan.amount.unseenShare', window: '1h', above: 0.5 },
      { name: 'skewed-features', value: 'skew.alerts', window: '24h', above: 2, for: '1h30m' },
      { name: 'd1', value: 'drift.d1.alert', window: '24h', above: 0 },
      { name: 'accuracy', value: 'holdout.accuracy.value', window: '7d', below: 0.8 },
      { name: 'broken', value: 'predictions', window: '1h' } as MonitorSpec,
    ],
  },
  recommender: {
    monitors: [
      {
        name: 'favourite-rank',
        value: 'heuristic.favourite_item_rank.mean',
        window: '24h',
        above: 5,
        for: '1h',
      },
    ],
  },
  quiet: { monitors: [] },
};

interface RuleFile {
  groups: {
    name: string;
    rules: {
      alert: string;
      expr: string;
      for?: string;
      labels: Record<string, string>;
      annotations: Record<string, string>;
    }[];
  }[];
}

/** Parses YAML with PyYAML when python3 has it (no YAML package in node_modules); `null` otherwise. */
function parseYaml(text: string): unknown {
  const result = spawnSync(
    'python3',
    ['-c', 'import sys, json, yaml; print(json.dumps(yaml.safe_load(sys.stdin.read())))'],
    { input: text, encoding: 'utf8' },
  );
  return result.status === 0 ? JSON.parse(result.stdout) : null;
}

describe('compileRules', () => {
  const yaml = compileRules(MODELS);
  const { skipped } = compileRulesDetailed(MODELS);

  it('compiles the talk monitors over the re-emitted metrics', () => {
    expect(yaml).toContain(
      'expr: "ml_holdout_precision_upper{ml_model_name=\\"loan-rejection\\",ml_window=\\"7d\\"} < 0.6"',
    );
    expect(yaml).toContain(
      'expr: "ml_heuristic_mean{ml_model_name=\\"recommender\\",ml_window=\\"24h\\",ml_heuristic_name=\\"favourite_item_rank\\"} > 5"',
    );
    expect(yaml).toContain('for: 15m');
    // share.<label>: the label's series, or 0 for a version that made predictions but none with the label
    expect(yaml).toContain(
      'expr: "(ml_prediction_share{ml_model_name=\\"loan-rejection\\",ml_window=\\"1h\\",ml_prediction_label=\\"reject\\"} or on(ml_model_name, ml_model_version, ml_window) 0 * (ml_predictions{ml_model_name=\\"loan-rejection\\",ml_window=\\"1h\\"} > 0)) > 0.3"',
    );
  });

  it('reports what it cannot express instead of dropping it', () => {
    expect(skipped.map((s) => [s.model, s.monitor])).toEqual([
      ['loan-rejection', 'accuracy'],
      ['loan-rejection', 'broken'],
    ]);
    expect(skipped[0]?.reason).toMatch(/holdout\.accuracy is not re-emitted/);
    expect(skipped[1]?.reason).toMatch(/exactly one of above or below/);
    expect(yaml).toMatch(/# skipped loan-rejection\/accuracy: holdout\.accuracy is not re-emitted/);
    expect(yaml).toContain(
      '# alert on the analysis service\'s own verdict instead: ml_monitor_status{ml_model_name="loan-rejection",ml_monitor_name="accuracy"} == 2',
    );
  });

  it('parses back as a Prometheus rule file', (context) => {
    const parsed = parseYaml(yaml) as RuleFile | null;
    if (parsed === null) {
      context.skip('python3 with PyYAML is not available to parse YAML');
      return;
    }
    expect(parsed.groups.map((g) => [g.name, g.rules.length])).toEqual([
      ['modelpulse:loan-rejection', 5],
      ['modelpulse:quiet', 0],
      ['modelpulse:recommender', 1],
    ]);
    const loan = parsed.groups[0]?.rules ?? [];
    expect(loan[0]?.alert).toBe('ModelpulseLoanRejection_RejectionShare');
    expect(loan[1]).toEqual({
      alert: 'ModelpulseLoanRejection_HoldoutPrecision',
      expr: 'ml_holdout_precision_upper{ml_model_name="loan-rejection",ml_window="7d"} < 0.6',
      for: '15m',
      labels: { severity: 'critical', ml_monitor_name: 'holdout-precision' },
      annotations: {
        summary: 'loan-rejection holdout-precision: holdout.precision.upper < 0.6 over 7d for 15m',
        description:
          'Precision on the holdout is confidently below 0.6 — "{ { not a template } }". Current value: {{ $value }} (version {{ $labels.ml_model_version }}).',
      },
    });
    expect(loan.map((r) => [r.expr, r.for, r.labels.severity])).toEqual([
      [
        '(ml_prediction_share{ml_model_name="loan-rejection",ml_window="1h",ml_prediction_label="reject"} or on(ml_model_name, ml_model_version, ml_window) 0 * (ml_predictions{ml_model_name="loan-rejection",ml_window="1h"} > 0)) > 0.3',
        '15m',
        'critical',
      ],
      ['ml_holdout_precision_upper{ml_model_name="loan-rejection",ml_window="7d"} < 0.6', '15m', 'critical'],
      [
        'ml_skew_unseen_share{ml_model_name="loan-rejection",ml_window="1h",ml_feature_name="loan.amount"} > 0.5',
        undefined,
        'warning',
      ],
      [
        'sum by (ml_model_name, ml_model_version, ml_window) (ml_skew_alert{ml_model_name="loan-rejection",ml_window="24h"}) > 2',
        '1h30m',
        'warning',
      ],
      [
        'ml_drift_alert{ml_model_name="loan-rejection",ml_window="24h",ml_drift_method="d1"} > 0',
        undefined,
        'warning',
      ],
    ]);
    expect(parseYaml(compileRules({}))).toEqual({ groups: [] });
  });

  const promtool = '/usr/bin/promtool';
  it.skipIf(!existsSync(promtool))(`passes promtool check rules (skipped: ${promtool} absent)`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'modelpulse-rules-'));
    try {
      const file = join(dir, 'rules.yml');
      writeFileSync(file, yaml);
      const result = spawnSync(promtool, ['check', 'rules', file], { encoding: 'utf8' });
      expect(`${result.stdout}${result.stderr}`).toMatch(/SUCCESS: 6 rules found/);
      expect(result.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.skipIf(!existsSync(promtool))(
    `share monitors alert in Prometheus as the service evaluates them (promtool test rules; skipped: ${promtool} absent)`,
    () => {
      // Three versions over the last hour, written as the emitter exposes them:
      // v1 rejected 100 of 400 applications, v2 rejected all 50 (no approval at all), v3 made none.
      const window = 'ml_model_name="loan",ml_window="1h"';
      const share = (version: string, label: string) =>
        `ml_prediction_share{${window},ml_model_version="${version}",ml_prediction_label="${label}"}`;
      const predictions = (version: string) => `ml_predictions{${window},ml_model_version="${version}"}`;
      const series = [
        [share('1', 'reject'), 100 / 400],
        [share('1', 'approve'), 300 / 400],
        [predictions('1'), 400],
        [share('2', 'reject'), 50 / 50],
        [predictions('2'), 50],
        [predictions('3'), 0],
      ] as const;
      const monitors: MonitorSpec[] = [
        { name: 'rejects-too-many', value: 'share.reject', window: '1h', above: 0.3, for: '15m' },
        { name: 'approves-too-few', value: 'share.approve', window: '1h', below: 0.2 },
      ];
      const dir = mkdtempSync(join(tmpdir(), 'modelpulse-rules-test-'));
      try {
        writeFileSync(join(dir, 'rules.yml'), compileRules({ loan: { monitors } }));
        const alert = (name: string, labels: Record<string, string>, value: number, summary: string) =>
          JSON.stringify({
            exp_labels: {
              ml_model_name: 'loan',
              ml_window: '1h',
              ...labels,
              severity: 'warning',
              ml_monitor_name: name,
            },
            exp_annotations: {
              summary,
              description: `Current value: ${value} (version ${labels.ml_model_version}).`,
            },
          });
        writeFileSync(
          join(dir, 'test.yml'),
          [
            'rule_files: [rules.yml]',
            'evaluation_interval: 1m',
            'tests:',
            '  - interval: 1m',
            '    input_series:',
            ...series.flatMap(([s, v]) => [
              `      - series: ${JSON.stringify(s)}`,
              `        values: "${v}x30"`,
            ]),
            '    alert_rule_test:',
            // after 10 minutes v2's rejection share has held for less than its 15 minutes: not yet firing
            '      - { eval_time: 10m, alertname: ModelpulseLoan_RejectsTooMany, exp_alerts: [] }',
            '      - eval_time: 20m',
            '        alertname: ModelpulseLoan_RejectsTooMany',
            `        exp_alerts: [${alert('rejects-too-many', { ml_model_version: '2', ml_prediction_label: 'reject' }, 1, 'loan rejects-too-many: share.reject > 0.3 over 1h for 15m')}]`,
            // v2 approved nobody: no approve series, read as a share of 0; v3 made no prediction: no alert
            '      - eval_time: 1m',
            '        alertname: ModelpulseLoan_ApprovesTooFew',
            `        exp_alerts: [${alert('approves-too-few', { ml_model_version: '2' }, 0, 'loan approves-too-few: share.approve < 0.2 over 1h')}]`,
            '',
          ].join('\n'),
        );
        const result = spawnSync(promtool, ['test', 'rules', 'test.yml'], { cwd: dir, encoding: 'utf8' });
        expect(`${result.stdout}${result.stderr}`).toMatch(/SUCCESS/);
        expect(result.status).toBe(0);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});

describe('modelpulse rules', () => {
  function sink() {
    let text = '';
    return {
      stream: {
        write(chunk: string) {
          text += chunk;
          return true;
        },
      } as unknown as NodeJS.WritableStream,
      text: () => text,
    };
  }

  it('compiles the monitors of a configuration file and lists skipped ones on stderr', () => {
    const dir = mkdtempSync(join(tmpdir(), 'modelpulse-rules-cli-'));
    try {
      const file = join(dir, 'modelpulse.config.yaml');
      writeFileSync(
        file,
        [
          'models:',
          '  loan-rejection:',
          '    windows: [1h, 7d]',
          '    monitors:',
          '      - { name: rejection-share, value: share.reject, window: 1h, above: 0.3, for: 15m, severity: critical }',
          '      - { name: holdout-precision, value: holdout.precision.upper, window: 7d, below: 0.6, for: 15m }',
          '',
        ].join('\n'),
      );
      const out = sink();
      const err = sink();
      expect(runRules(['--config', file], {}, { stdout: out.stream, stderr: err.stream })).toBe(0);
      expect(out.text()).toContain(
        'expr: "ml_holdout_precision_upper{ml_model_name=\\"loan-rejection\\",ml_window=\\"7d\\"} < 0.6"',
      );
      expect(out.text()).toContain('alert: ModelpulseLoanRejection_RejectionShare');
      expect(err.text()).toBe('');

      writeFileSync(
        file,
        'models:\n  m:\n    monitors:\n      - { name: x, value: nope, window: 1h, above: 1 }\n',
      );
      const bad = sink();
      expect(runRules([], { MODELPULSE_CONFIG: file }, { stdout: sink().stream, stderr: bad.stream })).toBe(
        2,
      );
      expect(bad.text()).toMatch(/^modelpulse: .*monitors\[0\]/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
