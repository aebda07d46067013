import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SLACK_FIXTURE } from '../fakes/slack/index.js';
import { answerOf, startSlackWorld, type SlackWorld } from './slack-harness.js';

const { users, channels, teamId } = SLACK_FIXTURE;
const INSULT = 'You are a stupid idiot and everyone here knows it';
let w: SlackWorld;

beforeEach(async () => {
  w = await startSlackWorld();
});
afterEach(async () => {
  await w.close();
});

/** Everything a person could read in some blocks, flattened. */
function textOf(blocks: unknown): string {
  return JSON.stringify(blocks ?? []);
}

async function slash(text: string, userId: string = users.alice.id, channelId: string = channels.general.id) {
  const { url, id } = w.slack.newResponseUrl();
  const res = await w.send.slashCommand({ text, userId, channelId, responseUrl: url });
  expect(res.status).toBe(200);
  return { id };
}

async function monitorGeneral(mode: 'flag' | 'coach' | 'shadow' = 'flag') {
  await w.configure((s) => ({ ...s, channels: { [channels.general.id]: { mode, unclearToReview: false } }, reviewChannelId: channels.mods.id, moderatorRoleIds: ['S_MODS'] }));
}

let eventSeq = 0;
async function userSays(text: string, user: string = users.alice.id, opts: { eventId?: string; retryNum?: number } = {}) {
  const message = w.slack.postUserMessage({ channel: channels.general.id, user, text });
  const eventId = opts.eventId ?? `Ev${++eventSeq}`;
  const res = await w.send.event({ event: { type: 'message', channel: channels.general.id, user, text, ts: message.ts, channel_type: 'channel' }, eventId, retryNum: opts.retryNum });
  expect(res.status).toBe(200);
  return { ts: message.ts, eventId };
}

async function flagOne() {
  await monitorGeneral();
  await userSays(INSULT);
  await w.slack.waitForCall('chat.postMessage', { where: (c) => c.args.channel === channels.mods.id && !c.args.thread_ts });
  const card = w.slack.messages(channels.mods.id).find((m) => !m.thread_ts || m.thread_ts === m.ts)!;
  const caseId = /Case (c_[a-z2-7]{10})/.exec(textOf(card.blocks))?.[1] as string;
  return { card, caseId };
}

function press(actionId: string, userId: string, messageTs: string) {
  return w.send.blockAction({ userId, channelId: channels.mods.id, messageTs, actionId, value: actionId.split(':')[2] });
}

describe('Slack: /ethics commands', () => {
  it('inline check answers ephemerally with the verdict at a glance', async () => {
    const { id } = await slash('check situation: A game chat | intent: Tom wants to win | action: Tom calls the other player an idiot');
    const reply = await answerOf(w.slack, id);
    expect(reply.response_type).toBe('ephemeral');
    expect(textOf(reply.blocks)).toMatch(/:red_circle: \*Impermissible\* · severity \*(low|medium|high)\*/);
    expect(textOf(reply.blocks)).toMatch(/Permissibility check/);
  });

  it.each([
    ['advise situation: A new member asks a basic question | intent: I want to answer kindly', /Ethical guidance/],
    ['evaluate situation: A shared office | intent: Sam wants quiet | action: Sam politely asks for quiet', /Moral evaluation/],
    ['why norm: You should not insult people. | situation: A heated debate', /Why this norm matters/],
  ])('%s', async (text, title) => {
    const { id } = await slash(text);
    const reply = await answerOf(w.slack, id);
    expect(textOf(reply.blocks)).toMatch(title);
  });

  it('public: yes posts in the channel', async () => {
    const { id } = await slash('check situation: s | intent: i | action: Tom thanks his coworker | public: yes');
    const reply = await answerOf(w.slack, id);
    expect(reply.response_type).toBe('in_channel');
  });

  it('a busy channel is rate-limited with the wait in the reply', async () => {
    await w.configure((s) => ({ ...s, commandLimits: { perUserPerMinute: 50, perChannelPerMinute: 2 } }));
    const ask = async (userId: string) => {
      const { id } = await slash('check situation: s | intent: i | action: Tom says good game', userId);
      return textOf((await answerOf(w.slack, id)).blocks);
    };
    expect(await ask(users.alice.id)).toMatch(/Permissible/);
    expect(await ask(users.bob.id)).toMatch(/Permissible/);
    expect(await ask(users.admin.id)).toMatch(/This channel has asked normguard a lot in the last minute\. Please try again in \d+ s\./);
  });

  it('a parse failure explains the inline syntax, and nothing reaches the model', async () => {
    const { id } = await slash('check just some words');
    const reply = await answerOf(w.slack, id);
    expect(textOf(reply.blocks)).toMatch(/each field needs a label.*\/ethics check situation:/);
    expect(w.sim.requestsTo('/v1/chat/completions')).toHaveLength(0);
  });

  it('/ethics alone opens a form; submitting it answers ephemerally', async () => {
    await slash('');
    const [open] = await w.slack.waitForCall('views.open');
    const view = w.slack.views().at(-1)!.view;
    expect(view.callback_id).toBe('ng:ask');
    expect(open).toBeDefined();
    await w.send.viewSubmission({
      userId: users.alice.id,
      callbackId: 'ng:ask',
      view,
      privateMetadata: view.private_metadata,
      values: {
        command: { value: { type: 'static_select', selected_option: { value: 'check' } } },
        situation: { value: { type: 'plain_text_input', value: 'A game chat' } },
        intent: { value: { type: 'plain_text_input', value: 'Tom wants to win' } },
        action: { value: { type: 'plain_text_input', value: 'Tom threatens the other player' } },
        norm: { value: { type: 'plain_text_input', value: null } },
        public: { value: { type: 'checkboxes', selected_options: [] } },
      },
    });
    await w.slack.waitForCall('chat.postEphemeral');
    const [answer] = w.slack.ephemerals(channels.general.id, users.alice.id);
    expect(textOf(answer?.blocks)).toMatch(/Impermissible/);
  });

  it('a model that is down gets one friendly sentence, not a stack trace', async () => {
    w.sim.inject('unreachable');
    const { id } = await slash('check situation: s | intent: i | action: Tom calls him an idiot');
    const reply = await answerOf(w.slack, id);
    expect(textOf(reply.blocks)).toMatch(/:warning: The model is unavailable right now/);
    expect(textOf(reply.blocks)).not.toMatch(/at .*\.ts:\d+/);
  });

  it('/ethics config: refused for members, a settings form for admins that saves', async () => {
    const { id } = await slash('config', users.alice.id);
    const refusal = await answerOf(w.slack, id);
    expect(textOf(refusal.blocks)).toMatch(/Only workspace admins/);
    expect(w.slack.callsTo('views.open')).toHaveLength(0);

    await slash('config', users.admin.id);
    await w.slack.waitForCall('views.open');
    const view = w.slack.views().at(-1)!.view;
    await w.send.viewSubmission({
      userId: users.admin.id,
      callbackId: 'ng:config',
      view,
      privateMetadata: view.private_metadata,
      values: {
        channels: { value: { type: 'multi_conversations_select', selected_conversations: [channels.general.id, channels.random.id] } },
        mode: { value: { type: 'static_select', selected_option: { value: 'coach' } } },
        review_channel: { value: { type: 'conversations_select', selected_conversation: channels.mods.id } },
        moderators: { value: { type: 'multi_users_select', selected_users: [users.bob.id] } },
        moderator_groups: { value: { type: 'plain_text_input', value: 'S_MODS' } },
        flag_threshold: { value: { type: 'static_select', selected_option: { value: 'high' } } },
        coach_flag_threshold: { value: { type: 'static_select', selected_option: { value: 'high' } } },
      },
    });
    await w.slack.waitForCall('chat.postEphemeral');
    const s = await w.core.store.repos.settings.get(teamId);
    expect(s.channels).toEqual({ [channels.general.id]: { mode: 'coach', unclearToReview: false }, [channels.random.id]: { mode: 'coach', unclearToReview: false } });
    expect(s).toMatchObject({ reviewChannelId: channels.mods.id, moderatorUserIds: [users.bob.id], moderatorRoleIds: ['S_MODS'], thresholds: { flag: 'high', coachFlag: 'high' } });
    expect(w.slack.ephemerals(channels.general.id, users.admin.id)[0]?.text).toMatch(/<#C_GENERAL> coach/);
  });

  it('/ethics stats shows the review numbers', async () => {
    const { caseId, card } = await flagOne();
    await press(`ng:uphold:${caseId}`, users.mod.id, card.ts);
    await w.slack.waitForCall('chat.update');
    const { id } = await slash('stats 7');
    const reply = await answerOf(w.slack, id);
    const text = textOf(reply.blocks);
    expect(text).toMatch(/last 7 days/);
    expect(text).toMatch(/\*Cases opened\*\\n1/);
    expect(text).toMatch(/\*Upheld\*\\n1/);
    expect(text).toMatch(/\*Upheld rate\*\\n100%/);
  });
});

describe('Slack: "Check this message" shortcut', () => {
  it('runs S3 on the message with the channel history as context', async () => {
    w.slack.postUserMessage({ channel: channels.general.id, user: users.bob.id, text: 'Anyone up for a match tonight?' });
    const target = w.slack.postUserMessage({ channel: channels.general.id, user: users.alice.id, text: INSULT });
    await w.send.messageShortcut({ callbackId: 'check_message', userId: users.bob.id, channelId: channels.general.id, message: { ts: target.ts, text: INSULT, user: users.alice.id } });
    await w.slack.waitForCall('chat.postEphemeral');
    expect(textOf(w.slack.ephemerals(channels.general.id, users.bob.id)[0]?.blocks)).toMatch(/Impermissible/);
    const prompt = (w.sim.requestsTo('/v1/chat/completions')[0]?.body as { messages: Array<{ content: string }> }).messages[0]?.content;
    // Excerpts name people; a raw id means nothing to the model or a moderator.
    expect(prompt).toContain('bob: Anyone up for a match tonight?');
    expect(prompt).not.toContain('U_BOB');
  });
});

describe('Slack: passive monitoring and review threads', () => {
  it('a flagged message becomes a card with buttons in the review channel and the model answer in its thread', async () => {
    const { card, caseId } = await flagOne();
    const text = textOf(card.blocks);
    expect(text).toContain(`Case ${caseId}`);
    expect(text).toMatch(/Impermissible/);
    expect(text).toContain('Conversation the model saw');
    expect(text).toContain('Policy rule');
    for (const action of ['uphold', 'dismiss', 'why']) expect(text).toContain(`ng:${action}:${caseId}`);
    await w.slack.waitFor(() => w.slack.thread(channels.mods.id, card.ts).length >= 2, { what: 'the thread reply' });
    expect(w.slack.thread(channels.mods.id, card.ts)[1]?.text).toMatch(/What the model said/);
  });

  it('an event retried three times is audited once', async () => {
    await monitorGeneral();
    const { ts, eventId } = await userSays(INSULT);
    for (const retryNum of [1, 2, 3]) {
      await w.send.event({ event: { type: 'message', channel: channels.general.id, user: users.alice.id, text: INSULT, ts, channel_type: 'channel' }, eventId, retryNum });
    }
    await w.slack.waitForCall('chat.postMessage', { where: (c) => c.args.channel === channels.mods.id });
    await new Promise((r) => setTimeout(r, 200));
    expect(w.slack.messages(channels.mods.id).filter((m) => !m.thread_ts || m.thread_ts === m.ts)).toHaveLength(1);
    // One calibrated screen, then the card's prose and the short turn that checks it agrees.
    expect(w.sim.requestsTo('/v1/chat/completions')).toHaveLength(3);
  });

  it('bot messages, edits, joins and other subtypes are ignored', async () => {
    await monitorGeneral();
    const base = { type: 'message', channel: channels.general.id, text: INSULT, channel_type: 'channel' };
    await w.send.event({ event: { ...base, ts: '1.000001', bot_id: 'B0002', user: 'U_OTHERBOT' }, eventId: 'EvB1' });
    await w.send.event({ event: { ...base, ts: '1.000002', subtype: 'bot_message', bot_id: 'B0002' }, eventId: 'EvB2' });
    await w.send.event({ event: { ...base, ts: '1.000003', subtype: 'message_changed', message: { text: INSULT } }, eventId: 'EvB3' });
    await w.send.event({ event: { ...base, ts: '1.000004', subtype: 'channel_join', user: users.bob.id }, eventId: 'EvB4' });
    await new Promise((r) => setTimeout(r, 200));
    expect(w.sim.requestsTo('/v1/chat/completions')).toHaveLength(0);
  });

  it('coach mode replies in a thread; shadow mode posts nothing', async () => {
    await monitorGeneral('coach');
    const { ts } = await userSays(INSULT);
    await w.slack.waitForCall('chat.postMessage', { where: (c) => c.args.channel === channels.general.id });
    expect(w.slack.thread(channels.general.id, ts).at(-1)?.text).toMatch(/^A gentle note from normguard/);

    await monitorGeneral('shadow');
    await userSays(`${INSULT} again and again`, users.bob.id);
    await new Promise((r) => setTimeout(r, 300));
    expect(w.slack.callsTo('chat.postMessage')).toHaveLength(1);
  });

  it('a bad signature or a stale timestamp is rejected and nothing is audited', async () => {
    await monitorGeneral();
    const body = JSON.stringify({ type: 'event_callback', team_id: teamId, api_app_id: 'A0001', event_id: 'EvBad', event_time: 1, event: { type: 'message', channel: channels.general.id, user: users.alice.id, text: INSULT, ts: '2.000001' } });
    expect((await w.send.raw(body, 'application/json', { signature: 'v0=deadbeef' })).status).toBe(401);
    expect((await w.send.raw(body, 'application/json', { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 })).status).toBe(401);
    await new Promise((r) => setTimeout(r, 100));
    expect(w.sim.requests).toHaveLength(0);
  });

  it('the model down during monitoring: no card, the failure is counted', async () => {
    await monitorGeneral();
    w.sim.inject('http500');
    await userSays(INSULT);
    await w.slack.waitFor(async () => (await w.core.moderation.activity.counters(teamId, 0)).failed === 1, { what: 'the failure counter' });
    expect(w.slack.callsTo('chat.postMessage')).toHaveLength(0);
  });

  it('uphold updates the card in place with who; a second click changes nothing', async () => {
    const { card, caseId } = await flagOne();
    await press(`ng:uphold:${caseId}`, users.mod.id, card.ts);
    await w.slack.waitForCall('chat.update');
    const updated = w.slack.messages(channels.mods.id).find((m) => m.ts === card.ts)!;
    expect(textOf(updated.blocks)).toMatch(/\*Upheld\* by <@U_MOD>/);
    expect(textOf(updated.blocks)).not.toContain(`ng:uphold:${caseId}`);
    await press(`ng:uphold:${caseId}`, users.admin.id, card.ts);
    await w.slack.waitForCall('chat.postEphemeral');
    expect(w.slack.ephemerals(channels.mods.id, users.admin.id)[0]?.text).toMatch(/already upheld by <@U_MOD>/);
    const stored = await w.core.store.repos.cases.get(caseId);
    expect(stored?.history.filter((h) => h.action === 'upheld')).toHaveLength(1);
  });

});
