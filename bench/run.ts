/**
 * `npm run bench`: normguard's economy and scheduling benchmarks against the Ollama simulator,
 * with the latency model of a 4B model on one GPU. Prints a table, writes bench/results.json
 * (bench/results.quick.json for --quick, so a smoke run never replaces the recorded figures);
 * with --json, stdout is one JSON object and progress goes to stderr. See bench/README.md.
 */
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { formatCacheBench, runCacheBench } from './caches.js';
import { formatCliStartup, runCliStartup } from './cli-startup.js';
import { runBiasGrid, runEconomy } from './gpu-economy.js';
import { formatEvalPersonas, runEvalPersonas } from './eval-personas.js';
import { formatHeldout, runHeldout } from './heldout.js';
import { runIngest } from './ingest.js';
import { runInteractive } from './interactive.js';
import type { LatencyModel } from './load.js';
import { runMemory } from './memory.js';
import { buildResults, machine, table } from './report.js';
import { runSaturation } from './saturation.js';
import { formatScaleBench, runScaleBench } from './scale.js';

const USAGE = `usage: npm run bench -- [--decode-ms 8] [--prefill-ms 0.2] [--slots 4] [--quick] [--json]
                        [--gpu-time-scale 40] [--seed 1] [--scale] [--caches] [--cli]
                        [--heldout] [--eval]`;

/** Sizes of a full run (about 3-4 minutes on 2 cores) and of a --quick smoke run (about 30 s). */
export const SIZES = {
  full: { ingest: 200_000, saturationS: 20, commands: 40, economy: 1_000, grid: 1_000, heldout: undefined, memory: 1_000_000, memoryChannels: 10_000, memoryWorkspaces: 1_000 },
  quick: { ingest: 20_000, saturationS: 3, commands: 6, economy: 200, grid: 120, heldout: 60, memory: 50_000, memoryChannels: 1_000, memoryWorkspaces: 100 },
} as const;

function numberFlag(values: Record<string, unknown>, name: string, fallback: number, integer = false): number {
  const raw = values[name];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0 || (integer && (!Number.isInteger(n) || n < 1))) {
    process.stderr.write(`--${name} must be ${integer ? 'a whole number above 0' : 'a non-negative number'}, got ${String(raw)}\n${USAGE}\n`);
    process.exit(2);
  }
  return n;
}

async function main(): Promise<void> {
  let values: Record<string, unknown>;
  try {
    values = parseArgs({
      options: {
        'decode-ms': { type: 'string' },
        'prefill-ms': { type: 'string' },
        slots: { type: 'string' },
        quick: { type: 'boolean' },
        json: { type: 'boolean' },
        'gpu-time-scale': { type: 'string' },
        seed: { type: 'string' },
        scale: { type: 'boolean' },
        caches: { type: 'boolean' },
        cli: { type: 'boolean' },
        heldout: { type: 'boolean' },
        eval: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }).values;
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}\n`);
    process.exit(2);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  // --scale: the scale-out benchmark alone (real worker and gateway processes on Redis; bench/scale.ts).
  if (values.scale) {
    process.stdout.write(`${formatScaleBench(await runScaleBench({ audits: values.quick ? 40 : undefined, ingest: values.quick ? 1_000 : undefined }))}\n`);
    process.exit(0);
  }
  // --caches: the in-memory caches on lru-cache against the hand-rolled maps they replaced (bench/caches.ts).
  if (values.caches) {
    process.stdout.write(`${formatCacheBench(runCacheBench(values.quick ? { ops: 100_000, rounds: 3 } : {}))}\n`);
    process.exit(0);
  }
  // --cli: the CLI start-up benchmark alone (the built bin/normguard.js; bench/cli-startup.ts).
  if (values.cli) {
    const result = await runCliStartup({ runs: values.quick ? 3 : 10, say: (line) => process.stderr.write(`${line}\n`) });
    process.stdout.write(`${values.json ? JSON.stringify(result) : formatCliStartup(result)}\n`);
    process.exit(0);
  }
  // --heldout: the Done-when measure alone (the held-out chat set; bench/heldout.ts).
  if (values.heldout) {
    const rows = await runHeldout({ withoutLogprobs: true });
    if (values.json === true) process.stdout.write(`${JSON.stringify(rows)}\n`);
    else process.stdout.write(`${formatHeldout(rows)}\n`);
    process.exit(0);
  }
  // --eval: normguard eval --method all under each persona (bench/eval-personas.ts; docs/evaluation.md).
  if (values.eval) {
    const rows = await runEvalPersonas(values.quick ? { stories: 20, heldoutLimit: 40 } : {});
    process.stdout.write(values.json === true ? `${JSON.stringify(rows)}\n` : `${formatEvalPersonas(rows)}\n`);
    process.exit(0);
  }
  const latency: LatencyModel = {
    decodeMs: numberFlag(values, 'decode-ms', 8),
    prefillMs: numberFlag(values, 'prefill-ms', 0.2),
    slots: numberFlag(values, 'slots', 4, true),
  };
  const quick = values.quick === true;
  const json = values.json === true;
  const timeScale = numberFlag(values, 'gpu-time-scale', 40);
  const seed = numberFlag(values, 'seed', 1, true);
  const size = quick ? SIZES.quick : SIZES.full;
  const say = (line: string) => process.stderr.write(`${line}\n`);
  const host = machine();
  const startedAt = new Date();
  const t0 = performance.now();

  // One at a time: each phase has the machine to itself.
  say(`bench: ingest, ${size.ingest.toLocaleString('en')} messages through the monitor, model excluded…`);
  const ingest = await runIngest({ messages: size.ingest, seed });
  say(`bench: saturation, passive load above capacity for ${size.saturationS} s…`);
  const saturation = await runSaturation({ latency, seconds: size.saturationS, seed: seed + 10 });
  say(`bench: interactive, ${size.commands} slash commands idle, then ${size.commands} with the passive queue full…`);
  const interactive = await runInteractive({ latency, commands: size.commands, seed: seed + 20 });
  say(`bench: GPU economy, ${size.economy.toLocaleString('en')} messages through normguard and the naive bot (latency ÷ ${timeScale})…`);
  const economy = await runEconomy({ latency, messages: size.economy, timeScale, seed: seed + 30 });
  say(`bench: bias grid, ${size.grid.toLocaleString('en')} messages (the same mix) through both bots at S3/S2 biases −3, −1.5, 0, 1.5, 3…`);
  const grid = await runBiasGrid({ latency, messages: size.grid, timeScale, seed: seed + 30 });
  say(`bench: held-out chat set through POST /v1/assess check and passive monitoring, biases 0, 1.5, 3…`);
  const heldout = await runHeldout({ limit: size.heldout, withoutLogprobs: true });
  say(`bench: memory, ${size.memory.toLocaleString('en')} messages over ${size.memoryChannels.toLocaleString('en')} channels in a child process…`);
  const memory = await runMemory({ messages: size.memory, channels: size.memoryChannels, workspaces: size.memoryWorkspaces, seed: seed + 40 });

  const results = buildResults(
    { ingest, saturation, interactive, economy, grid, heldout, memory },
    { quick, latency, machine: host, startedAt, durationS: (performance.now() - t0) / 1000 },
  );
  const file = fileURLToPath(new URL(quick ? './results.quick.json' : './results.json', import.meta.url));
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  if (json) process.stdout.write(`${JSON.stringify(results)}\n`);
  else process.stdout.write(`${table(results)}\n\ntargets met: ${results.targets_met}/${results.targets.length}; written to ${file}\n`);
  // Sockets and timers of the simulators and clients may linger for a moment; the run is done.
  process.exit(0);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
