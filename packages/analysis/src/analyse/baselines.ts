import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Profile, validateProfile } from '@modelpulse/stats';

/**
 * Baselines uploaded at run time (`PUT /api/models/:model/baseline`), kept as one JSON file per model
 * in a folder beside the database, so they survive a restart. Written to a temporary file and renamed,
 * so a crash never leaves half a profile.
 */
export class BaselineFiles {
  constructor(private readonly folder: string) {}

  save(model: string, profile: Profile): void {
    mkdirSync(this.folder, { recursive: true });
    const file = join(this.folder, `${encodeURIComponent(model)}.json`);
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, `${JSON.stringify(profile)}\n`);
    renameSync(temporary, file);
  }

  /** Every stored baseline by model; a file that no longer validates is reported and skipped. */
  load(): Map<string, Profile> {
    const out = new Map<string, Profile>();
    let files: string[];
    try {
      files = readdirSync(this.folder).filter((f) => f.endsWith('.json'));
    } catch {
      return out; // no folder yet: nothing uploaded
    }
    for (const file of files) {
      try {
        out.set(
          decodeURIComponent(file.slice(0, -'.json'.length)),
          validateProfile(JSON.parse(readFileSync(join(this.folder, file), 'utf8'))),
        );
      } catch (error) {
        console.error(`modelpulse: ignoring stored baseline ${file}: ${(error as Error).message}`);
      }
    }
    return out;
  }
}
