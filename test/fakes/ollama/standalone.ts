/**
 * `npm run simulator`: the Ollama simulator as a process, for running the bot or the
 * benchmarks against something that answers like Ollama without a GPU.
 */
import { parseArgs } from 'node:util';
import { DEFAULT_MODELS } from './models.js';
import { startOllamaSimulator } from './index.js';

const USAGE = `usage: npm run simulator -- [--port 11434] [--slots 4] [--decode-ms 0] [--prefill-ms 0]
                        [--load-ms 0] [--cold] [--no-thinking] [--thinking-tokens 120]`;

function numberFlag(flags: Record<string, unknown>, name: string): number | undefined {
  const raw = flags[name];
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) {
    process.stderr.write(`--${name} must be a non-negative number, got ${String(raw)}\n${USAGE}\n`);
    process.exit(2);
  }
  return value;
}

async function main(): Promise<void> {
  let flags: Record<string, unknown>;
  try {
    flags = parseArgs({
      options: {
        port: { type: 'string' },
        slots: { type: 'string' },
        'decode-ms': { type: 'string' },
        'prefill-ms': { type: 'string' },
        'load-ms': { type: 'string' },
        'thinking-tokens': { type: 'string' },
        cold: { type: 'boolean' },
        'no-thinking': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }).values;
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
    process.exit(2);
  }
  if (flags.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }

  const noThinking = flags['no-thinking'] === true;
  const sim = await startOllamaSimulator({
    port: numberFlag(flags, 'port') ?? 11434,
    cold: flags.cold === true,
    thinkingTokens: numberFlag(flags, 'thinking-tokens'),
    models: DEFAULT_MODELS.map((m) => ({ name: m.name, capabilities: noThinking ? ['completion'] : m.capabilities })),
    latency: {
      slots: numberFlag(flags, 'slots'),
      decodeMsPerToken: numberFlag(flags, 'decode-ms'),
      prefillMsPerToken: numberFlag(flags, 'prefill-ms'),
      loadMs: numberFlag(flags, 'load-ms'),
    },
    log: (line) => {
      process.stderr.write(`${line}\n`);
      // A long benchmark run would otherwise keep every request body in memory.
      sim.requests.length = 0;
    },
  });

  process.stdout.write(
    `Ollama simulator listening on ${sim.url} (a test double that speaks Ollama's API, not the model: answers are canned)\n`,
  );

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`${signal}: stopping the simulator\n`);
    sim.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  process.stderr.write(`simulator failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
