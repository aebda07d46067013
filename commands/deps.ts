import type { App } from '../src/app.js';
import type { CommandDeps } from './handlers.js';

/** What command handlers need, taken from the composition root (src/ never imports commands/). */
export function commandDeps(app: App): CommandDeps {
  const { moderation, store } = app;
  return {
    assessor: app.assessor,
    settings: store.repos.settings,
    cases: store.repos.cases,
    caseService: moderation.cases,
    buffer: moderation.buffer,
    activity: moderation.activity,
    clock: app.clock,
    logger: app.logger.child({ component: 'commands' }),
  };
}
