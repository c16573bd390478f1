import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { restoreNullCache, snapshotNullCache } from '@modelpulse/stats';

/**
 * The thresholds and p-value tables of the analysis, kept in a JSON file beside the database so that a
 * restarted service starts warm: the first cycle after a start otherwise simulates every small window's
 * null distribution again (minutes for many models). A missing or unreadable file costs that recomputation
 * and nothing else.
 */
export class NullCacheFile {
  readonly path: string;

  constructor(path: string) {
    this.path = path;
  }

  /** Puts the saved entries back; returns how many (0 without a usable file). */
  load(): number {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch {
      return 0; // none yet
    }
    try {
      return restoreNullCache(JSON.parse(text));
    } catch (error) {
      console.warn(
        `modelpulse: ignoring ${this.path} (${(error as Error).message}); thresholds will be recomputed.`,
      );
      return 0;
    }
  }

  /** Writes every cached entry (to a temporary file first, so a crash never leaves half a file). */
  save(): void {
    const temporary = `${this.path}.tmp`;
    writeFileSync(temporary, JSON.stringify(snapshotNullCache()));
    renameSync(temporary, this.path);
  }
}
