import type { Assessor } from '../src/assessment/assessor.js';
import type { App, Engine } from '../src/app.js';
import type { Clock } from '../src/clock.js';
import type { Logger } from '../src/logger.js';
import type { ActivityLog } from '../src/moderation/activity-log.js';
import type { CaseService } from '../src/moderation/cases.js';
import type { ConversationBuffer } from '../src/moderation/conversation-buffer.js';
import type { CaseRepository } from '../src/store/case-repository.js';
import type { SettingsRepository } from '../src/store/settings-repository.js';

/** What a command that only asks the model needs: the CLI has this much, without a store. */
export interface EngineDeps {
  assessor: Assessor;
  clock: Clock;
  logger: Logger;
}

/** What commands about a workspace need besides. */
export interface CommandDeps extends EngineDeps {
  settings: SettingsRepository;
  cases: CaseRepository;
  caseService: CaseService;
  buffer: ConversationBuffer;
  activity: ActivityLog;
}

export function engineDeps(engine: Engine): EngineDeps {
  return { assessor: engine.assessor, clock: engine.clock, logger: engine.logger.child({ component: 'commands' }) };
}

/** Taken from the composition root (src/ never imports commands/). */
export function commandDeps(app: App): CommandDeps {
  const { moderation, store } = app;
  return {
    ...engineDeps(app),
    settings: store.repos.settings,
    cases: store.repos.cases,
    caseService: moderation.cases,
    buffer: moderation.buffer,
    activity: moderation.activity,
  };
}
