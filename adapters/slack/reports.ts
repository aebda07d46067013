import type { MessageShortcut } from '@slack/bolt';
import { fileReport } from '../../src/moderation/reports.js';
import type { SlackContext } from './context.js';
import type { Meta } from './interactions.js';
import { reportModal, viewValue } from './modals.js';
import { tellPrivately } from './review/interaction.js';
import { conversationBefore, fetchMessage, toIncoming } from './to-message.js';

export const REPORT_THANKS = 'Thanks — your report is with the moderators. You will hear the outcome in one line.';

/** "Report to moderators": any member; the form carries only the message's place. */
export async function onReportShortcut(ctx: SlackContext, shortcut: MessageShortcut): Promise<void> {
  const m = shortcut.message as { ts: string; thread_ts?: string };
  await ctx.client.views.open({ trigger_id: shortcut.trigger_id, view: reportModal({ channelId: shortcut.channel.id, ts: m.ts, ...(m.thread_ts ? { threadTs: m.thread_ts } : {}) }) });
}

/** The report's message is read again: whatever its length, it reaches the moderators whole. */
export async function onReportSubmit(ctx: SlackContext, reporterId: string, teamId: string, values: Record<string, Record<string, any>>, meta: Meta): Promise<void> {
  const { app, client, people, logger } = ctx;
  const channelId = meta.channelId ?? '';
  const place = { channel: channelId, ts: meta.ts ?? '', ...(meta.threadTs ? { threadTs: meta.threadTs } : {}) };
  const target = channelId && meta.ts ? await fetchMessage(client, place) : null;
  if (!target) return tellPrivately(client, reporterId, channelId || null, 'That message is gone; nothing was reported.');
  const context = await conversationBefore(client, people, logger, place).catch((err: unknown) => {
    logger.warn({ err }, 'could not read the conversation before the reported message; reporting it alone');
    return [];
  });
  const result = await fileReport(
    { message: await toIncoming(teamId, channelId, target, people, logger), context, reporterId, note: (viewValue(values, 'note') as string | undefined) ?? null },
    { assessor: app.assessor, settings: app.store.repos.settings, activity: app.moderation.activity, cases: app.moderation.cases, logger },
  );
  if (result.ok) await ctx.flow.postCard(result.case);
  await tellPrivately(client, reporterId, channelId, result.ok ? REPORT_THANKS : result.message);
}
