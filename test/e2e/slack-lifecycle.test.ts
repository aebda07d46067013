import { afterEach, describe, expect, it } from 'vitest';
import { SLACK_FIXTURE } from '../fakes/slack/index.js';
import { startSlackWorld, type SlackWorld } from './slack-harness.js';

const { users, channels, teamId } = SLACK_FIXTURE;
const INSULT = 'You are a stupid idiot and everyone here knows it';
const ADMIN_USER_TOKEN = 'xoxp-e2e-admin-user-token';
let w: SlackWorld;

afterEach(async () => {
  await w.close();
});

const textOf = (x: unknown) => JSON.stringify(x ?? null);
const stored = (id: string) => w.core.store.repos.cases.get(id);

async function world(env: Record<string, string> = {}) {
  w = await startSlackWorld(env);
  await w.configure((s) => ({ ...s, channels: { [channels.general.id]: { mode: 'flag', unclearToReview: false } }, reviewChannelId: channels.mods.id, moderatorRoleIds: ['S_MODS'] }));
}

let seq = 0;
async function flagOne(text = INSULT) {
  const before = w.slack.messages(channels.mods.id).filter((m) => !m.thread_ts || m.thread_ts === m.ts).length;
  const message = w.slack.postUserMessage({ channel: channels.general.id, user: users.alice.id, text });
  await w.send.event({ event: { type: 'message', channel: channels.general.id, user: users.alice.id, text, ts: message.ts, channel_type: 'channel' }, eventId: `EvL${++seq}` });
  await w.slack.waitFor(() => w.slack.messages(channels.mods.id).filter((m) => !m.thread_ts || m.thread_ts === m.ts).length > before, { what: 'the case card' });
  const card = w.slack.messages(channels.mods.id).filter((m) => !m.thread_ts || m.thread_ts === m.ts).at(-1)!;
  const caseId = /Case (c_[a-z2-7]{10})/.exec(textOf(card.blocks))?.[1] as string;
  return { card, caseId, message };
}

function press(actionId: string, messageTs: string, userId: string = users.mod.id, channelId: string = channels.mods.id) {
  return w.send.blockAction({ userId, channelId, messageTs, actionId, value: actionId.split(':')[2] });
}

const card = (ts: string) => w.slack.messages(channels.mods.id).find((m) => m.ts === ts);

describe('Slack case lifecycle', () => {
  async function appeal(caseId: string, text: string, userId: string = users.alice.id) {
    const dm = w.slack.dms(users.alice.id)[0]!;
    await press(`ng:appeal:${caseId}`, dm.ts, userId, dm.channel);
    await w.slack.waitFor(() => w.slack.views().some((v) => v.view.callback_id === `ng:appeal-text:${caseId}`), { what: 'the appeal form' });
    const view = w.slack.views().filter((v) => v.view.callback_id === `ng:appeal-text:${caseId}`).at(-1)!.view;
    await w.send.viewSubmission({ userId, callbackId: view.callback_id, view, privateMetadata: view.private_metadata, values: { reason: { value: { type: 'plain_text_input', value: text } } } });
  }

  it('appeal → the card shows it with the model’s rationale in the thread; Accept reverses and tells the author', async () => {
    await world();
    const { card: c, caseId } = await flagOne();
    await press(`ng:uphold:${caseId}`, c.ts);
    await w.slack.waitFor(() => w.slack.dms(users.alice.id).length === 1, { what: 'the notice' });
    await appeal(caseId, 'I was quoting the film we were talking about.');
    await w.slack.waitFor(() => w.slack.thread(channels.mods.id, c.ts).some((m) => m.text === 'Appeal from the author'), { what: 'the appeal in the thread' });
    const posted = w.slack.thread(channels.mods.id, c.ts).find((m) => m.text === 'Appeal from the author')!;
    expect(textOf(posted.blocks)).toContain('The author’s side');
    expect(textOf(posted.blocks)).toContain('The model on why the norm matters');
    await w.slack.waitFor(() => textOf(card(c.ts)?.blocks).includes(`ng:appeal-accept:${caseId}`), { what: 'the accept button' });
    await press(`ng:appeal-accept:${caseId}`, c.ts);
    await w.slack.waitFor(() => w.slack.dms(users.alice.id).some((m) => textOf(m.blocks).includes('Your appeal was accepted')), { what: 'the acceptance' });
    expect((await stored(caseId))?.status).toBe('dismissed');
  });

  it('Deny asks for a reason the author then reads; non-authors cannot appeal', async () => {
    await world();
    const { card: c, caseId } = await flagOne();
    await press(`ng:uphold:${caseId}`, c.ts);
    await w.slack.waitFor(() => w.slack.dms(users.alice.id).length === 1, { what: 'the notice' });
    await appeal(caseId, 'Not mine to appeal', users.bob.id);
    await w.slack.waitFor(() => w.slack.dms(users.bob.id).some((m) => m.text === 'Only the author of the message can appeal this case.'), { what: 'the refusal' });
    expect((await stored(caseId))?.appeal).toBeNull();
    await appeal(caseId, 'It was a joke between friends.');
    await w.slack.waitFor(() => textOf(card(c.ts)?.blocks).includes(`ng:appeal-deny:${caseId}`), { what: 'the deny button' });
    await press(`ng:appeal-deny:${caseId}`, c.ts);
    await w.slack.waitFor(() => w.slack.views().some((v) => v.view.callback_id === `ng:appeal-deny-reason:${caseId}`), { what: 'the deny form' });
    const view = w.slack.views().filter((v) => v.view.callback_id === `ng:appeal-deny-reason:${caseId}`).at(-1)!.view;
    await w.send.viewSubmission({ userId: users.mod.id, callbackId: view.callback_id, view, privateMetadata: view.private_metadata, values: { reason: { value: { type: 'plain_text_input', value: 'Jokes still need respect.' } } } });
    await w.slack.waitFor(() => w.slack.dms(users.alice.id).some((m) => textOf(m.blocks).includes('Their reason: Jokes still need respect.')), { what: 'the denial' });
    expect((await stored(caseId))?.appeal?.status).toBe('denied');
  });

  it('an appeal survives a restart and is decided afterwards', async () => {
    await world();
    const { card: c, caseId } = await flagOne();
    await press(`ng:uphold:${caseId}`, c.ts);
    await w.slack.waitFor(() => w.slack.dms(users.alice.id).length === 1, { what: 'the notice' });
    await appeal(caseId, 'Please reconsider.');
    await w.slack.waitFor(() => textOf(card(c.ts)?.blocks).includes(`ng:appeal-accept:${caseId}`), { what: 'the accept button' });
    await w.restart();
    await press(`ng:appeal-accept:${caseId}`, c.ts);
    await w.slack.waitFor(async () => (await stored(caseId))?.appeal?.status === 'accepted', { what: 'the acceptance after the restart' });
  });

  it('without an admin token: "Ask the author to edit" instead of Delete; with one, Delete deletes and Dismiss reposts for the record', async () => {
    await world();
    let flagged = await flagOne();
    expect(textOf(flagged.card.blocks)).toContain(`ng:ask-edit:${flagged.caseId}`);
    expect(textOf(flagged.card.blocks)).not.toContain(`ng:delete:${flagged.caseId}`);
    await press(`ng:ask-edit:${flagged.caseId}`, flagged.card.ts);
    await w.slack.waitFor(() => w.slack.dms(users.alice.id).length === 1, { what: 'the request to edit' });
    expect(w.slack.dms(users.alice.id)[0]?.text).toMatch(/ask you to edit or remove a message of yours/);
    await w.close();

    await world({ SLACK_ADMIN_USER_TOKEN: ADMIN_USER_TOKEN });
    flagged = await flagOne();
    expect(textOf(flagged.card.blocks)).toContain(`ng:delete:${flagged.caseId}`);
    await press(`ng:delete:${flagged.caseId}`, flagged.card.ts);
    await w.slack.waitForCall('chat.delete');
    expect(w.slack.callsTo('chat.delete')[0]?.token).toBe(ADMIN_USER_TOKEN);
    await w.slack.waitFor(() => !w.slack.messages(channels.general.id).some((m) => m.ts === flagged.message.ts), { what: 'the deletion' });
    await press(`ng:dismiss:${flagged.caseId}`, flagged.card.ts);
    await w.slack.waitFor(() => w.slack.views().some((v) => v.view.callback_id === `ng:dismiss-reason:${flagged.caseId}`), { what: 'the dismiss form' });
    const view = w.slack.views().at(-1)!.view;
    await w.send.viewSubmission({ userId: users.mod.id, callbackId: view.callback_id, view, privateMetadata: view.private_metadata, values: { reason: { value: { type: 'plain_text_input', value: 'film quote' } } } });
    await w.slack.waitFor(() => w.slack.thread(channels.mods.id, flagged.card.ts).some((m) => m.text.includes('*For the record*')), { what: 'the repost' });
    await w.slack.waitFor(() => w.slack.ephemerals(channels.mods.id, users.mod.id).some((e) => e.text.includes('cannot be restored')), { what: 'what could not be undone' });
    expect(w.slack.dms(users.alice.id)).toHaveLength(0);
  });

  it('a member report becomes a case with the note; the reporter hears the outcome in one line', async () => {
    await world();
    const target = w.slack.postUserMessage({ channel: channels.general.id, user: users.alice.id, text: INSULT });
    await w.send.messageShortcut({ callbackId: 'report_message', userId: users.bob.id, channelId: channels.general.id, message: { ts: target.ts, text: INSULT, user: users.alice.id } });
    await w.slack.waitFor(() => w.slack.views().some((v) => v.view.callback_id === 'ng:report'), { what: 'the report form' });
    const view = w.slack.views().at(-1)!.view;
    await w.send.viewSubmission({ userId: users.bob.id, callbackId: 'ng:report', view, privateMetadata: view.private_metadata, values: { note: { value: { type: 'plain_text_input', value: 'Keeps targeting newcomers.' } } } });
    await w.slack.waitFor(() => w.slack.messages(channels.mods.id).some((m) => textOf(m.blocks).includes('member-report')), { what: 'the card' });
    await w.slack.waitFor(() => w.slack.ephemerals(channels.general.id, users.bob.id).some((e) => /your report is with the moderators/.test(e.text)), { what: 'the thanks' });
    const c = w.slack.messages(channels.mods.id).find((m) => textOf(m.blocks).includes('member-report'))!;
    expect(textOf(c.blocks)).toContain('Keeps targeting newcomers.');
    const caseId = /Case (c_[a-z2-7]{10})/.exec(textOf(c.blocks))?.[1] as string;
    await press(`ng:dismiss:${caseId}`, c.ts);
    await w.slack.waitFor(() => w.slack.views().some((v) => v.view.callback_id === `ng:dismiss-reason:${caseId}`), { what: 'the dismiss form' });
    const dv = w.slack.views().at(-1)!.view;
    await w.send.viewSubmission({ userId: users.mod.id, callbackId: dv.callback_id, view: dv, privateMetadata: dv.private_metadata, values: { reason: { value: { type: 'plain_text_input', value: 'banter' } } } });
    await w.slack.waitFor(() => w.slack.dms(users.bob.id).length === 1, { what: 'the reporter notice' });
    expect(w.slack.dms(users.bob.id)[0]?.text).toMatch(/^Thanks for your report about a message in <#C_GENERAL>: the moderators reviewed it and decided no action was needed\.$/);
    expect(w.slack.dms(users.alice.id)).toHaveLength(0);
  });

  it('a burst of flags becomes one digest; moderators open a case from it and pause the channel', async () => {
    await world();
    await w.configure((s) => ({ ...s, cooldowns: { authorMs: 1, channelMs: 1 }, flood: { maxCases: 3, windowMs: 60_000 } }));
    for (let i = 0; i < 12; i++) {
      const text = `${INSULT} #${i}`;
      const m = w.slack.postUserMessage({ channel: channels.general.id, user: i % 2 ? users.alice.id : users.bob.id, text });
      await w.send.event({ event: { type: 'message', channel: channels.general.id, user: m.user, text, ts: m.ts, channel_type: 'channel' }, eventId: `EvF${i}` });
    }
    await w.slack.waitFor(async () => (await w.core.moderation.cases.listByWorkspace(teamId, { limit: 50 })).length === 12, { what: '12 cases' });
    await w.slack.waitFor(() => w.slack.messages(channels.mods.id).some((m) => m.text === 'Flood of cases: 9 in this window'), { what: 'the digest at 9' });
    const digest = w.slack.messages(channels.mods.id).find((m) => m.text.startsWith('Flood of cases'))!;
    const tops = w.slack.messages(channels.mods.id).filter((m) => (!m.thread_ts || m.thread_ts === m.ts) && m.text.startsWith('Case '));
    expect(tops).toHaveLength(3);
    const actions = digest.blocks!.find((b: { type: string }) => b.type === 'actions') as { elements: Array<{ action_id: string; options?: Array<{ value: string }>; value?: string }> };
    const select = actions.elements[0]!;
    await w.send.blockAction({ userId: users.mod.id, channelId: channels.mods.id, messageTs: digest.ts, actionId: select.action_id, actionType: 'static_select', action: { selected_option: { value: select.options![0]!.value } } });
    await w.slack.waitFor(() => w.slack.messages(channels.mods.id).filter((m) => (!m.thread_ts || m.thread_ts === m.ts) && m.text.startsWith('Case ')).length === 4, { what: 'the opened case' });
    const pause = actions.elements[1]!;
    await w.send.blockAction({ userId: users.mod.id, channelId: channels.mods.id, messageTs: digest.ts, actionId: pause.action_id, value: pause.value });
    await w.slack.waitFor(async () => (await w.core.store.repos.settings.get(teamId)).channels[channels.general.id] === undefined, { what: 'the pause' });
  });

  it('/ethics case shows moderators the timeline and refuses members', async () => {
    await world();
    const { card: c, caseId } = await flagOne();
    await press(`ng:uphold:${caseId}`, c.ts);
    await w.slack.waitFor(() => w.slack.dms(users.alice.id).length === 1, { what: 'the notice' });
    const mod = w.slack.newResponseUrl();
    await w.send.slashCommand({ text: `case ${caseId}`, userId: users.mod.id, channelId: channels.mods.id, responseUrl: mod.url });
    const [timeline] = await w.slack.waitForResponse(mod.id);
    expect(textOf(timeline.blocks)).toContain(`*Case ${caseId}* · upheld`);
    expect(textOf(timeline.blocks)).toContain('upheld by <@U_MOD>');
    const member = w.slack.newResponseUrl();
    await w.send.slashCommand({ text: `case ${caseId}`, userId: users.bob.id, channelId: channels.general.id, responseUrl: member.url });
    const [refusal] = await w.slack.waitForResponse(member.id);
    expect(textOf(refusal.blocks)).toContain('Only moderators');
  });
});
