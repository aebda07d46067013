import { SLACK_FIXTURE } from '../../fakes/slack/index.js';
import { startSlackWorld } from '../slack-harness.js';
import { INSULT, json, until, type FormId, type ReviewWorld } from './world.js';

const { channels, users, teamId } = SLACK_FIXTURE;

/** The shared review scenarios over Bolt and the fake Slack. */
export async function slackReviewWorld(): Promise<ReviewWorld> {
  const w = await startSlackWorld();
  let eventSeq = 0;
  const cardOf = (caseId: string) => w.slack.messages(channels.mods.id).find((m) => (!m.thread_ts || m.thread_ts === m.ts) && json(m.blocks).includes(`Case ${caseId}`));
  const calls = () => w.slack.calls.length;
  /** Bolt acks first and works after: wait until the bot has been quiet for a moment. */
  const settled = async () => {
    let last = -1;
    await until(async () => {
      const now = calls();
      const quiet = now === last;
      last = now;
      await new Promise((r) => setTimeout(r, 120));
      return quiet && calls() === now;
    }, 'the bot to settle');
  };
  const say = async (text: string) => {
    const message = w.slack.postUserMessage({ channel: channels.general.id, user: users.alice.id, text });
    await w.send.event({ event: { type: 'message', channel: channels.general.id, user: users.alice.id, text, ts: message.ts, channel_type: 'channel' }, eventId: `EvR${++eventSeq}` });
  };
  const world: ReviewWorld = {
    platform: 'slack',
    workspace: teamId,
    sim: w.sim,
    get core() {
      return w.core;
    },
    get flow() {
      return w.adapter.flow;
    },
    people: { author: users.alice.id, member: users.bob.id, mod: users.mod.id, mod2: users.admin.id },
    monitor: () => w.configure((s) => ({ ...s, channels: { [channels.general.id]: { mode: 'flag', unclearToReview: false } }, reviewChannelId: channels.mods.id, moderatorRoleIds: ['S_MODS'] })),
    say,
    flag: async (text = INSULT) => {
      const before = w.slack.messages(channels.mods.id).length;
      await say(text);
      await until(() => w.slack.messages(channels.mods.id).length >= before + 2, 'the card and its thread');
      const card = w.slack.messages(channels.mods.id).filter((m) => !m.thread_ts || m.thread_ts === m.ts).at(-1);
      return /Case (c_[a-z2-7]{10})/.exec(json(card?.blocks))?.[1] as string;
    },
    press: async (caseId, action, userId) => {
      const id = `ng:${action}:${caseId}`;
      await w.send.blockAction({ userId, channelId: channels.mods.id, messageTs: cardOf(caseId)?.ts ?? '1.000001', actionId: id, value: caseId });
      await settled();
    },
    pressUnknown: async (actionId, userId) => {
      await w.send.blockAction({ userId, channelId: channels.mods.id, messageTs: '1.000001', actionId, value: 'x' });
      await settled();
    },
    submit: async (form: FormId, caseId, userId, text) => {
      const view = w.slack.views().filter((v) => v.view.callback_id === `ng:${form}:${caseId}`).at(-1)?.view;
      await w.send.viewSubmission({ userId, callbackId: `ng:${form}:${caseId}`, view: view ?? {}, privateMetadata: view?.private_metadata ?? '{}', values: { reason: { value: { type: 'plain_text_input', value: text } } } });
      await settled();
    },
    appeal: async (caseId, text) => {
      const notice = w.slack.dms(users.alice.id).at(-1);
      await w.send.blockAction({ userId: users.alice.id, channelId: notice?.channel ?? 'D_ALICE', messageTs: notice?.ts ?? '1.000001', actionId: `ng:appeal:${caseId}`, value: caseId });
      await until(() => w.slack.views().some((v) => v.view.callback_id === `ng:appeal-text:${caseId}`), 'the appeal form');
      await world.submit('appeal-text', caseId, users.alice.id, text);
    },
    report: async (reporterId, text, note) => {
      const target = w.slack.postUserMessage({ channel: channels.random.id, user: users.alice.id, text });
      await w.send.messageShortcut({ callbackId: 'report_message', userId: reporterId, channelId: channels.random.id, message: { ts: target.ts, text, user: users.alice.id } });
      await until(() => w.slack.views().some((v) => v.view.callback_id === 'ng:report'), 'the report form');
      const view = w.slack.views().at(-1)!.view;
      await w.send.viewSubmission({ userId: reporterId, callbackId: 'ng:report', view, privateMetadata: view.private_metadata, values: { note: { value: { type: 'plain_text_input', value: note } } } });
      await settled();
    },
    card: (caseId) => json(cardOf(caseId)?.blocks ?? null).replace(/\\n/g, '\n'),
    thread: (caseId) => {
      const card = cardOf(caseId);
      return card ? w.slack.thread(channels.mods.id, card.ts).slice(1).map((m) => `${m.text} ${json(m.blocks ?? [])}`) : [];
    },
    privately: (userId) =>
      [channels.mods.id, channels.general.id, channels.random.id].flatMap((c) => w.slack.ephemerals(c, userId).map((e) => `${e.text} ${json(e.blocks ?? [])}`)).concat(w.slack.dms(userId).map((m) => m.text)),
    dms: (userId) => w.slack.dms(userId).map((m) => `${m.text} ${json(m.blocks ?? [])}`),
    failNextDm: () => w.slack.failNext('conversations.open', 'cannot_dm_user'),
    failNextCardPost: () => w.slack.failNext('chat.postMessage', 'not_in_channel'),
    restart: () => w.restart(),
    close: () => w.close(),
  };
  return world;
}
