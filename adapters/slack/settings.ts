import type { AckFn, ViewOutput, ViewResponseAction } from '@slack/bolt';
import { describeSettings } from '../../commands/config.js';
import { describeError } from '../../src/errors.js';
import { isAdmin } from '../../src/moderation/preconditions.js';
import { answered, type SlackContext } from './context.js';
import { slackCall } from './errors.js';
import { tellPrivately } from './review/interaction.js';
import { applySettingsForm, settingsForm } from './settings-form.js';

const ADMINS_ONLY = 'Only workspace admins can change normguard’s settings.';

/** `/ethics config` with no text: the settings form, for admins. Null when it opened. */
export async function openSettings(ctx: SlackContext, who: { userId: string; teamId: string; channelId: string; triggerId: string }): Promise<string | null> {
  const settings = await ctx.app.store.repos.settings.get(who.teamId);
  if (!isAdmin(await ctx.people.actor(who.userId, settings)).ok) return ADMINS_ONLY;
  const names: Record<string, string> = {};
  await Promise.all(
    Object.keys(settings.channels).map(async (id) => {
      const info = await slackCall('reading a channel', () => ctx.client.conversations.info({ channel: id })).catch((err: unknown) => {
        ctx.logger.warn({ err, channel: id }, 'no channel name for the settings form; showing the id');
        return null;
      });
      if (info?.channel?.name) names[id] = info.channel.name;
    }),
  );
  await slackCall('opening the settings form', () => ctx.client.views.open({ trigger_id: who.triggerId, view: settingsForm(settings, { channelId: who.channelId, teamId: who.teamId }, names) }));
  return null;
}

/** A submitted settings form: a non-admin (or a permission check that failed) is told in the form. */
export async function onSettingsSubmit(ctx: SlackContext, ack: AckFn<ViewResponseAction> | AckFn<void>, view: ViewOutput, body: { user: { id: string }; team: { id: string } | null }): Promise<void> {
  const meta = JSON.parse(view.private_metadata || '{}') as { channelId?: string; teamId?: string };
  const teamId = meta.teamId ?? body.team?.id ?? '';
  const userId = body.user.id;
  const repo = ctx.app.store.repos.settings;
  let refusal: string | null = null;
  try {
    if (!isAdmin(await ctx.people.actor(userId, await repo.get(teamId))).ok) refusal = ADMINS_ONLY;
  } catch (err) {
    ctx.logger.warn({ err }, 'could not check who submitted the settings');
    refusal = `Nothing was saved: ${describeError(err)}`;
  }
  if (refusal) return void (await (ack as AckFn<ViewResponseAction>)({ response_action: 'errors', errors: { channels: refusal } }));
  await (ack as AckFn<void>)();
  await answered(ctx, { userId, channelId: meta.channelId ?? null }, 'settings form', async () => {
    const updated = await repo.update(teamId, (current) => applySettingsForm(current, view.state.values as Record<string, Record<string, any>>));
    await tellPrivately(ctx.client, userId, meta.channelId ?? null, describeSettings(updated, 'slack'));
  });
}
