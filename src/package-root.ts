import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The directory holding normguard's package.json. Found by walking up from this module, because
 * the same code runs from `src/` under tsx and from `dist/src/` once built, at different depths.
 */
export function packageRoot(from: string = fileURLToPath(import.meta.url)): string {
  for (let dir = dirname(from); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

/** The Moral Stories sample bundled with the repository (data/README.md: source, licence, caveats). */
export const MORAL_STORIES_SAMPLE = join(packageRoot(), 'data', 'moral_stories_sample.jsonl');
