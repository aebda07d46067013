import { ASSESS_COMMANDS } from '../../commands/assess.js';
import { COMMANDS, findCommand, ProseStream, replyOf, type CommandContext } from '../../commands/index.js';
import { INLINE_SYNTAX, parseCommandText } from '../../commands/inline.js';
import type { Reply } from '../../commands/replies.js';
import { describeError } from '../../src/errors.js';
import { ResponseUrlAnswer, SLACK_STREAM } from './answer.js';
import type { SlackContext } from './context.js';
import type { Meta } from './interactions.js';
import { askModal, viewValue } from './modals.js';
import { replyPayload } from './render/blocks.js';
import { openSettings } from './settings.js';

interface SlashCommand {
  text: string;
  user_id: string;
  team_id: string;
  channel_id: string;
  trigger_id: string;
}

/** Who is asking, for the registry; Slack's actor (admin, user groups) is looked up only when needed. */
export function slackCommandContext(ctx: SlackContext, who: { userId: string; teamId: string; channelId: string }): CommandContext {
  return {
    surface: 'slack',
    workspaceId: who.teamId,
    channelId: who.channelId,
    userId: who.userId,
    actor: async () => ctx.people.actor(who.userId, await ctx.app.store.repos.settings.get(who.teamId)),
  };
}

/** `/ethics …`: acked at once; the answer goes to the response_url, drafts while it is written, failures included. */
export function registerCommands(ctx: SlackContext): void {
  ctx.bolt.command('/ethics', async ({ command, ack, respond }) => {
    await ack();
    const answer = new ResponseUrlAnswer(respond);
    const send = (reply: Reply) => answer.final(reply);
    try {
      await onEthics(ctx, command, send, (text, isPublic) => answer.draft(text, isPublic));
    } catch (err) {
      ctx.logger.error({ err, code: (err as { code?: unknown }).code }, '/ethics failed');
      await send({ kind: 'error', text: describeError(err), ephemeral: true }).catch((e: unknown) => ctx.logger.warn({ err: e }, 'could not answer /ethics'));
    }
  });
}

/** The text form of every command in the registry: `/ethics <name> <label: value …>`. */
async function onEthics(ctx: SlackContext, slash: SlashCommand, say: (reply: Reply) => Promise<unknown>, draft: (text: string, isPublic: boolean) => Promise<void>): Promise<void> {
  const text = slash.text.trim();
  if (text === '') return void (await ctx.client.views.open({ trigger_id: slash.trigger_id, view: askModal({ channelId: slash.channel_id }) }));
  const [first = ''] = text.split(/\s+/);
  const rest = text.slice(first.length).trim();
  const command = findCommand(first.toLowerCase());
  if (!command) return void (await say({ kind: 'error', text: `I don't know "${first}". ${INLINE_SYNTAX} Also: ${COMMANDS.filter((c) => !ASSESS_COMMANDS.includes(c)).map((c) => `\`/ethics ${c.name}\``).join(', ')}.`, ephemeral: true }));
  if (command.name === 'config' && rest === '') {
    const refusal = await openSettings(ctx, { userId: slash.user_id, teamId: slash.team_id, channelId: slash.channel_id, triggerId: slash.trigger_id });
    if (refusal) await say({ kind: 'error', text: refusal, ephemeral: true });
    return;
  }
  const parsed = parseCommandText(command, rest);
  if (!parsed.ok) return void (await say({ kind: 'error', text: parsed.message, ephemeral: true }));
  const where = slackCommandContext(ctx, { userId: slash.user_id, teamId: slash.team_id, channelId: slash.channel_id });
  const prose = new ProseStream({ ...SLACK_STREAM, logger: ctx.logger, render: (text) => draft(text, parsed.input.public === true) });
  let outcome;
  try {
    outcome = await command.execute(parsed.input, { ...where, onProse: prose.update }, ctx.commands);
  } finally {
    await prose.close();
  }
  await say(replyOf(outcome, ctx.commands));
}

/** The `/ethics` form: the chosen frame with the fields it uses, through the same registry. */
export async function onAskSubmit(ctx: SlackContext, userId: string, teamId: string, values: Record<string, Record<string, any>>, meta: Meta): Promise<void> {
  const command = ASSESS_COMMANDS.find((c) => c.name === (viewValue(values, 'command') ?? 'check'));
  if (!command || !meta.channelId) return;
  const input: Record<string, unknown> = {};
  for (const name of Object.keys(command.options.shape)) {
    const v = viewValue(values, name);
    if (typeof v === 'string' && v.trim() !== '') input[name] = v;
  }
  input.public = (viewValue(values, 'public') as Array<{ value: string }> | undefined)?.some((o) => o.value === 'public') ?? false;
  const where = slackCommandContext(ctx, { userId, teamId, channelId: meta.channelId });
  const reply = replyOf(await command.execute(input, where, ctx.commands), ctx.commands);
  const payload = replyPayload(reply);
  if (reply.ephemeral) await ctx.client.chat.postEphemeral({ channel: meta.channelId, user: userId, ...payload });
  else await ctx.client.chat.postMessage({ channel: meta.channelId, ...payload });
}
