import { systemClock } from '../clock.js';
import type { Config } from '../config.js';
import { VERDICT_JSON_SCHEMA } from '../assessment/verdict.js';
import { CONTENT_FREE_FIELDS } from '../calibration/probes.js';
import { createInference, type OllamaBackend } from '../inference/index.js';
import { buildFrame } from '../strategies/index.js';
import type { Logger } from '../logger.js';
import type { CliIo } from './index.js';

/** Checks what a new operator usually gets wrong, and says how to fix each problem. */
export async function runDoctor(config: Config, logger: Logger, io: CliIo): Promise<number> {
  const inference = createInference(config, { clock: systemClock, logger: logger.child({}, { level: 'silent' }) });
  io.stdout(`config: ok (model "${config.NORMGUARD_MODEL}", verdict method ${config.NORMGUARD_VERDICT_METHOD}, ${config.OLLAMA_HOST.length} Ollama host(s))\n`);
  io.stdout(`store: ${config.REDIS_URL ? 'Redis (shared by several processes)' : `SQLite in ${config.NORMGUARD_DATA_DIR}`}\n`);
  let problems = 0;
  let warnings = 0;
  for (const h of await inference.health()) {
    if (!h.reachable) {
      problems++;
      io.stdout(`✗ ${h.url}: unreachable (${h.error ?? 'no answer'}). Is Ollama running there? Check OLLAMA_HOST here, and OLLAMA_HOST=0.0.0.0 on the GPU host when it is remote.\n`);
      continue;
    }
    if (!h.modelPresent) {
      problems++;
      io.stdout(`✗ ${h.url}: ${h.error}\n`);
      continue;
    }
    const thinking =
      h.thinking === 'supported'
        ? 'supports thinking control (turned off for audits)'
        : h.thinking === 'unsupported'
          ? 'has no thinking control'
          : 'thinking support unknown';
    const backend = inference.backends.find((b) => b.url === h.url)!;
    const logprobs = await probeLogprobs(backend, config.NORMGUARD_VERDICT_MAX_TOKENS);
    io.stdout(
      `✓ ${h.url}: model "${config.NORMGUARD_MODEL}" installed, ${h.loaded ? 'loaded' : 'not loaded yet (the first audit pays the load time)'}; ${thinking}; ${logprobs === 'supported' ? 'returns token logprobs' : logprobs === 'unsupported' ? 'returns no token logprobs' : 'logprobs not checked'}\n`,
    );
    if (h.thinking === 'unsupported') {
      warnings++;
      io.stdout(
        `! ${h.url}: the model's template has no thinking control, so Qwen3 may think before every audit (hundreds of tokens each). ` +
          'Re-create it with a Modelfile carrying the Qwen3 TEMPLATE that handles thinking, or `PARSER qwen3` (see ollama/Modelfile).\n',
      );
    }
    if (logprobs === 'unsupported') {
      warnings++;
      io.stdout(
        `! ${h.url}: no token logprobs (Ollama older than 0.12.11, or a proxy that drops them): the calibrated verdict method cannot run, ` +
          'so verdicts fall back to the two-frame contrast, which leaves most messages unclear when the frames lean strongly. ' +
          'Upgrade Ollama to 0.12.11 or newer (and let `logprobs` through any proxy), then run `normguard calibrate`.\n',
      );
    }
  }
  if (!config.NORMGUARD_API_TOKEN) io.stdout('note: NORMGUARD_API_TOKEN is not set; the HTTP API then only binds to loopback.\n');
  const noted = warnings > 0 ? ` (${warnings} warning(s) above)` : '';
  io.stdout(problems === 0 ? `doctor: all good${noted}\n` : `doctor: ${problems} problem(s) found${noted}\n`);
  return problems === 0 ? 0 : 3;
}

/** One content-free verdict turn asking for logprobs: the only way to know whether this host sends them. */
async function probeLogprobs(backend: OllamaBackend, maxTokens: number): Promise<OllamaBackend['logprobs']> {
  const frame = buildFrame('permissibility', CONTENT_FREE_FIELDS[0]!);
  try {
    await backend.complete({
      messages: [{ role: 'user', content: frame.prompt }],
      maxTokens,
      jsonSchema: { name: 'verdict', schema: VERDICT_JSON_SCHEMA },
      logprobs: { top: 5 },
      signal: AbortSignal.timeout(backend.attemptTimeoutMs()),
      timeoutMs: backend.attemptTimeoutMs(),
    });
  } catch {
    return 'unknown';
  }
  return backend.logprobs;
}
