// The fake Discord, driven by the real discord.js Client: if these pass, an adapter test that
// uses the fake exercises the same wire protocol production does.

import {
  ActionRowBuilder,
  ButtonBuilder,
  ButtonStyle,
  Client,
  DiscordAPIError,
  EmbedBuilder,
  Events,
  GatewayIntentBits,
  MessageFlags,
  ModalBuilder,
  PermissionFlagsBits,
  TextInputBuilder,
  TextInputStyle,
  type Interaction,
  type Message,
  type TextChannel,
} from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import { FIXTURE, startFakeDiscord, type FakeDiscord, type FakeDiscordOptions } from '../fakes/discord/index.js';

const DEFAULT_INTENTS = [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent];

let fake: FakeDiscord | undefined;
let client: Client | undefined;
/** Errors thrown inside listeners; a listener that throws would otherwise vanish into 'error'. */
let listenerErrors: unknown[] = [];

afterEach(async () => {
  // Destroy the client first: against a closed gateway it would retry forever.
  await client?.destroy();
  client = undefined;
  await fake?.close();
  fake = undefined;
  const errors = listenerErrors;
  listenerErrors = [];
  expect(errors).toEqual([]);
});

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function boot(opts: { intents?: number[]; fake?: FakeDiscordOptions } = {}): Promise<{ fake: FakeDiscord; client: Client<true> }> {
  const f = await startFakeDiscord(opts.fake);
  fake = f;
  const c = new Client({ intents: opts.intents ?? DEFAULT_INTENTS, rest: { api: f.apiUrl } });
  client = c;
  const sink = listenerErrors;
  c.on(Events.Error, (err) => sink.push(err));
  const ready = new Promise<void>((resolve) => c.once(Events.ClientReady, () => resolve()));
  // login() never settles if the gateway is unreachable, so bound it.
  await withTimeout(Promise.all([c.login('fake-token'), ready]), 5000, 'login');
  return { fake: f, client: c as Client<true> };
}

/** Registers an async listener whose failures are collected instead of lost. */
function on<T>(c: Client, event: 'messageCreate' | 'interactionCreate', handler: (arg: T) => Promise<void> | void): void {
  // Bound to this test's list: a handler cut short by the client's destruction fails late, and
  // must not fail the next test.
  const sink = listenerErrors;
  c.on(event, (arg: unknown) => {
    Promise.resolve()
      .then(() => handler(arg as T))
      .catch((err: unknown) => sink.push(err));
  });
}

function next<T>(c: Client, event: 'messageCreate' | 'interactionCreate', filter: (arg: T) => boolean = () => true): Promise<T> {
  return withTimeout(
    new Promise<T>((resolve) => {
      const listener = (arg: unknown) => {
        if (!filter(arg as T)) return;
        c.off(event, listener);
        resolve(arg as T);
      };
      c.on(event, listener);
    }),
    3000,
    `waiting for ${event}`,
  );
}

describe('fake Discord with the real discord.js client', () => {
  it('logs in and caches the default guild, its channels, roles and members', async () => {
    const { fake, client } = await boot();
    expect(client.user.id).toBe(FIXTURE.users.bot);
    expect(client.application.id).toBe(FIXTURE.applicationId);
    const guild = client.guilds.cache.get(FIXTURE.guildId);
    expect(guild?.name).toBe('Test Guild');
    expect(guild?.channels.cache.get(FIXTURE.channels.mods)?.name).toBe('mods');
    expect(guild?.channels.cache.map((c) => c.name).sort()).toEqual(['general', 'mods', 'random']);
    expect(guild?.roles.everyone.id).toBe(FIXTURE.guildId);
    expect(guild?.members.cache.get(FIXTURE.users.mod)?.roles.cache.has(FIXTURE.roles.moderator)).toBe(true);
    expect(guild?.members.me?.permissions.has(PermissionFlagsBits.ModerateMembers)).toBe(true);
    expect(fake.identifyCount()).toBe(1);
    expect(fake.restTo('GET', '/gateway/bot')).toHaveLength(1);
  });

  it('delivers a posted message with content, member roles and reply reference', async () => {
    const { fake, client } = await boot();
    const first = await fake.postMessage({ channelId: FIXTURE.channels.general, authorId: FIXTURE.users.alice, content: 'hello there' });
    const received = next<Message>(client, 'messageCreate', (m) => m.reference !== null);
    await fake.postMessage({ channelId: FIXTURE.channels.general, authorId: FIXTURE.users.mod, content: 'general kenobi', replyTo: first.id, attachments: 1 });
    const msg = await received;
    expect(msg.content).toBe('general kenobi');
    expect(msg.author.id).toBe(FIXTURE.users.mod);
    expect(msg.member?.roles.cache.has(FIXTURE.roles.moderator)).toBe(true);
    expect(msg.reference?.messageId).toBe(first.id);
    expect(msg.attachments.size).toBe(1);
    expect(fake.channelMessages(FIXTURE.channels.general).map((m) => m.content)).toEqual(['hello there', 'general kenobi']);
    // History is served newest first, as Discord does.
    const fetched = await (client.channels.cache.get(FIXTURE.channels.general) as TextChannel).messages.fetch({ limit: 10, cache: false });
    expect([...fetched.values()].map((m) => m.content)).toEqual(['general kenobi', 'hello there']);
  });

  it('blanks content without the MessageContent intent, except where the bot is mentioned', async () => {
    const { fake, client } = await boot({ intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages] });
    const seen: string[] = [];
    on<Message>(client, 'messageCreate', (m) => void seen.push(m.content));
    await fake.postMessage({ channelId: FIXTURE.channels.random, authorId: FIXTURE.users.bob, content: 'secret words' });
    await fake.postMessage({ channelId: FIXTURE.channels.random, authorId: FIXTURE.users.bob, content: `<@${FIXTURE.users.bot}> look` });
    await expect.poll(() => seen).toHaveLength(2);
    expect(seen).toEqual(['', `<@${FIXTURE.users.bot}> look`]);
  });

  it('answers a slash command with a deferred ephemeral reply edited into an embed', async () => {
    const { fake, client } = await boot();
    let seen: { sub?: string; situation?: string | null; strict?: boolean | null; canManage?: boolean } = {};
    on<Interaction>(client, 'interactionCreate', async (i) => {
      if (!i.isChatInputCommand()) return;
      seen = {
        sub: i.options.getSubcommand(),
        situation: i.options.getString('situation'),
        strict: i.options.getBoolean('strict'),
        canManage: i.memberPermissions?.has(PermissionFlagsBits.ManageGuild) ?? false,
      };
      await i.deferReply({ flags: MessageFlags.Ephemeral });
      await i.editReply({ embeds: [new EmbedBuilder().setTitle('Verdict').setDescription('permissible')] });
    });
    const { id } = await fake.slashCommand({
      channelId: FIXTURE.channels.general,
      userId: FIXTURE.users.alice,
      subcommand: 'check',
      options: { situation: 'a friend asks for help', strict: true },
    });
    const reply = await fake.waitForInteractionReply(id);
    expect(reply.embeds[0].title).toBe('Verdict');
    expect(reply.flags & MessageFlags.Ephemeral).toBe(MessageFlags.Ephemeral);
    expect(seen).toEqual({ sub: 'check', situation: 'a friend asks for help', strict: true, canManage: false });
    expect(fake.interaction(id).callbacks.map((c) => c.type)).toEqual([5]);
    // Ephemeral replies are not part of what the channel shows.
    expect(fake.channelMessages(FIXTURE.channels.general)).toHaveLength(0);

    // Permissions: a moderator's role grants ManageGuild without the test spelling it out.
    const mod = await fake.slashCommand({ channelId: FIXTURE.channels.general, userId: FIXTURE.users.mod, subcommand: 'config' });
    await fake.waitForInteractionReply(mod.id);
    expect(seen.canManage).toBe(true);
    const forced = await fake.slashCommand({ channelId: FIXTURE.channels.general, userId: FIXTURE.users.bob, subcommand: 'config', permissions: PermissionFlagsBits.ManageGuild });
    await fake.waitForInteractionReply(forced.id);
    expect(seen.canManage).toBe(true);
  });

  it('updates a card in place when a button is clicked, and refuses a click on a removed button', async () => {
    const { fake, client } = await boot();
    on<Interaction>(client, 'interactionCreate', async (i) => {
      if (!i.isButton()) return;
      if (i.customId.endsWith(':uphold')) {
        await i.update({ content: `Upheld by <@${i.user.id}>`, components: [] });
      } else {
        // A deferred update makes @original the card itself.
        await i.deferUpdate();
        await i.editReply({ content: 'Dismissed', components: [] });
      }
    });
    const channel = client.channels.cache.get(FIXTURE.channels.mods) as TextChannel;
    const buttons = (n: number) =>
      new ActionRowBuilder<ButtonBuilder>().addComponents(
        new ButtonBuilder().setCustomId(`case:${n}:uphold`).setLabel('Uphold').setStyle(ButtonStyle.Danger),
        new ButtonBuilder().setCustomId(`case:${n}:dismiss`).setLabel('Dismiss').setStyle(ButtonStyle.Secondary),
      );
    const card = await channel.send({ content: 'Case 1', components: [buttons(1)] });
    expect(fake.message(FIXTURE.channels.mods, card.id)?.components[0].components).toHaveLength(2);

    const click = await fake.clickButton({ channelId: FIXTURE.channels.mods, messageId: card.id, userId: FIXTURE.users.mod, customId: 'case:1:uphold' });
    const reply = await fake.waitForInteractionReply(click.id);
    expect(reply.content).toBe(`Upheld by <@${FIXTURE.users.mod}>`);
    const stored = fake.message(FIXTURE.channels.mods, card.id);
    expect(stored?.content).toBe(`Upheld by <@${FIXTURE.users.mod}>`);
    expect(stored?.components).toEqual([]);
    expect(stored?.edited_timestamp).not.toBeNull();
    await expect(fake.clickButton({ channelId: FIXTURE.channels.mods, messageId: card.id, userId: FIXTURE.users.mod, customId: 'case:1:dismiss' })).rejects.toThrow(/shows no component/);

    const card2 = await channel.send({ content: 'Case 2', components: [buttons(2)] });
    const click2 = await fake.clickButton({ channelId: FIXTURE.channels.mods, messageId: card2.id, userId: FIXTURE.users.mod, customId: 'case:2:dismiss' });
    expect((await fake.waitForInteractionReply(click2.id)).id).toBe(card2.id);
    expect(fake.interaction(click2.id).callbacks.map((c) => c.type)).toEqual([6]);
    expect(fake.message(FIXTURE.channels.mods, card2.id)?.content).toBe('Dismissed');
    expect(fake.channelMessages(FIXTURE.channels.mods)).toHaveLength(2);
  });

  it('shows a modal and delivers its submitted fields', async () => {
    const { fake, client } = await boot();
    const submitted: Record<string, string> = {};
    on<Interaction>(client, 'interactionCreate', async (i) => {
      if (i.isButton()) {
        const modal = new ModalBuilder()
          .setCustomId('dismiss:1')
          .setTitle('Dismiss case')
          .addComponents(
            new ActionRowBuilder<TextInputBuilder>().addComponents(new TextInputBuilder().setCustomId('reason').setLabel('Reason').setStyle(TextInputStyle.Paragraph)),
          );
        await i.showModal(modal);
      } else if (i.isModalSubmit()) {
        submitted.reason = i.fields.getTextInputValue('reason');
        submitted.from = i.message?.id ?? '';
        await i.reply({ content: 'Dismissed', flags: MessageFlags.Ephemeral });
      }
    });
    const channel = client.channels.cache.get(FIXTURE.channels.mods) as TextChannel;
    const card = await channel.send({
      content: 'Case 1',
      components: [new ActionRowBuilder<ButtonBuilder>().addComponents(new ButtonBuilder().setCustomId('case:1:dismiss').setLabel('Dismiss').setStyle(ButtonStyle.Secondary))],
    });
    const click = await fake.clickButton({ channelId: FIXTURE.channels.mods, messageId: card.id, userId: FIXTURE.users.mod, customId: 'case:1:dismiss' });
    const modal = await fake.waitForInteractionReply(click.id);
    expect(modal.custom_id).toBe('dismiss:1');
    expect(fake.interaction(click.id).callbacks[0]?.type).toBe(9);

    const submit = await fake.submitModal({ channelId: FIXTURE.channels.mods, userId: FIXTURE.users.mod, customId: 'dismiss:1', fields: { reason: 'it was a joke' } });
    expect((await fake.waitForInteractionReply(submit.id)).content).toBe('Dismissed');
    expect(submitted).toEqual({ reason: 'it was a joke', from: card.id });
    await expect(fake.submitModal({ channelId: FIXTURE.channels.mods, userId: FIXTURE.users.mod, customId: 'never-shown', fields: {} })).rejects.toThrow(/never showed/);
  });

  it('runs the message context menu on a stored message', async () => {
    const { fake, client } = await boot();
    let target = '';
    on<Interaction>(client, 'interactionCreate', async (i) => {
      if (!i.isMessageContextMenuCommand()) return;
      target = i.targetMessage.content;
      await i.reply({ content: 'checked', flags: MessageFlags.Ephemeral });
    });
    const msg = await fake.postMessage({ channelId: FIXTURE.channels.random, authorId: FIXTURE.users.bob, content: 'is this ok?' });
    const { id } = await fake.contextMenu({ channelId: FIXTURE.channels.random, userId: FIXTURE.users.alice, name: 'Check this message', targetMessageId: msg.id });
    expect((await fake.waitForInteractionReply(id)).content).toBe('checked');
    expect(target).toBe('is this ok?');
  });

  it('records a card, its thread and the thread messages', async () => {
    const { fake, client } = await boot();
    const channel = client.channels.cache.get(FIXTURE.channels.mods) as TextChannel;
    const card = await channel.send({ embeds: [new EmbedBuilder().setTitle('Case 7')] });
    const thread = await card.startThread({ name: 'Case 7 discussion' });
    await thread.send('The model says: impermissible.');

    expect(thread.id).toBe(card.id);
    expect(fake.threads()).toEqual([
      expect.objectContaining({ id: card.id, parentId: FIXTURE.channels.mods, name: 'Case 7 discussion', messageId: card.id }),
    ]);
    expect(fake.channelMessages(thread.id).map((m) => m.content)).toEqual(['The model says: impermissible.']);
    const stored = fake.channelMessages(FIXTURE.channels.mods);
    expect(stored).toHaveLength(1);
    expect(stored[0]?.embeds[0].title).toBe('Case 7');
    expect(stored[0]?.author.id).toBe(FIXTURE.users.bot);
    expect(stored[0]?.thread?.id).toBe(card.id);
    expect(client.channels.cache.get(card.id)?.isThread()).toBe(true);
    await expect(card.startThread({ name: 'again' })).rejects.toMatchObject({ code: 160004 });
  });

  it('records command registration and keeps ids stable across re-registration', async () => {
    const { fake, client } = await boot();
    const body = [
      { name: 'ethics', description: 'Ethics checks', options: [{ type: 1, name: 'check', description: 'Check an action' }] },
      { name: 'Check this message', type: 3 },
    ];
    const first = await client.application.commands.set(body);
    const again = await client.application.commands.set(body);
    expect(fake.restTo('PUT', `/applications/${FIXTURE.applicationId}/commands`)).toHaveLength(2);
    expect([...again.keys()].sort()).toEqual([...first.keys()].sort());
    expect((fake.commands() as Array<{ name: string }>).map((c) => c.name)).toEqual(['ethics', 'Check this message']);

    await client.application.commands.set([{ name: 'ethics', description: 'Guild copy' }], FIXTURE.guildId);
    expect(fake.commands({ guildId: FIXTURE.guildId })).toHaveLength(1);
    // Invocations carry the registered command's id.
    const ethics = (fake.commands({ guildId: FIXTURE.guildId }) as Array<{ id: string }>)[0]!;
    const { payload } = await fake.slashCommand({ channelId: FIXTURE.channels.general, userId: FIXTURE.users.alice, subcommand: 'check' });
    expect(payload.data.id).toBe(ethics.id);
    // Discord rejects an invalid command name with 50035.
    await expect(client.application.commands.set([{ name: 'Bad Name', description: 'x' }])).rejects.toMatchObject({ code: 50035 });
  });

  it('resumes after a resumable disconnect and delivers an event sent meanwhile exactly once', async () => {
    const { fake, client } = await boot();
    const contents: string[] = [];
    on<Message>(client, 'messageCreate', (m) => void contents.push(m.content));
    await fake.postMessage({ channelId: FIXTURE.channels.general, authorId: FIXTURE.users.alice, content: 'before' });
    await expect.poll(() => contents).toEqual(['before']);

    const resumed = new Promise<void>((resolve) => client.once(Events.ShardResume, () => resolve()));
    fake.disconnect(4000);
    await fake.postMessage({ channelId: FIXTURE.channels.general, authorId: FIXTURE.users.bob, content: 'during' });
    await withTimeout(resumed, 5000, 'resume');
    await fake.postMessage({ channelId: FIXTURE.channels.general, authorId: FIXTURE.users.alice, content: 'after' });
    await expect.poll(() => contents).toEqual(['before', 'during', 'after']);
    expect(fake.resumeCount()).toBe(1);
    expect(fake.identifyCount()).toBe(1);
  });

  it('handles with_response replies, edits, follow-ups, file uploads and fast heartbeats', async () => {
    const { fake, client } = await boot({ fake: { heartbeatIntervalMs: 40 } });
    let responseMessageId: string | undefined;
    on<Interaction>(client, 'interactionCreate', async (i) => {
      if (!i.isChatInputCommand()) return;
      const response = await i.reply({ content: 'working…', withResponse: true });
      responseMessageId = response.resource?.message?.id;
      await i.editReply({ content: 'done', files: [{ attachment: Buffer.from('report'), name: 'report.txt' }] });
      await i.followUp({ content: 'details for you', flags: MessageFlags.Ephemeral });
    });
    const { id } = await fake.slashCommand({ channelId: FIXTURE.channels.general, userId: FIXTURE.users.alice, subcommand: 'why' });
    expect((await fake.waitForInteractionReply(id)).content).toBe('working…');
    const final = await fake.waitForInteractionReply(id, { until: (r) => r.content === 'done' });
    expect(final.attachments.map((a: { filename: string }) => a.filename)).toEqual(['report.txt']);
    // Once the last step (the follow-up) is in, a `final` wait sees the settled reply.
    await fake.waitForRest('POST', /^\/webhooks\//);
    expect((await fake.waitForInteractionReply(id, { final: true })).content).toBe('done');
    const view = fake.interaction(id);
    expect(view.original?.id).toBe(responseMessageId);
    expect(view.followups.map((f) => f.content)).toEqual(['details for you']);
    const edit = fake.restTo('PATCH', `/webhooks/${FIXTURE.applicationId}/${view.token}/messages/@original`)[0];
    expect(edit?.body.content).toBe('done');
    expect(edit?.files.map((f) => f.filename)).toEqual(['report.txt']);
    // Heartbeats are acknowledged (ping stays -1 until the first ACK). Connection count is not
    // asserted: at such short intervals a busy event loop can make the client call the link a
    // zombie and RESUME, which is the client's behaviour, not the fake's.
    await expect.poll(() => client.ws.ping).toBeGreaterThanOrEqual(0);
    expect(fake.identifyCount()).toBe(1);
  });

  it('records DMs, timeouts and deletions, and answers like Discord on misuse', async () => {
    const { fake, client } = await boot();
    const guild = client.guilds.cache.get(FIXTURE.guildId)!;
    const alice = await guild.members.fetch(FIXTURE.users.alice);
    await alice.send('Please keep it civil.');
    expect(fake.dms(FIXTURE.users.alice).map((m) => m.content)).toEqual(['Please keep it civil.']);

    await alice.timeout(60_000, 'case 3 upheld');
    expect(fake.memberTimeouts()).toEqual([{ guildId: FIXTURE.guildId, userId: FIXTURE.users.alice, until: expect.any(String) }]);
    expect(fake.restTo('PATCH', `/guilds/${FIXTURE.guildId}/members/${FIXTURE.users.alice}`)[0]?.reason).toBe('case 3 upheld');
    // The moderator outranks the bot, and the owner cannot be timed out at all.
    await expect((await guild.members.fetch(FIXTURE.users.mod)).timeout(60_000)).rejects.toMatchObject({ code: 50013 });

    const posted = await fake.postMessage({ channelId: FIXTURE.channels.general, authorId: FIXTURE.users.bob, content: 'delete me' });
    const general = client.channels.cache.get(FIXTURE.channels.general) as TextChannel;
    await general.messages.delete(posted.id);
    expect(fake.channelMessages(FIXTURE.channels.general)).toHaveLength(0);
    expect(fake.deletedMessages(FIXTURE.channels.general).map((m) => m.id)).toEqual([posted.id]);

    const unknown = await fetch(`${fake.apiUrl}/v10/no/such/route`);
    expect([unknown.status, await unknown.json()]).toEqual([404, { message: 'Unknown route', code: 0 }]);

    // Over-long embeds and double acknowledgements fail as they would on Discord.
    await expect(general.send({ embeds: [{ title: 'x'.repeat(300) }] })).rejects.toBeInstanceOf(DiscordAPIError);
    fake.failRest('POST', `/channels/${FIXTURE.channels.general}/messages`, { status: 403, body: { message: 'Missing Permissions', code: 50013 } });
    await expect(general.send('hi')).rejects.toMatchObject({ code: 50013 });

    let second: unknown;
    on<Interaction>(client, 'interactionCreate', async (i) => {
      if (!i.isChatInputCommand()) return;
      await i.reply({ content: 'one' });
      second = await client.rest.post(`/interactions/${i.id}/${i.token}/callback`, { body: { type: 4, data: { content: 'two' } }, auth: false }).catch((err: unknown) => err);
    });
    const { id } = await fake.slashCommand({ channelId: FIXTURE.channels.general, userId: FIXTURE.users.bob, subcommand: 'advise' });
    expect((await fake.waitForInteractionReply(id)).content).toBe('one');
    await expect.poll(() => second).toMatchObject({ code: 40060 });
    // A non-ephemeral reply is a channel message everyone sees.
    expect(fake.channelMessages(FIXTURE.channels.general).map((m) => m.content)).toEqual(['one']);
  });
});
