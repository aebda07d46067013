import type { RespondFn } from '@slack/bolt';
import { assessCommand } from '../../commands/ethics.js';
import { rateLimited, runAssess, runCase, runForget, runStats } from '../../commands/handlers.js';
import { INLINE_SYNTAX, parseInline } from '../../commands/inline.js';
import type { Reply } from '../../commands/replies.js';
import { describeError } from '../../src/errors.js';
import type { SlackContext } from './context.js';
import type { Meta } from './interactions.js';
import { ASK_MODAL, askModal, viewValue } from './modals.js';
import { replyPayload } from './render/blocks.js';
import { openSettings } from './settings.js';

interface SlashCommand {
  text: string;
  user_id: string;
  team_id: string;
  channel_id: string;
  trigger_id: string;
}

/** `/ethics …`: acked at once; the answer goes to the response_url, failures included. */
export function registerCommands(ctx: SlackContext): void {
  ctx.bolt.command('/ethics', async ({ command, ack, respond }) => {
    await ack();
    const send = (reply: Reply) => respond({ response_type: reply.ephemeral ? 'ephemeral' : 'in_channel', ...replyPayload(reply) });
    try {
      await onEthics(ctx, command, send);
    } catch (err) {
      ctx.logger.error({ err, code: (err as { code?: unknown }).code }, '/ethics failed');
      await send({ kind: 'error', text: describeError(err), ephemeral: true }).catch((e: unknown) => ctx.logger.warn({ err: e }, 'could not answer /ethics'));
    }
  });
}

async function onEthics(ctx: SlackContext, command: SlashCommand, send: (reply: Reply) => Promise<unknown>): Promise<void> {
  const { client, people, app } = ctx;
  const deps = ctx.commands;
  const text = command.text.trim();
  const [first = '', ...restWords] = text.split(/\s+/);
  const sub = first.toLowerCase();
  const rest = text.slice(first.length).trim();
  const where = { workspaceId: command.team_id, channelId: command.channel_id };
  if (text === '') return void (await client.views.open({ trigger_id: command.trigger_id, view: askModal({ channelId: command.channel_id }) }));
  const assess = assessCommand(sub);
  if (assess) {
    const parsed = parseInline(assess, rest);
    if (!parsed.ok) return void (await send({ kind: 'error', text: parsed.message, ephemeral: true }));
    const limited = await rateLimited({ ...where, userId: command.user_id }, deps);
    if (limited) return void (await send(limited));
    const { public: visibility, ...fields } = parsed.fields;
    await send(await runAssess(assess, { ...fields, ...(visibility ? { public: /^(yes|true|1)$/i.test(visibility) } : {}) }, deps));
    return;
  }
  if (sub === 'config') {
    const refusal = await openSettings(ctx, { userId: command.user_id, teamId: command.team_id, channelId: command.channel_id, triggerId: command.trigger_id });
    if (refusal) await send({ kind: 'error', text: refusal, ephemeral: true });
    return;
  }
  const actor = await people.actor(command.user_id, await app.store.repos.settings.get(command.team_id));
  if (sub === 'case') return void (await send(await runCase({ id: restWords[0] ?? '' }, { ...where, actor }, deps)));
  if (sub === 'forget') {
    // `<@U123|name>` (escaped mention), `<@U123>` or a bare id.
    const userId = /^<@([A-Z0-9_]+)(?:\|[^>]*)?>$/.exec(restWords[0] ?? '')?.[1] ?? restWords[0] ?? '';
    return void (await send(await runForget({ user: userId || undefined }, { ...where, actor }, deps)));
  }
  if (sub === 'stats') {
    const days = restWords[0] ? Number(restWords[0]) : undefined;
    return void (await send(await runStats({ ...(days !== undefined ? { days } : {}), ...(restWords.includes('public') ? { public: true } : {}) }, { ...where, actor }, deps)));
  }
  await send({ kind: 'error', text: `I don't know "${sub}". ${INLINE_SYNTAX} Also: \`/ethics config\`, \`/ethics stats [days]\`.`, ephemeral: true });
}

/** The `/ethics` form: the chosen frame with the fields it uses. */
export async function onAskSubmit(ctx: SlackContext, userId: string, teamId: string, values: Record<string, Record<string, any>>, meta: Meta): Promise<void> {
  const command = assessCommand(viewValue(values, 'command') ?? 'check');
  if (!command || !meta.channelId) return;
  const input: Record<string, unknown> = {};
  for (const name of ['situation', 'intent', 'action', 'norm']) {
    const v = viewValue(values, name);
    if (typeof v === 'string' && v.trim() !== '' && command.options.some((o) => o.name === name)) input[name] = v;
  }
  const isPublic = (viewValue(values, 'public') as Array<{ value: string }> | undefined)?.some((o) => o.value === 'public') ?? false;
  const reply =
    (await rateLimited({ workspaceId: teamId, channelId: meta.channelId, userId }, ctx.commands)) ?? (await runAssess(command, { ...input, public: isPublic }, ctx.commands));
  const payload = replyPayload(reply);
  if (reply.ephemeral) await ctx.client.chat.postEphemeral({ channel: meta.channelId, user: userId, ...payload });
  else await ctx.client.chat.postMessage({ channel: meta.channelId, ...payload });
}
