import { type FeatureProfile, quantilePosition } from '@modelpulse/stats';
import { type Attributes, diag } from '@opentelemetry/api';
import { BoundedValues } from './bounded.js';
import type { MonitorConfig } from './config.js';
import type { Drops } from './drops.js';
import type { Instruments } from './instruments.js';
import { ATTR_ML_FEATURE_CATEGORY, ATTR_ML_FEATURE_NAME } from './semconv.js';

/**
 * Records one prediction's inputs. With a profile, every profiled feature is accounted for (value or
 * missing), numeric values as their training-CDF position, categories bounded by the known set, and
 * names outside the profile are dropped. Without one, numeric values are recorded raw and names and
 * categories are bounded by the configured limits. Attribute objects are built once per series.
 */
export class FeatureRecorder {
  private readonly profiled: ReadonlyMap<string, FeatureProfile> | undefined;
  private readonly names: BoundedValues;
  private readonly seriesAttributes = new Map<string, Attributes>();
  private readonly categoryAttributes = new Map<string, Map<string, Attributes>>();
  private readonly categories = new Map<string, BoundedValues>();

  constructor(
    private readonly config: MonitorConfig,
    private readonly instruments: Instruments,
    private readonly base: Attributes,
    private readonly drops: Drops,
  ) {
    this.profiled = config.profile ? new Map(Object.entries(config.profile.features)) : undefined;
    this.names = new BoundedValues(config.limits.features);
  }

  record(features: Readonly<Record<string, unknown>>): void {
    if (this.profiled) {
      for (const [name, profile] of this.profiled) this.recordProfiled(name, profile, features[name]);
      for (const name in features) {
        if (!this.profiled.has(name))
          this.drops.drop('unknown_feature', `feature ${JSON.stringify(name)} is not in the profile`);
      }
      return;
    }
    for (const name in features) {
      if (this.names.admit(name) !== name) {
        this.drops.drop(
          'unknown_feature',
          `more than ${this.config.limits.features} feature names; ${JSON.stringify(name)} not recorded`,
        );
      } else this.recordRaw(name, features[name]);
    }
  }

  private recordProfiled(name: string, profile: FeatureProfile, value: unknown): void {
    if (isMissing(value)) {
      this.instruments.featureMissing.add(1, this.series(name));
    } else if (profile.type === 'numeric') {
      if (typeof value === 'number' && Number.isFinite(value)) {
        this.instruments.featureQuantile.record(
          quantilePosition(value, profile.knots, profile.cdf),
          this.series(name),
        );
      } else this.invalid(name, value, 'a finite number');
    } else if (isCategory(value)) {
      this.instruments.featureCategory.add(1, this.category(name, String(value), profile.categories));
    } else this.invalid(name, value, 'a string, number or boolean');
  }

  private recordRaw(name: string, value: unknown): void {
    if (isMissing(value)) this.instruments.featureMissing.add(1, this.series(name));
    else if (typeof value === 'number') {
      if (!Number.isFinite(value)) this.invalid(name, value, 'a finite number');
      else if (value < 0) {
        // SDK histograms drop negative values (with only a diag message): count it where users look.
        this.drops.drop(
          'invalid_feature',
          `feature ${JSON.stringify(name)}: a negative value cannot be recorded in the ml.feature.value histogram; give the monitor a profile to record positions in the training distribution instead`,
        );
      } else this.instruments.featureValue.record(value, this.series(name));
    } else if (typeof value === 'boolean') {
      this.instruments.featureCategory.add(1, this.category(name, String(value)));
    } else if (typeof value === 'string') {
      // Without a profile to bound it to the training categories, a string is the input itself (an email, a
      // name): it becomes a metric attribute only for features allowed to carry values.
      if (this.config.capture.has(name)) this.instruments.featureCategory.add(1, this.category(name, value));
      else this.warnUncaptured(name);
    } else this.invalid(name, value, 'a number, string or boolean');
  }

  private readonly uncaptured = new Set<string>();

  private warnUncaptured(name: string): void {
    if (this.uncaptured.has(name)) return;
    this.uncaptured.add(name);
    diag.warn(
      `@modelpulse/otel: feature ${JSON.stringify(name)}: string values are recorded as categories only with a profile, or when the feature is listed in captureFeatures (its values would become metric attributes)`,
    );
  }

  private invalid(name: string, value: unknown, expected: string): void {
    this.drops.drop(
      'invalid_feature',
      `feature ${JSON.stringify(name)} must be ${expected}, got ${typeof value}`,
    );
  }

  private series(name: string): Attributes {
    let attributes = this.seriesAttributes.get(name);
    if (!attributes) {
      attributes = { ...this.base, [ATTR_ML_FEATURE_NAME]: name };
      this.seriesAttributes.set(name, attributes);
    }
    return attributes;
  }

  private category(name: string, raw: string, known?: Readonly<Record<string, number>>): Attributes {
    let bounded = this.categories.get(name);
    if (!bounded) {
      bounded = new BoundedValues(this.config.limits.categories, known ? Object.keys(known) : undefined);
      this.categories.set(name, bounded);
    }
    const value = bounded.admit(raw);
    let byValue = this.categoryAttributes.get(name);
    if (!byValue) {
      byValue = new Map();
      this.categoryAttributes.set(name, byValue);
    }
    let attributes = byValue.get(value);
    if (!attributes) {
      attributes = { ...this.base, [ATTR_ML_FEATURE_NAME]: name, [ATTR_ML_FEATURE_CATEGORY]: value };
      byValue.set(value, attributes);
    }
    return attributes;
  }
}

export function isMissing(value: unknown): boolean {
  return (
    value === null ||
    value === undefined ||
    value === '' ||
    (typeof value === 'number' && Number.isNaN(value))
  );
}

function isCategory(value: unknown): value is string | number | boolean {
  return (
    typeof value === 'string' ||
    typeof value === 'boolean' ||
    (typeof value === 'number' && Number.isFinite(value))
  );
}
