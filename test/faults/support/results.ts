import { mkdirSync, readdirSync, readFileSync, renameSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * What each fault test saw, for the README table (test/faults/report.ts): one row per injected
 * fault or attack, plus running totals (cases lost, duplicate audits…).
 *
 * vitest runs test files in parallel processes, so each file writes its own fragment
 * (`test-artifacts/fault-results/<file>.json`) and then merges every fragment into
 * `test-artifacts/fault-results.json` under a lock directory (mkdir is atomic).
 */
export interface FaultRow {
  /** Where the fault hits: "CLI", "HTTP API", "Monitor", "Redis", "SQLite", "Discord render"… */
  area: string;
  fault: string;
  /** What a user or operator observes, in words that do not change from run to run. */
  observed: string;
}

export interface FaultResults {
  rows: FaultRow[];
  totals: Record<string, number>;
}

export const ARTIFACTS_DIR = fileURLToPath(new URL('../../../test-artifacts/', import.meta.url));
export const RESULTS_FILE = join(ARTIFACTS_DIR, 'fault-results.json');
const FRAGMENTS_DIR = join(ARTIFACTS_DIR, 'fault-results');
const LOCK_DIR = join(ARTIFACTS_DIR, 'fault-results.lock');

/** Totals every suite adds to; the report names them. */
export const TOTALS = {
  faultsInjected: 'faults injected',
  hostileInputsTried: 'hostile inputs tried',
  casesLost: 'cases lost',
  duplicateAudits: 'duplicate audits',
  secretLeaks: 'secret values found in logs',
} as const;
export type TotalName = keyof typeof TOTALS;

export class FaultRecorder {
  readonly #file: string;
  readonly #rows: FaultRow[] = [];
  readonly #totals: Partial<Record<TotalName, number>> = {};

  /** `suite` names the fragment; one recorder per test file. */
  constructor(suite: string) {
    this.#file = join(FRAGMENTS_DIR, `${suite}.json`);
  }

  /** Records one observed fault; counts it as injected unless `injected` is false (an attack, not a fault). */
  row(area: string, fault: string, observed: string, options: { injected?: boolean } = {}): void {
    this.#rows.push({ area, fault, observed });
    if (options.injected !== false) this.add('faultsInjected', 1);
  }

  add(total: TotalName, n: number): void {
    this.#totals[total] = (this.#totals[total] ?? 0) + n;
  }

  /** Writes this file's fragment and refreshes the merged results; call from afterAll. */
  async flush(): Promise<void> {
    mkdirSync(FRAGMENTS_DIR, { recursive: true });
    writeAtomically(this.#file, `${JSON.stringify({ rows: this.#rows, totals: this.#totals }, null, 2)}\n`);
    await withLock(() => writeAtomically(RESULTS_FILE, `${JSON.stringify(mergeFragments(), null, 2)}\n`));
  }
}

export function readResults(file = RESULTS_FILE): FaultResults {
  return JSON.parse(readFileSync(file, 'utf8')) as FaultResults;
}

function mergeFragments(): FaultResults {
  const merged: FaultResults = { rows: [], totals: {} };
  for (const name of readdirSync(FRAGMENTS_DIR).filter((f) => f.endsWith('.json')).sort()) {
    let fragment: FaultResults;
    try {
      fragment = JSON.parse(readFileSync(join(FRAGMENTS_DIR, name), 'utf8')) as FaultResults;
    } catch {
      continue;
    }
    merged.rows.push(...fragment.rows);
    for (const [k, v] of Object.entries(fragment.totals)) merged.totals[k] = (merged.totals[k] ?? 0) + v;
  }
  return merged;
}

function writeAtomically(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

async function withLock(fn: () => void): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      mkdirSync(LOCK_DIR);
      break;
    } catch {
      // Another worker is merging; a lock older than the deadline is a crashed worker's, taken over.
      if (Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  try {
    fn();
  } finally {
    try {
      rmdirSync(LOCK_DIR);
    } catch {
      // already gone
    }
  }
}
