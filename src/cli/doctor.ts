import { systemClock } from '../clock.js';
import type { Config } from '../config.js';
import { createInference } from '../inference/index.js';
import type { Logger } from '../logger.js';
import type { CliIo } from './index.js';

/** Checks what a new operator usually gets wrong, and says how to fix each problem. */
export async function runDoctor(config: Config, logger: Logger, io: CliIo): Promise<number> {
  const inference = createInference(config, { clock: systemClock, logger: logger.child({}, { level: 'silent' }) });
  io.stdout(`config: ok (model "${config.NORMGUARD_MODEL}", verdict method ${config.NORMGUARD_VERDICT_METHOD}, ${config.OLLAMA_HOST.length} Ollama host(s))\n`);
  io.stdout(`store: ${config.REDIS_URL ? 'Redis (shared by several processes)' : `SQLite in ${config.NORMGUARD_DATA_DIR}`}\n`);
  let problems = 0;
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
          ? 'has no thinking control (its template lacks it; requests go without it — ollama/Modelfile gives the Qwen3 template)'
          : 'thinking support unknown';
    io.stdout(`✓ ${h.url}: model "${config.NORMGUARD_MODEL}" installed, ${h.loaded ? 'loaded' : 'not loaded yet (the first audit pays the load time)'}; ${thinking}\n`);
  }
  if (!config.NORMGUARD_API_TOKEN) io.stdout('note: NORMGUARD_API_TOKEN is not set; the HTTP API then only binds to loopback.\n');
  io.stdout(problems === 0 ? 'doctor: all good\n' : `doctor: ${problems} problem(s) found\n`);
  return problems === 0 ? 0 : 3;
}
