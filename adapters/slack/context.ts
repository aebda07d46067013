import type { App as BoltApp, webApi } from '@slack/bolt';
import type { CommandDeps } from '../../commands/deps.js';
import type { ReviewFlow } from '../../commands/review/flow.js';
import type { App } from '../../src/app.js';
import { describeError } from '../../src/errors.js';
import type { Logger } from '../../src/logger.js';
import type { SlackPeople } from './actor.js';
import { tellPrivately } from './review/interaction.js';

/** What every Slack handler module gets: the product, the Bolt app, and the review flow. */
export interface SlackContext {
  app: App;
  bolt: BoltApp;
  client: webApi.WebClient;
  people: SlackPeople;
  flow: ReviewFlow;
  commands: CommandDeps;
  logger: Logger;
}

export const UNKNOWN_INTERACTION = 'This button or form is no longer in use (it may come from an older message). Nothing was changed.';

/**
 * Runs a handler after ack(): a failure is logged with its codes and the member is told, in the
 * sentence for its error code, privately where it happened (Bolt's app.error only logs).
 */
export async function answered(ctx: SlackContext, who: { userId: string; channelId: string | null }, what: string, fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (err) {
    ctx.logger.error({ err, code: (err as { code?: unknown }).code, platformCode: (err as { platformCode?: unknown }).platformCode }, `${what} failed`);
    const channel = who.channelId && !who.channelId.startsWith('D') ? who.channelId : null;
    await tellPrivately(ctx.client, who.userId, channel, `⚠️ ${describeError(err)}`).catch((e: unknown) => ctx.logger.warn({ err: e }, 'could not tell the member about the failure'));
  }
}
