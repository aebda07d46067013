/**
 * `npm run simulator`: the Ollama simulator as a process, for running the bot or the
 * benchmarks against something that answers like Ollama without a GPU.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DEFAULT_MODELS } from './models.js';
import { startOllamaSimulator } from './index.js';
import { resolvePrior, type FrameId, type PersonaSpec } from './persona.js';

const USAGE = `usage: npm run simulator -- [--port 11434] [--slots 4] [--decode-ms 0] [--prefill-ms 0]
                        [--load-ms 0] [--cold] [--no-thinking] [--thinking-tokens 120] [--no-logprobs]
                        [--persona rules|prior] [--bias 2.5] [--bias-s1 0] [--bias-s2 -2.5] [--bias-s3 2.5]
                        [--bias-s4 0] [--evidence 1.25] [--spread 0.6] [--ambiguous 0.1]
                        [--frame-noise 0.3] [--probe-shift 0.3] [--labels data/moral_stories_sample.jsonl]

  --persona prior   a model carrying its frames' trained priors: in frame f the log-odds of
                    "impermissible" are evidence + bias[f]; --bias B sets S3 to +B and S2 to -B
  --no-logprobs     behave like Ollama before 0.12.11: logprobs requests are ignored
  --labels FILE     Moral Stories JSON Lines: each moral action is permissible, each immoral one
                    impermissible (otherwise a keyword rule decides)`;

function fail(message: string): never {
  process.stderr.write(`${message}\n${USAGE}\n`);
  process.exit(2);
}

/** Any finite number (biases may be negative). */
function signedFlag(flags: Record<string, unknown>, name: string): number | undefined {
  const raw = flags[name];
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (typeof raw !== 'string' || raw.trim() === '' || !Number.isFinite(value)) fail(`--${name} must be a number, got ${String(raw)}`);
  return value;
}

function labelsFrom(path: string): Array<{ action: string; label: 'permissible' | 'impermissible' }> {
  try {
    return readFileSync(path, 'utf8')
      .split('\n')
      .filter((line) => line.trim().length > 0)
      .flatMap((line) => {
        const story = JSON.parse(line) as { moral_action?: unknown; immoral_action?: unknown };
        return [
          ...(typeof story.moral_action === 'string' ? [{ action: story.moral_action, label: 'permissible' as const }] : []),
          ...(typeof story.immoral_action === 'string' ? [{ action: story.immoral_action, label: 'impermissible' as const }] : []),
        ];
      });
  } catch (error) {
    fail(`--labels ${path}: ${(error as Error).message}`);
  }
}

function personaOf(flags: Record<string, unknown>): PersonaSpec {
  const kind = flags.persona ?? 'rules';
  const priorFlags = ['bias', 'bias-s1', 'bias-s2', 'bias-s3', 'bias-s4', 'evidence', 'spread', 'ambiguous', 'frame-noise', 'probe-shift'];
  if (kind === 'rules') {
    const stray = priorFlags.find((f) => flags[f] !== undefined);
    if (stray) fail(`--${stray} needs --persona prior`);
    return { kind: 'rules' };
  }
  if (kind !== 'prior') fail(`--persona must be rules or prior, got ${String(kind)}`);
  const both = signedFlag(flags, 'bias');
  const bias: Partial<Record<FrameId, number>> = both === undefined ? {} : { S3: both, S2: -both };
  for (const id of ['S1', 'S2', 'S3', 'S4'] as const) {
    const value = signedFlag(flags, `bias-${id.toLowerCase()}`);
    if (value !== undefined) bias[id] = value;
  }
  const spec: PersonaSpec = {
    kind: 'prior',
    bias,
    evidence: numberFlag(flags, 'evidence'),
    spread: numberFlag(flags, 'spread'),
    ambiguous: numberFlag(flags, 'ambiguous'),
    frameNoise: numberFlag(flags, 'frame-noise'),
    probeShift: signedFlag(flags, 'probe-shift'),
  };
  try {
    resolvePrior(spec);
  } catch (error) {
    fail((error as Error).message);
  }
  return spec;
}

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
        'no-logprobs': { type: 'boolean' },
        persona: { type: 'string' },
        bias: { type: 'string' },
        'bias-s1': { type: 'string' },
        'bias-s2': { type: 'string' },
        'bias-s3': { type: 'string' },
        'bias-s4': { type: 'string' },
        evidence: { type: 'string' },
        spread: { type: 'string' },
        ambiguous: { type: 'string' },
        'frame-noise': { type: 'string' },
        'probe-shift': { type: 'string' },
        labels: { type: 'string' },
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
  const persona = personaOf(flags);
  const sim = await startOllamaSimulator({
    persona,
    labelled: typeof flags.labels === 'string' ? labelsFrom(flags.labels) : undefined,
    logprobs: flags['no-logprobs'] !== true,
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

  const who =
    persona.kind === 'prior'
      ? `prior persona, bias ${JSON.stringify(resolvePrior(persona).bias)}`
      : 'rules persona';
  process.stdout.write(
    `Ollama simulator listening on ${sim.url} (a test double that speaks Ollama's API, not the model: answers are canned; ${who}${flags['no-logprobs'] === true ? ', no logprobs' : ''})\n`,
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
