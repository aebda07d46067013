/**
 * `npm run bench -- --cli`: how fast the built CLI starts. Runs `normguard --help` and
 * `normguard check` (against an in-process Ollama simulator that answers at once) as a user
 * would, from bin/normguard.js, several times each, beside a bare `node -e 0` and the old way
 * (TypeScript through tsx at run time). Targets: --help under 300 ms, check start-up (spawn →
 * its first request reaches Ollama) under 600 ms. Builds dist/ first when it is stale.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { startOllamaSimulator } from '../test/fakes/ollama/index.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin', 'normguard.js');
const BUILT_MAIN = join(ROOT, 'dist', 'src', 'main.js');
const CHECK_ARGS = ['check', '--situation', 'A group chat about a game.', '--intent', 'Win the argument.', '--action', 'Call the other player an idiot.', '--json'];

export const CLI_TARGETS = { helpMs: 300, checkStartupMs: 600 } as const;

export interface CliStartupResult {
  runs: number;
  /** Medians and minimums in milliseconds. */
  nodeBare: Stat;
  help: Stat;
  helpTsx: Stat;
  checkStartup: Stat;
  checkTotal: Stat;
  checkStartupTsx: Stat;
  targets: typeof CLI_TARGETS;
  met: { help: boolean; checkStartup: boolean };
}
interface Stat {
  median: number;
  min: number;
}

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/** `npm run build` when dist/ is missing or older than any product source. */
export function ensureBuilt(say: (line: string) => void): void {
  const sources = Math.max(...['src', 'commands', 'adapters'].map((d) => newestSource(join(ROOT, d))));
  if (existsSync(BUILT_MAIN) && statSync(BUILT_MAIN).mtimeMs >= sources) return;
  say('bench: building dist/ (npm run build)…');
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' });
}

interface Timed {
  totalMs: number;
  code: number | null;
}

function timeRun(args: string[], env: NodeJS.ProcessEnv): Promise<Timed & { startedAt: number }> {
  return new Promise((resolve, reject) => {
    const startedAt = Date.now();
    const t0 = performance.now();
    const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      const totalMs = performance.now() - t0;
      if (code !== 0) reject(new Error(`node ${args.join(' ')} exited ${code}: ${stderr.trim()}`));
      else resolve({ totalMs, code, startedAt });
    });
  });
}

function stat(values: number[]): Stat {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length / 2;
  const median = sorted.length % 2 ? sorted[Math.floor(mid)]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median: Math.round(median), min: Math.round(sorted[0]!) };
}

export async function runCliStartup(options: { runs?: number; say?: (line: string) => void } = {}): Promise<CliStartupResult> {
  const runs = options.runs ?? 10;
  const say = options.say ?? (() => undefined);
  ensureBuilt(say);
  const sim = await startOllamaSimulator();
  // A clean environment: no .env from the working tree, quiet logs, the simulator as Ollama.
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, OLLAMA_HOST: sim.url, LOG_LEVEL: 'error', NORMGUARD_SLOTS: '1' };
  try {
    const bare: number[] = [];
    const help: number[] = [];
    const helpTsx: number[] = [];
    const startup: number[] = [];
    const total: number[] = [];
    const startupTsx: number[] = [];
    const firstRequestAfter = async (args: string[]): Promise<{ startup: number; total: number }> => {
      const before = sim.requests.length;
      const run = await timeRun(args, env);
      const first = sim.requests[before];
      if (!first) throw new Error(`check sent no request to the simulator: ${args.join(' ')}`);
      return { startup: first.at - run.startedAt, total: run.totalMs };
    };
    say(`bench: CLI start-up, ${runs} runs each of node -e 0, --help and check (built, and through tsx)…`);
    for (let i = 0; i < runs; i++) {
      bare.push((await timeRun(['-e', '0'], env)).totalMs);
      help.push((await timeRun([BIN, '--help'], env)).totalMs);
      helpTsx.push((await timeRun(['--import', 'tsx', join(ROOT, 'src', 'main.ts'), '--help'], env)).totalMs);
      const built = await firstRequestAfter([BIN, ...CHECK_ARGS]);
      startup.push(built.startup);
      total.push(built.total);
      startupTsx.push((await firstRequestAfter(['--import', 'tsx', join(ROOT, 'src', 'main.ts'), ...CHECK_ARGS])).startup);
    }
    const result = {
      runs,
      nodeBare: stat(bare),
      help: stat(help),
      helpTsx: stat(helpTsx),
      checkStartup: stat(startup),
      checkTotal: stat(total),
      checkStartupTsx: stat(startupTsx),
      targets: CLI_TARGETS,
    };
    return { ...result, met: { help: result.help.median < CLI_TARGETS.helpMs, checkStartup: result.checkStartup.median < CLI_TARGETS.checkStartupMs } };
  } finally {
    await sim.close();
  }
}

export function formatCliStartup(r: CliStartupResult): string {
  const row = (what: string, s: Stat, target: string, met: string) => `| ${what} | ${s.median} | ${s.min} | ${target} | ${met} |`;
  return [
    `CLI start-up, ${r.runs} runs each (ms; built = bin/normguard.js running dist/, tsx = the TypeScript sources at run time)`,
    '',
    '| what | median | min | target | met |',
    '|---|---:|---:|---|---|',
    row('`node -e 0` (the floor)', r.nodeBare, '—', '—'),
    row('`normguard --help`, built', r.help, `< ${r.targets.helpMs}`, r.met.help ? 'yes' : '**no**'),
    row('`normguard --help`, tsx', r.helpTsx, '—', '—'),
    row('`normguard check` start-up (spawn → first request at Ollama), built', r.checkStartup, `< ${r.targets.checkStartupMs}`, r.met.checkStartup ? 'yes' : '**no**'),
    row('`normguard check` start-up, tsx', r.checkStartupTsx, '—', '—'),
    row('`normguard check` whole run, built, simulator answering at once', r.checkTotal, '—', '—'),
    '',
    `--help built vs tsx: ${(r.help.median / r.helpTsx.median).toFixed(2)}×; check start-up built vs tsx: ${(r.checkStartup.median / r.checkStartupTsx.median).toFixed(2)}×`,
  ].join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const runs = Number(process.argv[2] ?? 10);
  const result = await runCliStartup({ runs, say: (l) => process.stderr.write(`${l}\n`) });
  process.stdout.write(`${formatCliStartup(result)}\n`);
  process.exit(0);
}
