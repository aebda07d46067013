import { appendFileSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { NormguardError } from '../errors.js';
import { itemResultSchema, resultKey, runManifestSchema, type ItemResult, type RunManifest } from './types.js';

export const ITEMS_FILE = 'items.jsonl';
export const MANIFEST_FILE = 'run.json';
export const REPORT_JSON_FILE = 'report.json';
export const REPORT_HTML_FILE = 'report.html';

export interface OpenedRun {
  dir: string;
  /** True when the directory already held this run. */
  resumed: boolean;
  /** Finished answers by resultKey(id, method); failed ones are not here, so they run again. */
  finished: Map<string, ItemResult>;
  /** Failed answers dropped to be retried, and a half-written last line from an interrupted run. */
  retried: number;
  truncatedLine: boolean;
}

/**
 * The output directory of a run: run.json (what is measured), items.jsonl (one line per answered
 * or failed item and method, appended as answers arrive, so a killed run loses at most the line
 * being written). Reopening it with the same question continues the run.
 */
export async function openRunDir(dir: string, manifest: RunManifest): Promise<OpenedRun> {
  await mkdir(dir, { recursive: true }).catch((err: Error) => {
    throw new NormguardError('BAD_INPUT', `cannot create the output directory ${dir}: ${err.message}`);
  });
  const manifestPath = join(dir, MANIFEST_FILE);
  const existing = await readOptional(manifestPath);
  const itemsText = await readOptional(join(dir, ITEMS_FILE));
  if (existing === null) {
    if (itemsText !== null && itemsText.trim().length > 0) {
      throw new NormguardError('BAD_INPUT', `${dir} holds ${ITEMS_FILE} but no ${MANIFEST_FILE}; it is not a normguard eval run. Choose another --out.`);
    }
    await writeFile(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
    await writeFile(join(dir, ITEMS_FILE), '');
    return { dir, resumed: false, finished: new Map(), retried: 0, truncatedLine: false };
  }
  checkSameRun(dir, parseManifest(existing, manifestPath), manifest);
  const { results, truncatedLine } = parseItems(itemsText ?? '', join(dir, ITEMS_FILE));
  const finished = new Map<string, ItemResult>();
  for (const r of results) if (r.error === undefined) finished.set(resultKey(r.id, r.frame, r.method), r);
  const retried = results.filter((r) => r.error !== undefined && !finished.has(resultKey(r.id, r.frame, r.method))).length;
  // Keep one line per finished item: failed lines are about to be retried, a half line is noise.
  if (truncatedLine || finished.size !== results.length) await rewrite(join(dir, ITEMS_FILE), [...finished.values()]);
  return { dir, resumed: true, finished, retried, truncatedLine };
}

/** Appends one result; a whole line per write, so concurrent answers never interleave. */
export function appendResult(dir: string, result: ItemResult): void {
  appendFileSync(join(dir, ITEMS_FILE), `${JSON.stringify(result)}\n`);
}

/** Parses items.jsonl. A last line without its newline that does not parse is a write cut short by a kill. */
export function parseItems(text: string, source: string): { results: ItemResult[]; truncatedLine: boolean } {
  const lines = text.split('\n');
  const endsClean = text.length === 0 || text.endsWith('\n');
  const results: ItemResult[] = [];
  let truncatedLine = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line.trim().length === 0) continue;
    const isLast = i === lines.length - 1 && !endsClean;
    let parsed: ReturnType<typeof itemResultSchema.safeParse> | null = null;
    try {
      parsed = itemResultSchema.safeParse(JSON.parse(line));
    } catch {
      parsed = null;
    }
    if (parsed?.success) {
      results.push(parsed.data);
      continue;
    }
    if (isLast) {
      truncatedLine = true;
      continue;
    }
    const why = parsed === null ? 'not valid JSON' : z.prettifyError(parsed.error).replace(/\n/g, ' ');
    throw new NormguardError('BAD_INPUT', `${source} line ${i + 1}: ${why}. Fix or delete that line, or choose another --out.`);
  }
  return { results, truncatedLine };
}

function parseManifest(text: string, path: string): RunManifest {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new NormguardError('BAD_INPUT', `${path} is not valid JSON; choose another --out`);
  }
  if (typeof json === 'object' && json !== null && (json as { version?: unknown }).version === 1) {
    throw new NormguardError('BAD_INPUT', `${path} is from an older normguard eval (one frame per run); choose another --out`);
  }
  const parsed = runManifestSchema.safeParse(json);
  if (!parsed.success) throw new NormguardError('BAD_INPUT', `${path} is not a normguard eval manifest; choose another --out`);
  return parsed.data;
}

/** A resumed run must ask the same question of the same model about the same items. */
function checkSameRun(dir: string, was: RunManifest, now: RunManifest): void {
  const differences: string[] = [];
  if (was.set.kind !== now.set.kind || was.set.identity !== now.set.identity) {
    differences.push(`data: it measured ${was.set.description} (${was.set.identity}), this run ${now.set.description} (${now.set.identity})`);
  }
  if ([...was.frames].sort().join() !== [...now.frames].sort().join()) differences.push(`--frame: it used ${was.frames.join('+')}, this run ${now.frames.join('+')}`);
  if ([...was.methods].sort().join() !== [...now.methods].sort().join()) differences.push(`--method: it used ${was.methods.join('+')}, this run ${now.methods.join('+')}`);
  if (was.model !== now.model) differences.push(`model: it asked "${was.model}", this run "${now.model}" (NORMGUARD_MODEL)`);
  if (differences.length > 0) {
    throw new NormguardError('BAD_INPUT', `${dir} holds a different run, so it cannot be continued:\n  ${differences.join('\n  ')}\nUse a new --out, or repeat that run's options.`);
  }
}

async function rewrite(path: string, results: ItemResult[]): Promise<void> {
  const tmp = `${path}.tmp`;
  await writeFile(tmp, results.map((r) => `${JSON.stringify(r)}\n`).join(''));
  await rename(tmp, path);
}

async function readOptional(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new NormguardError('BAD_INPUT', `cannot read ${path}: ${(err as Error).message}`);
  }
}
