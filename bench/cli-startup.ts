/**
 * `npm run bench -- --cli`: how fast the built CLI starts. Runs `normguard --help` and
 * `normguard check` (against an in-process Ollama simulator that answers at once) as a user
 * would, from bin/normguard.js (the linked build in dist/cli/), several times each, beside a bare
 * `node -e 0`, tsc's unlinked output (dist/src/main.js, one file per module) and the old way
 * (TypeScript through tsx at run time). Targets: --help under 300 ms, check start-up (spawn →
 * its first request reaches Ollama) under 600 ms. Wall times swing with the machine's load, so
 * the CPU time `check` used (user + system, whole run) and the load average are shown too.
 * Builds dist/ first when it is stale.
 */
import { execFileSync, spawn } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { startOllamaSimulator } from '../test/fakes/ollama/index.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin', 'normguard.js');
/** tsc's output before scripts/bundle.mjs links it: what bin/normguard.js ran until it did. */
const UNLINKED_MAIN = join(ROOT, 'dist', 'src', 'main.js');
const CHECK_ARGS = ['check', '--situation', 'A group chat about a game.', '--intent', 'Win the argument.', '--action', 'Call the other player an idiot.', '--json'];

export const CLI_TARGETS = { helpMs: 300, checkStartupMs: 600 } as const;

export interface CliStartupResult {
  runs: number;
  /** Medians and minimums in milliseconds. */
  nodeBare: Stat;
  help: Stat;
  helpTsx: Stat;
  helpUnlinked: Stat;
  checkStartup: Stat;
  checkStartupUnlinked: Stat;
  checkTotal: Stat;
  checkStartupTsx: Stat;
  /** CPU time (user + system) of a whole `check` run, linked and unlinked. */
  checkCpu: Stat;
  checkCpuUnlinked: Stat;
  /** The 1-minute load average before and after the runs. */
  load: [number, number];
  targets: typeof CLI_TARGETS;
  met: { help: boolean; checkStartup: boolean };
}
interface Stat {
  median: number;
  min: number;
}

/** Builds dist/ (tsc, then the link step) when it is missing or older than any product source. */
export function ensureBuilt(say: (line: string) => void): void {
  say('bench: checking dist/ is current (scripts/build-if-stale.mjs)…');
  execFileSync(process.execPath, [join(ROOT, 'scripts', 'build-if-stale.mjs')], { cwd: ROOT, stdio: 'inherit' });
}

interface Timed {
  totalMs: number;
  code: number | null;
  /** User + system CPU of the child, when it ran with CPU_PROBE. */
  cpuMs?: number;
}

/** Loaded before the program: prints the CPU the process used as it exits. */
const CPU_PROBE =
  "data:text/javascript,process.on('exit',()=>{const u=process.cpuUsage();process.stderr.write('\\ncpu-ms '+Math.round((u.user+u.system)/1000)+'\\n')})";

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
      const cpu = /cpu-ms (\d+)/.exec(stderr)?.[1];
      if (code !== 0) reject(new Error(`node ${args.join(' ')} exited ${code}: ${stderr.trim()}`));
      else resolve({ totalMs, code, startedAt, ...(cpu ? { cpuMs: Number(cpu) } : {}) });
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
    const helpUnlinked: number[] = [];
    const startup: number[] = [];
    const startupUnlinked: number[] = [];
    const total: number[] = [];
    const startupTsx: number[] = [];
    const cpu: number[] = [];
    const cpuUnlinked: number[] = [];
    const firstRequestAfter = async (args: string[]): Promise<{ startup: number; total: number; cpuMs?: number }> => {
      const before = sim.requests.length;
      const run = await timeRun(args, env);
      const first = sim.requests[before];
      if (!first) throw new Error(`check sent no request to the simulator: ${args.join(' ')}`);
      return { startup: first.at - run.startedAt, total: run.totalMs, ...(run.cpuMs === undefined ? {} : { cpuMs: run.cpuMs }) };
    };
    const loadBefore = loadavg()[0]!;
    say(`bench: CLI start-up, ${runs} runs each of node -e 0, --help and check (linked, unlinked, and through tsx)…`);
    for (let i = 0; i < runs; i++) {
      bare.push((await timeRun(['-e', '0'], env)).totalMs);
      help.push((await timeRun([BIN, '--help'], env)).totalMs);
      helpUnlinked.push((await timeRun([UNLINKED_MAIN, '--help'], env)).totalMs);
      helpTsx.push((await timeRun(['--import', 'tsx', join(ROOT, 'src', 'main.ts'), '--help'], env)).totalMs);
      const built = await firstRequestAfter(['--import', CPU_PROBE, BIN, ...CHECK_ARGS]);
      startup.push(built.startup);
      total.push(built.total);
      cpu.push(built.cpuMs ?? Number.NaN);
      const unlinked = await firstRequestAfter(['--import', CPU_PROBE, UNLINKED_MAIN, ...CHECK_ARGS]);
      startupUnlinked.push(unlinked.startup);
      cpuUnlinked.push(unlinked.cpuMs ?? Number.NaN);
      startupTsx.push((await firstRequestAfter(['--import', 'tsx', join(ROOT, 'src', 'main.ts'), ...CHECK_ARGS])).startup);
    }
    const result = {
      runs,
      nodeBare: stat(bare),
      help: stat(help),
      helpTsx: stat(helpTsx),
      helpUnlinked: stat(helpUnlinked),
      checkStartup: stat(startup),
      checkStartupUnlinked: stat(startupUnlinked),
      checkTotal: stat(total),
      checkStartupTsx: stat(startupTsx),
      checkCpu: stat(cpu),
      checkCpuUnlinked: stat(cpuUnlinked),
      load: [loadBefore, loadavg()[0]!] as [number, number],
      targets: CLI_TARGETS,
    };
    return { ...result, met: { help: result.help.median < CLI_TARGETS.helpMs, checkStartup: result.checkStartup.median < CLI_TARGETS.checkStartupMs } };
  } finally {
    await sim.close();
  }
}

export function formatCliStartup(r: CliStartupResult): string {
  const row = (what: string, s: Stat, target: string, met: string) => `| ${what} | ${s.median} | ${s.min} | ${target} | ${met} |`;
  const ratio = (a: Stat, b: Stat) => `${(a.median / b.median).toFixed(2)}× (best ${(a.min / b.min).toFixed(2)}×)`;
  return [
    `CLI start-up, ${r.runs} runs each (ms; built = bin/normguard.js running the linked dist/cli/, unlinked = tsc's dist/src/main.js, tsx = the TypeScript sources at run time)`,
    `load average (1 min) ${r.load[0].toFixed(1)} before, ${r.load[1].toFixed(1)} after, on ${availableParallelism()} cores`,
    '',
    '| what | median | min | target | met |',
    '|---|---:|---:|---|---|',
    row('`node -e 0` (the floor)', r.nodeBare, '—', '—'),
    row('`normguard --help`, built', r.help, `< ${r.targets.helpMs}`, r.met.help ? 'yes' : '**no**'),
    row('`normguard --help`, unlinked', r.helpUnlinked, '—', '—'),
    row('`normguard --help`, tsx', r.helpTsx, '—', '—'),
    row('`normguard check` start-up (spawn → first request at Ollama), built', r.checkStartup, `< ${r.targets.checkStartupMs}`, r.met.checkStartup ? 'yes' : '**no**'),
    row('`normguard check` start-up, unlinked', r.checkStartupUnlinked, '—', '—'),
    row('`normguard check` start-up, tsx', r.checkStartupTsx, '—', '—'),
    row('`normguard check` whole run, built, simulator answering at once', r.checkTotal, '—', '—'),
    row('`normguard check` CPU time (user + system), whole run, built', r.checkCpu, '—', '—'),
    row('`normguard check` CPU time, whole run, unlinked', r.checkCpuUnlinked, '—', '—'),
    '',
    `check start-up built vs unlinked: ${ratio(r.checkStartup, r.checkStartupUnlinked)}; check CPU built vs unlinked: ${ratio(r.checkCpu, r.checkCpuUnlinked)}`,
    `--help built vs tsx: ${ratio(r.help, r.helpTsx)}; check start-up built vs tsx: ${ratio(r.checkStartup, r.checkStartupTsx)}`,
  ].join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const runs = Number(process.argv[2] ?? 10);
  const result = await runCliStartup({ runs, say: (l) => process.stderr.write(`${l}\n`) });
  process.stdout.write(`${formatCliStartup(result)}\n`);
  process.exit(0);
}
