import type { SlackContext } from './context.js';
import { toIncoming } from './to-message.js';

const EVENT_DEDUPE_MS = 60 * 60_000;

interface MessageEvent {
  subtype?: string;
  bot_id?: string;
  user?: string;
  text?: string;
  ts: string;
  channel: string;
  thread_ts?: string;
  files?: unknown[];
}

/** Passive monitoring: each member's message goes to the monitor; the outcome goes to the flow. */
export function registerMessages(ctx: SlackContext): void {
  const { app, flow } = ctx;
  ctx.bolt.event('message', async ({ event, body }) => {
    const e = event as MessageEvent;
    // Edits, joins, bot posts and every other subtype are not members speaking.
    if (e.subtype !== undefined || e.bot_id !== undefined || !e.user) return;
    const b = body as { event_id?: string; team_id?: string };
    // Slack retries an event it thinks was not received: audit each once.
    if (b.event_id && !(await app.store.repos.dedupe.claim(`slack-event:${b.event_id}`, EVENT_DEDUPE_MS))) return;
    await answeredQuietly(ctx, async () => {
      const message = await toIncoming(b.team_id ?? '', e.channel, e, ctx.people, ctx.logger);
      const outcome = await app.moderation.passive.handle(message);
      await flow.render({ channelId: e.channel, messageId: e.ts, threadId: e.thread_ts ?? e.ts }, outcome);
    });
  });
}

/** Monitoring answers nobody in particular: a failure is logged with its codes, never shown in the channel. */
async function answeredQuietly(ctx: SlackContext, fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (err) {
    ctx.logger.error({ err, code: (err as { code?: unknown }).code }, 'monitoring a message failed');
  }
}
