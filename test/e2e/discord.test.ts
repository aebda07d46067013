import { PermissionFlagsBits } from 'discord.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { registerDiscordCommands } from '../../adapters/discord/index.js';
import { FIXTURE, type FakeMessage } from '../fakes/discord/index.js';
import { DISCORD_TOKEN, startDiscordWorld, type DiscordWorld } from './discord-harness.js';

const { channels, users, roles, guildId } = FIXTURE;
const MOD_PERMS = PermissionFlagsBits.ManageMessages | PermissionFlagsBits.ManageGuild;
const INSULT = 'You are a stupid idiot and everyone here knows it';
let w: DiscordWorld;

beforeEach(async () => {
  w = await startDiscordWorld();
});
afterEach(async () => {
  await w.close();
});

const json = (x: unknown) => JSON.stringify(x ?? null);

/** The raw edits of an interaction's deferred reply, as discord.js sent them. */
function edits(interactionId: string): Array<{ allowed_mentions?: unknown; content?: string }> {
  const token = w.discord.interaction(interactionId) && w.discord.rest.find((r) => r.path.startsWith(`/interactions/${interactionId}/`))?.path.split('/')[3];
  return w.discord.restTo('PATCH', `/webhooks/${FIXTURE.applicationId}/${token}/messages/@original`).map((r) => r.body as { allowed_mentions?: unknown });
}

async function slash(subcommand: string, options: Record<string, string | boolean | number | { type: number; value: string | number | boolean }> = {}, userId: string = users.alice, permissions: bigint = 0n) {
  const { id } = await w.discord.slashCommand({ channelId: channels.general, userId, subcommand, options, permissions });
  const reply = await w.discord.waitForInteractionReply(id, { final: true });
  return { id, reply, callbacks: w.discord.interaction(id).callbacks };
}

async function monitorGeneral(mode: 'flag' | 'coach' | 'shadow' = 'flag') {
  await w.configure((s) => ({ ...s, channels: { [channels.general]: { mode, unclearToReview: false } }, reviewChannelId: channels.mods }));
}

async function cardIn(channelId: string = channels.mods): Promise<{ card: FakeMessage; caseId: string }> {
  await w.discord.waitForRest('POST', `/channels/${channelId}/messages`);
  const card = w.discord.channelMessages(channelId)[0] as FakeMessage;
  const caseId = /Case (c_[a-z2-7]{10})/.exec(json(card.embeds))?.[1] as string;
  return { card, caseId };
}

async function flagOne() {
  await monitorGeneral();
  await w.discord.postMessage({ channelId: channels.general, authorId: users.bob, content: 'Anyone want to queue for ranked tonight?' });
  await w.discord.postMessage({ channelId: channels.general, authorId: users.alice, content: INSULT });
  const found = await cardIn();
  // The thread with the model's answer comes right after the card.
  await w.discord.waitForRest('POST', /\/channels\/\d+\/messages\/\d+\/threads/);
  return found;
}

function click(customId: string, messageId: string, userId: string, permissions: bigint) {
  return w.discord.clickButton({ channelId: channels.mods, messageId, userId, customId, permissions });
}

describe('Discord: /ethics subcommands', () => {
  it('check defers ephemerally at once, then shows verdict and severity in an embed', async () => {
    const { id, reply, callbacks } = await slash('check', { situation: 'A game chat.', intent: 'Tom wants to win.', action: 'Tom calls the other player an idiot.' });
    expect(callbacks[0]).toMatchObject({ type: 5, data: { flags: 64 } });
    const embed = reply.embeds[0];
    expect(embed.title).toMatch(/^🔴 Impermissible · severity (low|medium|high)$/);
    expect(embed.author.name).toBe('Permissibility check');
    expect(embed.description.length).toBeGreaterThan(0);
    expect(edits(id).every((b) => json(b.allowed_mentions) === json({ parse: [], replied_user: false }))).toBe(true);
  });

  it.each([
    ['advise', { situation: 'A new member asks a basic question.', intent: 'I want to answer kindly.' }, 'Ethical guidance'],
    ['evaluate', { situation: 'A shared office.', intent: 'Sam wants quiet.', action: 'Sam politely asks for quiet.' }, 'Moral evaluation'],
    ['why', { norm: 'You should not insult people.', situation: 'A heated debate.' }, 'Why this norm matters'],
  ])('%s answers with its own frame', async (sub, options, title) => {
    const { reply } = await slash(sub, options);
    expect(reply.embeds[0].author.name).toBe(title);
  });

  it('public:true answers in the channel', async () => {
    const { callbacks } = await slash('check', { situation: 's', intent: 'i', action: 'Tom thanks his coworker.', public: true });
    expect(callbacks[0]?.type).toBe(5);
    expect(callbacks[0]?.data?.flags ?? 0).toBe(0);
  });

  it('echoed user text never pings, even @everyone', async () => {
    const { id } = await slash('check', { situation: '@everyone look <@&1200000000000000021>', intent: 'i', action: 'Tom pings @everyone to insult them.' });
    expect(edits(id).length).toBeGreaterThan(0);
    for (const body of edits(id)) expect(body.allowed_mentions).toEqual({ parse: [], replied_user: false });
    // Config replies name roles and channels: still no pings.
    const config = await slash('config', { moderator_role: { type: 8, value: roles.moderator } }, users.mod, PermissionFlagsBits.ManageGuild);
    expect(config.reply.content).toContain(`<@&${roles.moderator}>`);
    for (const body of edits(config.id)) expect(body.allowed_mentions).toEqual({ parse: [], replied_user: false });
  });

  it('a model that is down is one friendly sentence, never a stack trace or silence', async () => {
    w.sim.inject('unreachable');
    const { reply } = await slash('check', { situation: 's', intent: 'i', action: 'Tom calls him an idiot.' });
    expect(reply.content).toMatch(/^⚠️ The model is unavailable right now/);
    expect(reply.content).not.toMatch(/\.ts:\d+|Error:/);
  });

  it('/ethics config is refused without Manage Server, and applied with it', async () => {
    const refused = await slash('config', { channel: { type: 7, value: channels.general }, mode: 'coach' });
    expect(refused.reply.content).toMatch(/Only server admins/);
    const { reply } = await slash(
      'config',
      { channel: { type: 7, value: channels.general }, mode: 'coach', review_channel: { type: 7, value: channels.mods }, moderator_role: { type: 8, value: roles.moderator }, flag_threshold: 'high' },
      users.mod,
      PermissionFlagsBits.ManageGuild,
    );
    expect(reply.content).toContain(`<#${channels.general}> coach`);
    expect(reply.content).toContain(`Review channel: <#${channels.mods}>`);
    const s = await w.core.store.repos.settings.get(guildId);
    expect(s).toMatchObject({ channels: { [channels.general]: { mode: 'coach' } }, reviewChannelId: channels.mods, moderatorRoleIds: [roles.moderator], thresholds: { flag: 'high' } });
  });

  it('commands are rate-limited per member with the wait in the reply; others are unaffected', async () => {
    await w.configure((s) => ({ ...s, commandLimits: { perUserPerMinute: 2, perChannelPerMinute: 50 } }));
    const options = { situation: 'A game chat.', intent: 'Tom wants to win.', action: 'Tom says good game.' };
    for (let i = 0; i < 2; i++) expect((await slash('check', options)).reply.embeds?.length).toBe(1);
    const before = w.sim.requests.length;
    const limited = await slash('check', { ...options, action: 'Tom says something new.' });
    expect(limited.reply.content).toMatch(/^⚠️ You have asked normguard a lot in the last minute\. Please try again in \d+ s\.$/);
    expect(w.sim.requests.length).toBe(before);
    expect((await slash('check', options, users.bob)).reply.embeds?.length).toBe(1);
  });

  it('bad input gets a helpful reply', async () => {
    const { reply } = await slash('check', { situation: '   ', intent: 'i', action: 'a' });
    expect(reply.content).toMatch(/^⚠️ Please fix: situation cannot be empty/);
  });

  it('/ethics stats reports cases and decisions', async () => {
    const { card, caseId } = await flagOne();
    const upheld = await click(`ng:uphold:${caseId}`, card.id, users.mod, MOD_PERMS);
    await w.discord.waitForInteractionReply(upheld.id);
    const { reply } = await slash('stats', { days: 7 });
    const fields = Object.fromEntries((reply.embeds[0].fields as Array<{ name: string; value: string }>).map((f) => [f.name, f.value]));
    expect(fields).toMatchObject({ 'Cases opened': '1', Upheld: '1', Dismissed: '0', 'Upheld rate': '100%' });
    expect(fields.Monitor).toMatch(/2 audited · 1 flagged/);
  });
});

describe('Discord: "Check this message"', () => {
  it('runs S3 on the chosen message with the messages before it as context', async () => {
    await w.discord.postMessage({ channelId: channels.general, authorId: users.bob, content: 'Anyone up for a match tonight?' });
    const target = await w.discord.postMessage({ channelId: channels.general, authorId: users.alice, content: INSULT });
    const { id } = await w.discord.contextMenu({ channelId: channels.general, userId: users.bob, name: 'Check this message', targetMessageId: target.id });
    const reply = await w.discord.waitForInteractionReply(id, { final: true });
    expect(reply.embeds[0].title).toMatch(/Impermissible/);
    const prompt = (w.sim.requestsTo('/v1/chat/completions')[0]?.body as { messages: Array<{ content: string }> }).messages[0]?.content;
    expect(prompt).toMatch(/the recent messages were: Bob: Anyone up for a match tonight\?/);
    expect(prompt).toContain('"Alice writes: You are a stupid idiot');
  });
});

describe('Discord: passive monitoring and review threads', () => {
  it('a flagged message becomes a card with buttons in the review channel and a thread with the model answer', async () => {
    const { card, caseId } = await flagOne();
    const embed = card.embeds[0];
    expect(embed.title).toContain(`Case ${caseId}`);
    const fields = Object.fromEntries((embed.fields as Array<{ name: string; value: string }>).map((f) => [f.name, f.value]));
    expect(fields.Message).toBe(`> ${INSULT}`);
    expect(fields['Conversation the model saw']).toBe('> Bob: Anyone want to queue for ranked tonight?');
    expect(fields.Verdict).toMatch(/^impermissible · severity/);
    expect(fields['Policy rule']).toBe('flag-threshold');
    expect(fields.Author).toContain(`<@${users.alice}>`);
    expect(fields.Author).toContain('no earlier cases');
    expect(fields.Status).toMatch(/Open/);
    const buttons = card.components.flatMap((row: { components: Array<{ label: string }> }) => row.components.map((b) => b.label));
    expect(buttons).toEqual(['Uphold', 'Dismiss', 'Delete message', 'Timeout 10 min', 'Timeout 1 h', 'Timeout 1 day', 'Why this norm?', 'Jump to message']);
    const [thread] = w.discord.threads();
    expect(thread?.parentId).toBe(channels.mods);
    await w.discord.waitForRest('POST', `/channels/${thread!.id}/messages`);
    expect(w.discord.channelMessages(thread!.id)[0]?.content).toMatch(/^\*\*What the model said\*\*/);
    expect((await w.core.store.repos.cases.get(caseId))?.card).toMatchObject({ channelId: channels.mods, messageId: card.id, threadId: thread!.id });
  });

  it('coach mode replies to the message; shadow mode posts nothing', async () => {
    await monitorGeneral('coach');
    const m = await w.discord.postMessage({ channelId: channels.general, authorId: users.alice, content: INSULT });
    await w.discord.waitForRest('POST', `/channels/${channels.general}/messages`);
    const note = w.discord.channelMessages(channels.general).at(-1)!;
    expect(note.content).toMatch(/^A gentle note from normguard/);
    expect(note.message_reference?.message_id).toBe(m.id);

    await monitorGeneral('shadow');
    await w.discord.postMessage({ channelId: channels.general, authorId: users.bob, content: `${INSULT} and again` });
    await new Promise((r) => setTimeout(r, 300));
    expect(w.discord.restTo('POST', /\/channels\/\d+\/messages$/)).toHaveLength(1);
    expect((await w.core.moderation.activity.counters(guildId, 0)).shadowFlag).toBe(1);
  });

  it('bot and webhook messages are ignored', async () => {
    await monitorGeneral();
    await w.discord.postMessage({ channelId: channels.general, authorId: users.bob, content: INSULT, bot: true });
    await w.discord.postMessage({ channelId: channels.general, authorId: users.bob, content: INSULT, webhookId: '1400000000000000001' });
    await new Promise((r) => setTimeout(r, 300));
    expect(w.sim.requestsTo('/v1/chat/completions')).toHaveLength(0);
  });

  it('the model down during monitoring: no card, the failure counted', async () => {
    await monitorGeneral();
    w.sim.inject('http500');
    await w.discord.postMessage({ channelId: channels.general, authorId: users.alice, content: INSULT });
    for (let i = 0; i < 50 && (await w.core.moderation.activity.counters(guildId, 0)).failed === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect((await w.core.moderation.activity.counters(guildId, 0)).failed).toBe(1);
    expect(w.discord.channelMessages(channels.mods)).toHaveLength(0);
  });

  it('the configured moderator role may act without Manage Messages', async () => {
    const { card, caseId } = await flagOne();
    await w.configure((s) => ({ ...s, moderatorRoleIds: [roles.moderator] }));
    const { id } = await click(`ng:uphold:${caseId}`, card.id, users.mod, 0n);
    await w.discord.waitForInteractionReply(id);
    expect((await w.core.store.repos.cases.get(caseId))?.status).toBe('upheld');
  });

});

describe('Discord: every interaction answered', () => {
  it('an unknown modal and an unknown select menu are answered, not left to fail', async () => {
    const host = await w.discord.postMessage({ channelId: channels.mods, authorId: users.owner, content: 'an old message' });
    const modal = await w.discord.submitModal({ channelId: channels.mods, userId: users.mod, customId: 'ng:from-an-old-version', fields: { text: 'x' }, force: true });
    expect((await w.discord.waitForInteractionReply(modal.id)).content).toMatch(/no longer in use/);
    const select = await w.discord.clickButton({ channelId: channels.mods, messageId: host.id, userId: users.mod, customId: 'ng:old-menu', componentType: 3, values: ['a'], force: true });
    expect((await w.discord.waitForInteractionReply(select.id)).content).toMatch(/no longer in use/);
  });

  it('a handler that fails is answered with the sentence for its error code', async () => {
    const { card, caseId } = await flagOne();
    const [thread] = w.discord.threads();
    await w.discord.waitForRest('POST', `/channels/${thread!.id}/messages`);
    w.discord.failRest('POST', `/channels/${thread!.id}/messages`, { status: 403, body: { code: 50001, message: 'Missing Access' } });
    const { id } = await click(`ng:why:${caseId}`, card.id, users.mod, MOD_PERMS);
    const reply = await w.discord.waitForInteractionReply(id, { until: (r) => /not allowed/.test(json(r)) || w.discord.interaction(id).followups.some((f: { content?: string }) => /not allowed/.test(f.content ?? '')) });
    const said = [json(reply), ...w.discord.interaction(id).followups.map((f: { content?: string }) => f.content ?? '')].join('\n');
    expect(said).toMatch(/normguard is not allowed to do that here \(50001\)/);
  });
});

describe('Discord: the card before the DM', () => {
  it('uphold redraws the moderator’s card before the author’s notice is sent', async () => {
    const { card, caseId } = await flagOne();
    const { id } = await click(`ng:uphold:${caseId}`, card.id, users.mod, MOD_PERMS);
    await w.discord.waitForInteractionReply(id);
    const dmChannel = w.discord.dmChannel(users.alice);
    await w.discord.waitForRest('POST', `/channels/${dmChannel}/messages`);
    const order = w.discord.rest.map((r, i) => ({ r, i }));
    const cardEdit = order.find(({ r }) => r.method === 'PATCH' && /\/messages\/(@original|%40original)$/.test(r.path))?.i ?? -1;
    const notice = order.find(({ r }) => r.method === 'POST' && r.path === `/channels/${dmChannel}/messages`)?.i ?? -1;
    expect(cardEdit).toBeGreaterThanOrEqual(0);
    expect(cardEdit).toBeLessThan(notice);
  });
});

describe('Discord: command registration', () => {
  it('overwrites the guild command set idempotently, derived from commands/', async () => {
    for (let i = 0; i < 2; i++) await registerDiscordCommands({ token: DISCORD_TOKEN, apiUrl: w.discord.apiUrl, guildId });
    const set = w.discord.commands({ guildId }) as Array<{ name: string; type: number; options?: Array<{ name: string; options?: Array<{ name: string; max_length?: number; required?: boolean }> }> }>;
    expect(set.map((c) => c.name)).toEqual(['ethics', 'Check this message', 'Report to moderators']);
    const subs = set[0]?.options?.map((o) => o.name);
    expect(subs).toEqual(['advise', 'evaluate', 'check', 'why', 'config', 'stats', 'case', 'forget']);
    const check = set[0]?.options?.find((o) => o.name === 'check');
    expect(check?.options?.map((o) => [o.name, o.required, o.max_length])).toEqual([
      ['situation', true, 1000],
      ['intent', true, 300],
      ['action', true, 600],
      ['public', false, undefined],
    ]);
    expect(w.discord.restTo('PUT', `/applications/${FIXTURE.applicationId}/guilds/${guildId}/commands`)).toHaveLength(2);
  });
});
