import { Assessor } from '../../src/assessment/assessor.js';
import type { Clock } from '../../src/clock.js';
import { createInference } from '../../src/inference/index.js';
import { silentLogger } from '../../src/logger.js';
import { CaseService } from '../../src/moderation/cases.js';
import type { Repositories } from '../../src/store/index.js';
import { testConfig } from './config.js';

/**
 * The real CaseService over a store's repositories, as the app wires it. Its assessor points at a
 * port nothing listens on: the lifecycle never asks the model (only `rationale` would).
 */
export function caseServiceOver(repos: Repositories, clock: Clock): CaseService {
  const config = testConfig({ OLLAMA_HOST: 'http://127.0.0.1:9' });
  const logger = silentLogger();
  const inference = createInference(config, { clock, logger });
  const assessor = new Assessor({
    inference: inference.client,
    method: config.NORMGUARD_VERDICT_METHOD,
    maxTokens: config.NORMGUARD_MAX_TOKENS,
    verdictMaxTokens: config.NORMGUARD_VERDICT_MAX_TOKENS,
    cacheTtlMs: 0,
    clock,
    logger,
  });
  return new CaseService(repos.cases, assessor, logger, repos.settings);
}
