import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, HTTPReceiver, LogLevel, SocketModeReceiver, webApi, type Logger } from '@slack/bolt';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  blockActionsPayload,
  createSlackSender,
  eventCallback,
  messageEvent,
  SLACK_FIXTURE,
  slashCommandBody,
  startFakeSlack,
  type FakeSlack,
  type SlackSender,
} from '../fakes/slack/index.js';

// Drives the real Bolt App (HTTP and Socket Mode receivers) against the fake Slack, proving the
// fake is faithful enough for the Slack adapter's end-to-end tests.

const SIGNING_SECRET = 'fake-signing-secret';
const BOT_TOKEN = 'xoxb-fake-bot-token';
const APP_TOKEN = 'xapp-fake-app-token';
const { users, channels } = SLACK_FIXTURE;

const cleanups: Array<() => Promise<unknown>> = [];

afterEach(async () => {
  // Apps first (they may still be talking to the fake), then the fakes.
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Collects Bolt's log lines instead of printing them; the 401 test asserts on them. */
function quietLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const push = (level: string) => (...msg: unknown[]) => void lines.push(`${level} ${msg.map(String).join(' ')}`);
  return {
    lines,
    debug: () => {},
    info: push('info'),
    warn: push('warn'),
    error: push('error'),
    setLevel: () => {},
    getLevel: () => LogLevel.INFO,
    setName: () => {},
  };
}

async function fakeSlack(): Promise<FakeSlack> {
  const fake = await startFakeSlack();
  cleanups.push(() => fake.close());
  return fake;
}

interface HttpHarness {
  app: App;
  /** The receiver's endpoint. */
  url: string;
  sender: SlackSender;
  logger: ReturnType<typeof quietLogger>;
}

async function boltOverHttp(fake: FakeSlack, register: (app: App) => void): Promise<HttpHarness> {
  const logger = quietLogger();
  const receiver = new HTTPReceiver({ signingSecret: SIGNING_SECRET, logger, unhandledRequestTimeoutMillis: 300 });
  const app = new App({
    token: BOT_TOKEN,
    receiver,
    logger,
    // Given both, Bolt never calls auth.test; the fake would answer it anyway.
    botId: fake.botId,
    botUserId: fake.botUserId,
    clientOptions: { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } },
  });
  register(app);
  const server = (await app.start({ port: 0, host: '127.0.0.1' })) as Server;
  cleanups.push(() => app.stop());
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}/slack/events`;
  return { app, url, sender: createSlackSender({ url, signingSecret: SIGNING_SECRET }), logger };
}

describe('fake Slack driving a real Bolt App over HTTP', () => {
  it('routes a signed slash command to the handler, which acks and respond()s to the captured response_url', async () => {
    const fake = await fakeSlack();
    const seen: Array<{ text: string; user: string; channel: string }> = [];
    const { sender } = await boltOverHttp(fake, (app) => {
      app.command('/ethics', async ({ command, ack, respond }) => {
        await ack();
        seen.push({ text: command.text, user: command.user_id, channel: command.channel_id });
        await respond({ response_type: 'ephemeral', text: `Checked: ${command.text}` });
      });
    });
    const { url, id } = fake.newResponseUrl({ channel: channels.general.id, user: users.alice.id });

    const res = await sender.slashCommand({ text: 'check "a+b" & 100% sure?', userId: users.alice.id, channelId: channels.general.id, responseUrl: url });

    expect(res.status).toBe(200);
    const [answer] = await fake.waitForResponse(id);
    expect(answer).toEqual({ response_type: 'ephemeral', text: 'Checked: check "a+b" & 100% sure?' });
    expect(seen).toEqual([{ text: 'check "a+b" & 100% sure?', user: users.alice.id, channel: channels.general.id }]);
    // Bound to alice in #general, the ephemeral answer is what alice sees there.
    expect(fake.ephemerals(channels.general.id, users.alice.id).map((e) => e.text)).toEqual(['Checked: check "a+b" & 100% sure?']);
  });

  it("a slash command's response_url replaces its own answer (ephemeral or in the channel) and takes five POSTs at most", async () => {
    const fake = await fakeSlack();
    const statuses: string[] = [];
    const { sender } = await boltOverHttp(fake, (app) => {
      app.command('/ethics', async ({ command, ack, respond }) => {
        await ack();
        const type = command.text === 'public' ? 'in_channel' : 'ephemeral';
        await respond({ response_type: type, text: 'draft 1' });
        for (let i = 2; i <= 6; i++) {
          await respond({ response_type: type, replace_original: true, text: `draft ${i}` }).then(
            () => statuses.push('ok'),
            () => statuses.push('refused'),
          );
        }
      });
    });
    const ephemeral = fake.newResponseUrl({ channel: channels.general.id, user: users.alice.id });
    await sender.slashCommand({ text: 'private', userId: users.alice.id, channelId: channels.general.id, responseUrl: ephemeral.url });
    await vi.waitFor(() => expect(statuses).toHaveLength(5), { timeout: 10_000 });
    expect(statuses).toEqual(['ok', 'ok', 'ok', 'ok', 'refused']);
    expect(fake.ephemerals(channels.general.id, users.alice.id).map((e) => e.text)).toEqual(['draft 5']);

    statuses.length = 0;
    const inChannel = fake.newResponseUrl({ channel: channels.general.id, user: users.alice.id });
    await sender.slashCommand({ text: 'public', userId: users.alice.id, channelId: channels.general.id, responseUrl: inChannel.url });
    await vi.waitFor(() => expect(statuses).toHaveLength(5), { timeout: 10_000 });
    expect(fake.messages(channels.general.id).filter((m) => /^draft/.test(m.text ?? '')).map((m) => m.text)).toEqual(['draft 5']);
  });

  it("delivers a message event; the handler's chat.postMessage lands in the channel record, and retries carry retryNum", async () => {
    const fake = await fakeSlack();
    const deliveries: Array<{ eventId: unknown; retryNum: unknown }> = [];
    const { sender } = await boltOverHttp(fake, (app) => {
      app.message(async ({ message, client, context, body }) => {
        deliveries.push({ eventId: (body as { event_id?: string }).event_id, retryNum: context.retryNum });
        if (context.retryNum !== undefined) return; // what the adapter does: dedupe on event_id
        if (!('ts' in message) || !('user' in message)) return;
        await client.chat.postMessage({ channel: message.channel, thread_ts: message.ts, text: `noted, <@${message.user}>` });
      });
    });
    const original = fake.postUserMessage({ channel: channels.general.id, user: users.bob.id, text: 'you are all idiots' });

    const first = await sender.event({ event: messageEvent(original), eventId: 'Ev001' });
    const retry = await sender.event({ event: messageEvent(original), eventId: 'Ev001', retryNum: 1, retryReason: 'http_timeout' });

    expect([first.status, retry.status]).toEqual([200, 200]);
    const [call] = await fake.waitForCall('chat.postMessage');
    expect(call?.token).toBe(BOT_TOKEN);
    expect(fake.thread(channels.general.id, original.ts).map((m) => [m.user, m.text])).toEqual([
      [users.bob.id, 'you are all idiots'],
      [fake.botUserId, `noted, <@${users.bob.id}>`],
    ]);
    const reply = fake.messages(channels.general.id).at(-1);
    expect(reply).toMatchObject({ bot_id: fake.botId, thread_ts: original.ts });
    await fake.waitFor(() => deliveries.length === 2 || undefined, { what: 'both deliveries' });
    expect(deliveries).toEqual([
      { eventId: 'Ev001', retryNum: undefined },
      { eventId: 'Ev001', retryNum: 1 },
    ]);
  });

  it('routes a button click on a posted card; chat.update replaces the card in place', async () => {
    const fake = await fakeSlack();
    const { app, sender } = await boltOverHttp(fake, (a) => {
      a.action('case_uphold', async ({ ack, body, client, action }) => {
        await ack();
        if (body.type !== 'block_actions' || !body.channel || !body.message || action.type !== 'button') return;
        await client.chat.update({
          channel: body.channel.id,
          ts: body.message.ts,
          text: `Case ${action.value} upheld`,
          blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `Upheld by <@${body.user.id}>` } }],
        });
      });
    });
    const card = await app.client.chat.postMessage({
      channel: channels.mods.id,
      text: 'Case 42',
      blocks: [
        { type: 'section', text: { type: 'mrkdwn', text: '*Case 42*' } },
        { type: 'actions', block_id: 'case', elements: [{ type: 'button', action_id: 'case_uphold', text: { type: 'plain_text', text: 'Uphold' }, value: '42' }] },
      ],
    });
    const posted = fake.messages(channels.mods.id)[0];
    expect(posted?.blocks?.[1]?.elements?.[0]?.value).toBe('42');

    const res = await sender.blockAction({ userId: users.mod.id, channelId: channels.mods.id, messageTs: card.ts as string, actionId: 'case_uphold', value: '42', blockId: 'case', message: posted });

    expect(res.status).toBe(200);
    await fake.waitForCall('chat.update');
    const [updated] = fake.messages(channels.mods.id);
    expect(updated?.ts).toBe(card.ts);
    expect(updated?.text).toBe('Case 42 upheld');
    expect(updated?.blocks).toEqual([{ type: 'section', text: { type: 'mrkdwn', text: `Upheld by <@${users.mod.id}>` } }]);
    expect(updated?.edited?.user).toBe(fake.botUserId);
  });

  it('opens a modal with the trigger_id and routes its submission (with state values) to app.view', async () => {
    const fake = await fakeSlack();
    const submissions: Array<{ values: unknown; metadata: string; user: string }> = [];
    const { sender } = await boltOverHttp(fake, (app) => {
      app.command('/ethics', async ({ ack, body, client }) => {
        await ack();
        await client.views.open({
          trigger_id: body.trigger_id,
          view: {
            type: 'modal',
            callback_id: 'ethics_check',
            private_metadata: JSON.stringify({ channel: body.channel_id }),
            title: { type: 'plain_text', text: 'Ethics check' },
            submit: { type: 'plain_text', text: 'Check' },
            blocks: [
              { type: 'input', block_id: 'situation', label: { type: 'plain_text', text: 'Situation' }, element: { type: 'plain_text_input', action_id: 'text' } },
              { type: 'input', block_id: 'where', label: { type: 'plain_text', text: 'Channel' }, element: { type: 'conversations_select', action_id: 'pick' } },
            ],
          },
        });
      });
      app.view('ethics_check', async ({ ack, view, body }) => {
        submissions.push({ values: view.state.values, metadata: view.private_metadata, user: body.user.id });
        const situation = view.state.values.situation?.text?.value ?? '';
        if (situation.length < 5) {
          await ack({ response_action: 'errors', errors: { situation: 'Tell me a bit more' } });
          return;
        }
        await ack();
      });
    });
    const { url } = fake.newResponseUrl();
    await sender.slashCommand({ text: '', userId: users.alice.id, channelId: channels.general.id, responseUrl: url });
    const [open] = await fake.waitForCall('views.open');
    const opened = fake.views()[0];
    expect(opened).toMatchObject({ method: 'views.open', trigger_id: open?.args.trigger_id, view: { callback_id: 'ethics_check', type: 'modal' } });
    expect(open?.args.view.title.text).toBe('Ethics check'); // parsed from the form-encoded JSON string
    expect(typeof open?.rawArgs.view).toBe('string');

    const values = {
      situation: { text: { type: 'plain_text_input', value: 'hi' } },
      where: { pick: { type: 'conversations_select', selected_conversation: channels.random.id } },
    };
    const refused = await sender.viewSubmission({ userId: users.alice.id, callbackId: 'ethics_check', values, view: opened?.view });
    expect(refused.status).toBe(200);
    expect(JSON.parse(refused.body)).toEqual({ response_action: 'errors', errors: { situation: 'Tell me a bit more' } });

    const accepted = await sender.viewSubmission({
      userId: users.alice.id,
      callbackId: 'ethics_check',
      values: { ...values, situation: { text: { type: 'plain_text_input', value: 'A long enough situation' } } },
      view: opened?.view,
    });
    expect(accepted).toEqual({ status: 200, body: '' });
    expect(submissions).toHaveLength(2);
    expect(submissions[1]).toEqual({
      user: users.alice.id,
      metadata: JSON.stringify({ channel: channels.general.id }),
      values: { ...values, situation: { text: { type: 'plain_text_input', value: 'A long enough situation' } } },
    });
  });

  it('routes a "Check this message" shortcut to app.shortcut with the message', async () => {
    const fake = await fakeSlack();
    const { sender } = await boltOverHttp(fake, (app) => {
      app.shortcut('check_message', async ({ ack, shortcut, client }) => {
        await ack();
        if (shortcut.type !== 'message_action') return;
        await client.chat.postEphemeral({ channel: shortcut.channel.id, user: shortcut.user.id, text: `Checking: ${shortcut.message.text}` });
      });
    });
    const target = fake.postUserMessage({ channel: channels.random.id, user: users.bob.id, text: 'lol just cheat on the exam' });

    const res = await sender.messageShortcut({
      callbackId: 'check_message',
      userId: users.alice.id,
      channelId: channels.random.id,
      message: { ts: target.ts, text: target.text, user: users.bob.id },
    });

    expect(res.status).toBe(200);
    await fake.waitForCall('chat.postEphemeral');
    expect(fake.ephemerals(channels.random.id, users.alice.id)).toMatchObject([{ text: 'Checking: lol just cheat on the exam' }]);
    expect(fake.ephemerals(channels.random.id, users.bob.id)).toEqual([]);
  });

  it('answers 401 to a bad signature and never runs the handler', async () => {
    const fake = await fakeSlack();
    let ran = false;
    const { sender, logger } = await boltOverHttp(fake, (app) => {
      app.command('/ethics', async ({ ack }) => {
        ran = true;
        await ack();
      });
    });
    const body = new URLSearchParams(slashCommandBody({ text: 'stats', userId: users.alice.id, channelId: channels.general.id, responseUrl: fake.newResponseUrl().url })).toString();

    const res = await sender.raw(body, 'application/x-www-form-urlencoded', { signature: `v0=${'0'.repeat(64)}` });

    expect(res.status).toBe(401);
    expect(ran).toBe(false);
    expect(logger.lines.join('\n')).toMatch(/signature mismatch/i);
  });

  it('rejects requests signed six minutes ago (stale timestamp), whether from a skewed clock or a raw body', async () => {
    const fake = await fakeSlack();
    let ran = false;
    const { url, sender } = await boltOverHttp(fake, (app) => {
      app.command('/ethics', async ({ ack }) => {
        ran = true;
        await ack();
      });
    });
    const sixMinutes = 6 * 60 * 1000;
    const late = createSlackSender({ url, signingSecret: SIGNING_SECRET, clock: () => Date.now() - sixMinutes });
    const params = { text: 'stats', userId: users.alice.id, channelId: channels.general.id, responseUrl: fake.newResponseUrl().url };

    const viaClock = await late.slashCommand(params);
    const body = new URLSearchParams(slashCommandBody(params)).toString();
    const viaRaw = await sender.raw(body, 'application/x-www-form-urlencoded', { timestamp: Math.floor((Date.now() - sixMinutes) / 1000) });
    const fresh = await sender.raw(body, 'application/x-www-form-urlencoded');

    expect([viaClock.status, viaRaw.status]).toEqual([401, 401]);
    expect(fresh.status).toBe(200); // the same body, signed now, is accepted
    expect(ran).toBe(true);
  });
});

describe('fake Slack Web API state', () => {
  it('returns posted messages from conversations.history (newest first) and conversations.replies (thread, oldest first)', async () => {
    const fake = await fakeSlack();
    const client = new webApi.WebClient(BOT_TOKEN, { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } });
    const a = fake.postUserMessage({ channel: channels.general.id, user: users.alice.id, text: 'first' });
    const b = fake.postUserMessage({ channel: channels.general.id, user: users.bob.id, text: 'second' });
    fake.postUserMessage({ channel: channels.general.id, user: users.alice.id, text: 'reply to second', threadTs: b.ts });
    const c = fake.postUserMessage({ channel: channels.general.id, user: users.bob.id, text: 'third' });

    const history = await client.conversations.history({ channel: channels.general.id, limit: 2 });
    expect(history.messages?.map((m) => m.text)).toEqual(['third', 'second']);
    expect(history.has_more).toBe(true);
    const next = await client.conversations.history({ channel: channels.general.id, limit: 2, cursor: history.response_metadata?.next_cursor });
    expect(next.messages?.map((m) => m.text)).toEqual(['first']);
    const window = await client.conversations.history({ channel: channels.general.id, oldest: a.ts, latest: c.ts, inclusive: true });
    expect(window.messages?.map((m) => m.text)).toEqual(['third', 'second', 'first']);
    const exclusive = await client.conversations.history({ channel: channels.general.id, oldest: a.ts, latest: c.ts });
    expect(exclusive.messages?.map((m) => m.text)).toEqual(['second']);

    const replies = await client.conversations.replies({ channel: channels.general.id, ts: b.ts });
    expect(replies.messages?.map((m) => m.text)).toEqual(['second', 'reply to second']);
    expect(replies.messages?.[0]).toMatchObject({ reply_count: 1, thread_ts: b.ts, reply_users: [users.alice.id] });
  });

  it('answers the directory: users.info flags, user groups, DMs, permalinks, team and auth', async () => {
    const fake = await fakeSlack();
    const client = new webApi.WebClient(BOT_TOKEN, { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } });

    expect((await client.users.info({ user: users.admin.id })).user).toMatchObject({ is_admin: true, is_owner: false, is_bot: false, name: 'admin', tz: 'Europe/London' });
    expect((await client.users.info({ user: users.alice.id })).user).toMatchObject({ is_admin: false });
    expect((await client.usergroups.users.list({ usergroup: SLACK_FIXTURE.usergroups.moderators.id })).users).toEqual([users.mod.id]);
    expect((await client.usergroups.list({ include_users: true })).usergroups).toMatchObject([{ id: 'S_MODS', handle: 'moderators', users: [users.mod.id] }]);
    expect((await client.auth.test()).user_id).toBe(fake.botUserId);
    expect((await client.team.info()).team?.id).toBe(SLACK_FIXTURE.teamId);
    expect((await client.conversations.info({ channel: channels.mods.id })).channel).toMatchObject({ id: 'C_MODS', name: 'mods', is_member: true });

    const dm = await client.conversations.open({ users: users.bob.id });
    const dmId = dm.channel?.id as string;
    expect(dmId).toMatch(/^D/);
    await client.chat.postMessage({ channel: dmId, text: 'A note about your message' });
    await client.chat.postMessage({ channel: users.bob.id, text: 'posting to a user id goes to the DM too' });
    expect(fake.dms(users.bob.id).map((m) => m.text)).toEqual(['A note about your message', 'posting to a user id goes to the DM too']);

    const posted = await client.chat.postMessage({ channel: channels.general.id, text: 'x' });
    const link = await client.chat.getPermalink({ channel: channels.general.id, message_ts: posted.ts as string });
    expect(link.permalink).toBe(`https://normguard-test.slack.com/archives/C_GENERAL/p${(posted.ts as string).replace('.', '')}`);
    await client.chat.delete({ channel: channels.general.id, ts: posted.ts as string });
    expect(fake.messages(channels.general.id)).toEqual([]);
  });

  it("fails like Slack: unknown method, missing arguments, no token, someone else's message, Block Kit limits, spent triggers", async () => {
    const fake = await fakeSlack();
    const post = async (method: string, body: string, token = BOT_TOKEN) => {
      const res = await fetch(`${fake.apiUrl}${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body,
      });
      expect(res.status).toBe(200);
      return (await res.json()) as Record<string, any>;
    };
    expect(await post('chat.explode', '')).toMatchObject({ ok: false, error: 'unknown_method' });
    expect(await post('chat.postMessage', 'text=hi')).toEqual({ ok: false, error: 'invalid_arguments', detail: 'missing required argument channel' });
    expect(await post('users.info', 'user=U_ALICE', '')).toMatchObject({ ok: false, error: 'not_authed' });
    expect(await post('chat.postMessage', 'channel=C_NOPE&text=hi')).toMatchObject({ ok: false, error: 'channel_not_found' });
    expect(await post('apps.connections.open', '')).toMatchObject({ ok: false, error: 'not_allowed_token_type' });

    const human = fake.postUserMessage({ channel: channels.general.id, user: users.bob.id, text: 'mine' });
    expect(await post('chat.update', `channel=C_GENERAL&ts=${human.ts}&text=edited`)).toMatchObject({ ok: false, error: 'cant_update_message' });

    const longTitle = JSON.stringify({ type: 'modal', title: { type: 'plain_text', text: 'A title that is far too long for Slack' }, blocks: [] });
    const tooLong = await post('views.open', `trigger_id=t1&view=${encodeURIComponent(longTitle)}`);
    expect(tooLong).toMatchObject({ ok: false, error: 'invalid_arguments', response_metadata: { messages: ['[ERROR] must be less than 25 characters [json-pointer:/view/title/text]'] } });
    const tooManyBlocks = JSON.stringify(Array.from({ length: 51 }, () => ({ type: 'divider' })));
    expect(await post('chat.postMessage', `channel=C_GENERAL&text=x&blocks=${encodeURIComponent(tooManyBlocks)}`)).toMatchObject({ ok: false, error: 'invalid_blocks' });

    const modal = encodeURIComponent(JSON.stringify({ type: 'modal', title: { type: 'plain_text', text: 'OK' }, blocks: [] }));
    expect(await post('views.open', `trigger_id=t2&view=${modal}`)).toMatchObject({ ok: true, view: { id: 'V0001' } });
    expect(await post('views.open', `trigger_id=t2&view=${modal}`)).toMatchObject({ ok: false, error: 'exchanged_trigger_id' });
    const expired = `${Date.now() - 3500}.1.0123456789abcdef`;
    expect(await post('views.open', `trigger_id=${expired}&view=${modal}`)).toMatchObject({ ok: false, error: 'expired_trigger_id' });

    // Every call is recorded with the answer it got.
    expect(fake.callsTo('views.open').map((c) => c.response.error ?? 'ok')).toEqual(['invalid_arguments', 'ok', 'exchanged_trigger_id', 'expired_trigger_id']);
  });

  it('applies bound response_url flags: replace_original edits the card, in_channel posts', async () => {
    const fake = await fakeSlack();
    const client = new webApi.WebClient(BOT_TOKEN, { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } });
    const card = await client.chat.postMessage({ channel: channels.mods.id, text: 'Case 7: open' });
    const { url, id } = fake.newResponseUrl({ channel: channels.mods.id, user: users.mod.id, messageTs: card.ts as string });
    const respond = (body: unknown) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

    expect((await respond({ replace_original: true, text: 'Case 7: dismissed' })).status).toBe(200);
    expect((await respond({ response_type: 'in_channel', text: 'Decision recorded' })).status).toBe(200);

    expect(fake.responses(id)).toHaveLength(2);
    expect(fake.messages(channels.mods.id).map((m) => m.text)).toEqual(['Case 7: dismissed', 'Decision recorded']);
    expect((await fetch(`${fake.url}/response/nope`, { method: 'POST', body: '{}' })).status).toBe(404);
  });

  it('names the calls it did see when a wait times out', async () => {
    const fake = await fakeSlack();
    const client = new webApi.WebClient(BOT_TOKEN, { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } });
    await client.chat.postMessage({ channel: channels.general.id, text: 'hello' });
    await expect(fake.waitForCall('chat.update', { timeoutMs: 50 })).rejects.toThrow(/saw 0[\s\S]*chat\.postMessage \(ok\)/);
  });
});

describe('fake Slack Socket Mode', () => {
  it('connects a socketMode App and carries commands, events and interactions as acked envelopes', async () => {
    const fake = await fakeSlack();
    const logger = quietLogger();
    const clientOptions = { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } };
    // An explicit receiver so the test can reach its SocketModeClient's 'disconnected' event.
    const receiver = new SocketModeReceiver({ appToken: APP_TOKEN, logger, installerOptions: { clientOptions } });
    const app = new App({ token: BOT_TOKEN, appToken: APP_TOKEN, socketMode: true, receiver, logger, botId: fake.botId, botUserId: fake.botUserId, clientOptions });
    const seen: string[] = [];
    app.command('/ethics', async ({ command, ack, respond }) => {
      await ack({ text: 'on it' });
      seen.push(`command ${command.text}`);
      await respond({ text: `stats for ${command.channel_id}` });
    });
    app.message(async ({ message, client }) => {
      if (!('text' in message) || !('ts' in message)) return;
      seen.push(`message ${message.text}`);
      await client.chat.postMessage({ channel: message.channel, thread_ts: message.ts, text: 'seen' });
    });
    app.action('case_dismiss', async ({ ack }) => {
      seen.push('action case_dismiss');
      await ack();
    });

    await app.start();
    // app.stop() returns before the socket closes: wait for the client's own 'disconnected'.
    const stop = async () => {
      const disconnected = new Promise<void>((resolve) => receiver.client.once('disconnected', () => resolve()));
      await app.stop();
      await disconnected;
    };
    cleanups.push(async () => {
      if (fake.socketMode.connected()) await stop();
    });
    expect(fake.socketMode.connected()).toBe(true);
    expect(fake.callsTo('apps.connections.open')[0]?.token).toBe(APP_TOKEN);

    const { url, id } = fake.newResponseUrl();
    const commandAck = await fake.socketMode.sendEnvelope(
      'slash_commands',
      slashCommandBody({ text: 'stats', userId: users.admin.id, channelId: channels.general.id, responseUrl: url }),
    );
    expect(commandAck).toEqual({ text: 'on it' });
    expect(await fake.waitForResponse(id)).toEqual([{ text: `stats for ${channels.general.id}` }]);

    const said = fake.postUserMessage({ channel: channels.random.id, user: users.bob.id, text: 'hello socket' });
    expect(await fake.socketMode.sendEnvelope('events_api', eventCallback({ event: messageEvent(said) }))).toEqual({});
    await fake.waitForCall('chat.postMessage');
    expect(fake.thread(channels.random.id, said.ts).map((m) => m.text)).toEqual(['hello socket', 'seen']);

    const click = blockActionsPayload({ userId: users.mod.id, channelId: channels.mods.id, messageTs: said.ts, actionId: 'case_dismiss' });
    expect(await fake.socketMode.sendEnvelope('interactive', click)).toEqual({});
    expect(seen).toEqual(['command stats', 'message hello socket', 'action case_dismiss']);

    await stop();
    await fake.socketMode.waitForDisconnect();
    expect(fake.socketMode.connected()).toBe(false);
  });
});
