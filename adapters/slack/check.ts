import type { MessageShortcut } from '@slack/bolt';
import { runCheckMessage } from '../../commands/index.js';
import { slackCommandContext } from './commands.js';
import type { SlackContext } from './context.js';
import { replyPayload } from './render/blocks.js';
import { fromSlack } from './render/text.js';
import { conversationBefore, nameOf } from './to-message.js';

/** "Check this message": S3 on the message with the conversation before it, answered privately. */
export async function onCheckShortcut(ctx: SlackContext, shortcut: MessageShortcut): Promise<void> {
  const { client, people, logger } = ctx;
  const channel = shortcut.channel.id;
  const target = shortcut.message as { ts: string; text?: string; user?: string; thread_ts?: string };
  const context = await conversationBefore(client, people, logger, { channel, ts: target.ts, ...(target.thread_ts ? { threadTs: target.thread_ts } : {}) }).catch((err: unknown) => {
    logger.warn({ err }, 'could not read the conversation before the checked message; checking it alone');
    return [];
  });
  const authorName = target.user ? await nameOf(people, target.user, logger) : 'someone';
  const where = slackCommandContext(ctx, { userId: shortcut.user.id, teamId: shortcut.team?.id ?? '', channelId: channel });
  const reply = await runCheckMessage({ authorName, text: fromSlack(target.text ?? '') }, context, where, ctx.commands);
  await client.chat.postEphemeral({ channel, user: shortcut.user.id, ...replyPayload(reply) });
}
