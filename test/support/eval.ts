import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/index.js';
import { parseItems, type EvalReport, type ItemResult } from '../../src/eval/index.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** `normguard eval …` in-process, as the CLI runs it, with quiet logs and a private working directory. */
export async function evalCli(args: string[], env: Record<string, string>, options: { stopSignal?: Promise<void>; cwd?: string } = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(['eval', ...args], {
    env: { LOG_LEVEL: 'silent', NORMGUARD_SLOTS: '4', ...env },
    cwd: options.cwd ?? mkdtempSync(join(tmpdir(), 'ng-eval-cwd-')),
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    stopSignal: options.stopSignal,
  });
  return { code, stdout, stderr };
}

export function readReport(outDir: string): EvalReport {
  return JSON.parse(readFileSync(join(outDir, 'report.json'), 'utf8')) as EvalReport;
}

export function readItems(outDir: string): ItemResult[] {
  return parseItems(readFileSync(join(outDir, 'items.jsonl'), 'utf8'), 'items.jsonl').results;
}

export function freshDir(label: string): string {
  return mkdtempSync(join(tmpdir(), `ng-eval-${label}-`));
}
