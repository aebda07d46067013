import { parseCaseCustomId } from '../../commands/case-card.js';
import { answered, UNKNOWN_INTERACTION, type SlackContext } from './context.js';
import { ASK_MODAL, CONFIG_MODAL, REPORT_MODAL, viewValue } from './modals.js';
import { DIGEST_OPEN, PAUSE_PREFIX } from './render/blocks.js';
import { slackInteraction, tellPrivately, type SlackPress } from './review/interaction.js';
import { onAskSubmit } from './commands.js';
import { onCheckShortcut } from './check.js';
import { onReportShortcut, onReportSubmit } from './reports.js';
import { onSettingsSubmit } from './settings.js';

/** The message shortcuts' callback ids, as in manifest.yml. */
export const CHECK_MESSAGE_CALLBACK = 'check_message';
export const REPORT_MESSAGE_CALLBACK = 'report_message';

type Values = Record<string, Record<string, any>>;

interface ActionBody {
  user: { id: string };
  team?: { id: string } | null;
  channel?: { id: string };
  container?: { channel_id?: string; message_ts?: string };
  message?: { ts: string };
  trigger_id?: string;
}

/**
 * Every action, view submission and shortcut goes through one listener each, so each is acked
 * within Slack's 3 s and answered, even an unknown or stale one and one whose handler throws.
 */
export function registerInteractions(ctx: SlackContext): void {
  ctx.bolt.action(/.*/, async ({ ack, body, action }) => {
    await ack();
    const b = body as ActionBody;
    const press: SlackPress = {
      userId: b.user.id,
      channelId: b.channel?.id ?? b.container?.channel_id ?? null,
      messageTs: b.message?.ts ?? b.container?.message_ts ?? null,
      triggerId: b.trigger_id ?? null,
    };
    await answered(ctx, press, 'action', () => onAction(ctx, press, b.team?.id ?? '', action as { action_id: string; value?: string; selected_option?: { value: string } }));
  });

  ctx.bolt.view(/.*/, async ({ ack, view, body }) => {
    // The settings form answers a refusal in the form itself, so it acks on its own.
    if (view.callback_id === CONFIG_MODAL) return onSettingsSubmit(ctx, ack, view, body);
    await ack();
    const meta = parseMeta(view.private_metadata);
    const press: SlackPress = { userId: body.user.id, channelId: meta.channelId ?? null, messageTs: meta.messageTs ?? null, triggerId: null };
    await answered(ctx, press, 'form', () => onView(ctx, press, body.team?.id ?? '', view.callback_id, view.state.values as Values, meta));
  });

  ctx.bolt.shortcut(/.*/, async ({ ack, shortcut }) => {
    await ack();
    const channelId = shortcut.type === 'message_action' ? shortcut.channel.id : null;
    await answered(ctx, { userId: shortcut.user.id, channelId }, 'shortcut', async () => {
      if (shortcut.type === 'message_action' && shortcut.callback_id === CHECK_MESSAGE_CALLBACK) return onCheckShortcut(ctx, shortcut);
      if (shortcut.type === 'message_action' && shortcut.callback_id === REPORT_MESSAGE_CALLBACK) return onReportShortcut(ctx, shortcut);
      await tellPrivately(ctx.client, shortcut.user.id, channelId, UNKNOWN_INTERACTION);
    });
  });
}

async function onAction(ctx: SlackContext, press: SlackPress, teamId: string, action: { action_id: string; value?: string; selected_option?: { value: string } }): Promise<void> {
  const ix = slackInteraction(press, ctx.client, ctx.people);
  const id = action.action_id;
  // The card's "Open message" is a link: Slack opens it; the click only needs its ack.
  if (id.startsWith('ng:link:')) return;
  if (id.startsWith(`${DIGEST_OPEN}:`)) return ctx.flow.openFromDigest(ix, action.selected_option?.value ?? '');
  if (id.startsWith(PAUSE_PREFIX)) return ctx.flow.pause(ix, teamId, action.value ?? id.slice(PAUSE_PREFIX.length));
  const parsed = parseCaseCustomId(id);
  if (parsed && parsed.action !== 'dismiss-reason' && parsed.action !== 'appeal-text' && parsed.action !== 'appeal-deny-reason') {
    return ctx.flow.onPress(ix, parsed.action, parsed.caseId);
  }
  await ix.ephemeral(UNKNOWN_INTERACTION);
}

async function onView(ctx: SlackContext, press: SlackPress, teamId: string, callbackId: string, values: Values, meta: Meta): Promise<void> {
  if (callbackId === ASK_MODAL) return onAskSubmit(ctx, press.userId, teamId, values, meta);
  if (callbackId === REPORT_MODAL) return onReportSubmit(ctx, press.userId, teamId, values, meta);
  const parsed = parseCaseCustomId(callbackId);
  const ix = slackInteraction(press, ctx.client, ctx.people);
  if (parsed && (parsed.action === 'dismiss-reason' || parsed.action === 'appeal-text' || parsed.action === 'appeal-deny-reason')) {
    return ctx.flow.onForm(ix, parsed.action, parsed.caseId, String(viewValue(values, 'reason') ?? ''));
  }
  await ix.ephemeral(UNKNOWN_INTERACTION);
}

/** Ids a modal carries between opening and submission; never the content itself. */
export interface Meta {
  channelId?: string;
  messageTs?: string;
  ts?: string;
  threadTs?: string;
  teamId?: string;
}

function parseMeta(raw: string | undefined): Meta {
  try {
    return raw ? (JSON.parse(raw) as Meta) : {};
  } catch {
    // Metadata from an older version or another app: treated as absent, the answer says so.
    return {};
  }
}
