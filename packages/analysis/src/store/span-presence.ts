import type Database from 'better-sqlite3';

/**
 * Which model versions may hold unlabelled outcome spans, and which exemplars. The analysis asks for both in
 * every report, and most services export no traces: for those, one probe per model version instead of a
 * query per report. A "no" is learnt from the file once; a "yes" is set as rows are inserted (before their
 * commit, so a rolled-back insert leaves a "yes", as rows removed by retention do: then the query just
 * finds nothing).
 */
export class SpanPresence {
  readonly #unlabelled = new Map<string, boolean>();
  readonly #exemplars = new Map<string, boolean>();
  readonly #anyUnlabelled: Database.Statement<[string, string], { one: number }>;
  readonly #anyExemplar: Database.Statement<[string, string], { one: number }>;

  constructor(db: Database.Database) {
    this.#anyUnlabelled = db.prepare(
      'SELECT 1 AS one FROM outcomes WHERE model = ? AND version = ? AND predicted_label IS NULL LIMIT 1',
    );
    this.#anyExemplar = db.prepare('SELECT 1 AS one FROM exemplars WHERE model = ? AND version = ? LIMIT 1');
  }

  mayHaveUnlabelledOutcomes(model: string, version: string): boolean {
    return known(this.#unlabelled, this.#anyUnlabelled, model, version);
  }

  mayHaveExemplars(model: string, version: string): boolean {
    return known(this.#exemplars, this.#anyExemplar, model, version);
  }

  unlabelledOutcomeAdded(model: string, version: string): void {
    this.#unlabelled.set(keyOf(model, version), true);
  }

  exemplarAdded(model: string, version: string): void {
    this.#exemplars.set(keyOf(model, version), true);
  }

  /** Forgets everything learnt (the file changed behind the store's back, e.g. a failed transaction). */
  clear(): void {
    this.#unlabelled.clear();
    this.#exemplars.clear();
  }
}

function keyOf(model: string, version: string): string {
  return `${model}\u0000${version}`;
}

function known(
  seen: Map<string, boolean>,
  probe: Database.Statement<[string, string], { one: number }>,
  model: string,
  version: string,
): boolean {
  const key = keyOf(model, version);
  let yes = seen.get(key);
  if (yes === undefined) {
    yes = probe.get(model, version) !== undefined;
    seen.set(key, yes);
  }
  return yes;
}
