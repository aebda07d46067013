import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SLACK_FIXTURE } from '../fakes/slack/index.js';
import { answerOf, startSlackWorld, type SlackWorld } from './slack-harness.js';

const { users, channels, teamId } = SLACK_FIXTURE;
const INSULT = 'You are a stupid idiot and everyone here knows it';
let w: SlackWorld;
let eventSeq = 0;

beforeEach(async () => {
  w = await startSlackWorld();
  await w.configure((s) => ({ ...s, channels: { [channels.general.id]: { mode: 'flag', unclearToReview: false } }, reviewChannelId: channels.mods.id, moderatorRoleIds: ['S_MODS'] }));
});
afterEach(async () => {
  await w.close();
});

const json = (x: unknown) => JSON.stringify(x ?? null);

/** A member's message as Slack delivers it: `&`, `<`, `>` typed by people arrive entity-escaped. */
async function says(typed: string, user: string = users.alice.id) {
  const escaped = typed.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const message = w.slack.postUserMessage({ channel: channels.general.id, user, text: escaped });
  await w.send.event({ event: { type: 'message', channel: channels.general.id, user, text: escaped, ts: message.ts, channel_type: 'channel' }, eventId: `EvP${++eventSeq}` });
  return message;
}

async function card() {
  await w.slack.waitFor(() => w.slack.messages(channels.mods.id).some((m) => /Case c_/.test(json(m.blocks))), { what: 'the card' });
  const c = w.slack.messages(channels.mods.id).find((m) => /Case c_/.test(json(m.blocks)))!;
  return { card: c, caseId: /Case (c_[a-z2-7]{10})/.exec(json(c.blocks))?.[1] as string };
}

async function slash(text: string, userId: string) {
  const { url, id } = w.slack.newResponseUrl();
  await w.send.slashCommand({ text, userId, channelId: channels.general.id, responseUrl: url });
  const reply = await answerOf(w.slack, id);
  return json(reply);
}

describe('Slack at parity: text, mentions, names, links', () => {
  it('text from Slack is escaped once on the card (no &amp;amp;), and the card names the author instead of pinging them', async () => {
    const typed = await says(`${INSULT} & <3`);
    const { card: c } = await card();
    const blocks = json(c.blocks);
    expect(blocks).toContain('and everyone here knows it &amp; &lt;3');
    expect(blocks).not.toContain('&amp;amp;');
    expect(blocks).not.toContain(`<@${users.alice.id}>`);
    expect(blocks).toContain('*alice*');
    // The link is Slack's own permalink for the message.
    expect(blocks).toContain(`"url":"https://normguard-test.slack.com/archives/${channels.general.id}/p${typed.ts.replace('.', '')}"`);
  });

  it('"Ask the author to edit" never turns a mention inside the quoted message into a ping', async () => {
    await says(`${INSULT}, right <@${users.bob.id}>?`);
    const { card: c, caseId } = await card();
    await w.send.blockAction({ userId: users.mod.id, channelId: channels.mods.id, messageTs: c.ts, actionId: `ng:ask-edit:${caseId}`, value: caseId });
    await w.slack.waitFor(() => w.slack.dms(users.alice.id).length === 1, { what: 'the DM' });
    const dm = w.slack.dms(users.alice.id)[0]!.text;
    expect(dm).toMatch(/ask you to edit or remove a message of yours/);
    expect(dm).toContain(`<#${channels.general.id}>`);
    expect(dm).not.toContain(`<@${users.bob.id}>`);
  });

  it('/ethics case shows Slack dates, not Discord timestamp tokens', async () => {
    await says(INSULT);
    const { caseId } = await card();
    const reply = await slash(`case ${caseId}`, users.mod.id);
    expect(reply).toContain('<!date^');
    expect(reply).not.toContain('<t:');
  });
});

describe('Slack at parity: settings', () => {
  it('/ethics config <text> is parsed and applied, and the summary speaks Slack', async () => {
    const reply = await slash(`config channel: <#${channels.random.id}|random> mode: coach unclear_to_review: yes min_score: 85 appeal_days: 3 flood_max_cases: 20 exempt_user: <@${users.bob.id}|bob>`, users.admin.id);
    const s = await w.core.store.repos.settings.get(teamId);
    expect(s.channels[channels.random.id]).toEqual({ mode: 'coach', unclearToReview: true, minScore: 0.85 });
    expect(s).toMatchObject({ appealTtlMs: 3 * 24 * 3_600_000, flood: { maxCases: 20 }, exemptUserIds: [users.bob.id] });
    expect(reply).toContain('Moderator user groups');
    expect(reply).toContain('(score ≥ 85%)');
    expect(reply).not.toContain('Manage Messages');
    expect(await slash(`config channel: <#${channels.random.id}|random> mode: off`, users.alice.id)).toMatch(/Only workspace admins/);
  });

  it('the form shows and keeps each channel’s own mode and unclear_to_review', async () => {
    await w.configure((s) => ({ ...s, channels: { [channels.general.id]: { mode: 'coach', unclearToReview: true, minScore: 0.9 }, [channels.random.id]: { mode: 'shadow', unclearToReview: false } } }));
    const { url } = w.slack.newResponseUrl();
    await w.send.slashCommand({ text: 'config', userId: users.admin.id, channelId: channels.general.id, responseUrl: url });
    await w.slack.waitForCall('views.open');
    const view = w.slack.views().at(-1)!.view;
    const modes = Object.fromEntries(view.blocks.filter((b: { block_id: string }) => b.block_id.startsWith('mode:')).map((b: { block_id: string; element: { initial_option: { value: string } } }) => [b.block_id, b.element.initial_option.value]));
    expect(modes).toEqual({ [`mode:${channels.general.id}`]: 'coach', [`mode:${channels.random.id}`]: 'shadow' });
    expect(view.blocks.find((b: { block_id: string }) => b.block_id === `min_score:${channels.general.id}`)?.element.initial_value).toBe('90');
    // Submitted as shown, with random switched to flag.
    const values = {
      channels: { value: { type: 'multi_conversations_select', selected_conversations: [channels.general.id, channels.random.id] } },
      [`mode:${channels.general.id}`]: { value: { type: 'static_select', selected_option: { value: 'coach' } } },
      [`mode:${channels.random.id}`]: { value: { type: 'static_select', selected_option: { value: 'flag' } } },
      [`min_score:${channels.general.id}`]: { value: { type: 'number_input', value: '90' } },
      [`min_score:${channels.random.id}`]: { value: { type: 'number_input', value: '75' } },
      unclear_to_review: { value: { type: 'multi_conversations_select', selected_conversations: [channels.general.id] } },
      appeal_days: { value: { type: 'number_input', value: '5' } },
    };
    await w.send.viewSubmission({ userId: users.admin.id, callbackId: 'ng:config', view, privateMetadata: view.private_metadata, values });
    await w.slack.waitFor(() => w.slack.ephemerals(channels.general.id, users.admin.id).some((e) => /normguard settings/.test(e.text)), { what: 'the saved form' });
    const s = await w.core.store.repos.settings.get(teamId);
    expect(s.channels).toEqual({ [channels.general.id]: { mode: 'coach', unclearToReview: true, minScore: 0.9 }, [channels.random.id]: { mode: 'flag', unclearToReview: false, minScore: 0.75 } });
    expect(s.appealTtlMs).toBe(5 * 24 * 3_600_000);
  });

  it('a non-admin’s settings submission is answered in the form, and nothing is saved', async () => {
    const before = await w.core.store.repos.settings.get(teamId);
    const res = await w.send.viewSubmission({ userId: users.alice.id, callbackId: 'ng:config', view: {}, privateMetadata: JSON.stringify({ teamId }), values: {} });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ response_action: 'errors', errors: { channels: expect.stringMatching(/Only workspace admins/) } });
    expect(await w.core.store.repos.settings.get(teamId)).toEqual(before);
  });
});

describe('Slack: every interaction answered, failures said', () => {
  it('a user-group lookup that fails is an error the moderator hears, not a silent demotion', async () => {
    await says(INSULT);
    const { caseId } = await card();
    w.slack.failNext('usergroups.users.list', 'ratelimited');
    const reply = await slash(`case ${caseId}`, users.mod.id);
    expect(reply).toMatch(/ratelimited/);
    expect(reply).not.toMatch(/Only moderators/);
    expect(await slash(`case ${caseId}`, users.mod.id)).toContain(`Case ${caseId}`);
  });

  it('an unknown form and an unknown shortcut are answered', async () => {
    await w.send.viewSubmission({ userId: users.bob.id, callbackId: 'ng:from-an-old-version', view: {}, privateMetadata: JSON.stringify({ channelId: channels.general.id }), values: {} });
    await w.send.messageShortcut({ callbackId: 'gone_shortcut', userId: users.bob.id, channelId: channels.general.id, message: { ts: '1.000001', text: 'x', user: users.alice.id } });
    await w.slack.waitFor(() => w.slack.ephemerals(channels.general.id, users.bob.id).filter((e) => /no longer in use/.test(e.text)).length === 2, { what: 'both answers' });
  });

  it('a reported message of 4,000 characters opens a case with all of it', async () => {
    const long = `${INSULT}. ${'And I will keep saying it, louder every day. '.repeat(90)}`.slice(0, 4000);
    const target = w.slack.postUserMessage({ channel: channels.random.id, user: users.alice.id, text: long });
    await w.send.messageShortcut({ callbackId: 'report_message', userId: users.bob.id, channelId: channels.random.id, message: { ts: target.ts, text: long, user: users.alice.id } });
    await w.slack.waitFor(() => w.slack.views().some((v) => v.view.callback_id === 'ng:report'), { what: 'the report form' });
    const view = w.slack.views().at(-1)!.view;
    expect(view.private_metadata.length).toBeLessThan(200);
    await w.send.viewSubmission({ userId: users.bob.id, callbackId: 'ng:report', view, privateMetadata: view.private_metadata, values: { note: { value: { type: 'plain_text_input', value: 'again' } } } });
    await w.slack.waitFor(() => w.slack.ephemerals(channels.random.id, users.bob.id).some((e) => /your report is with the moderators/.test(e.text)), { what: 'the thanks' });
    const [c] = await w.core.store.repos.cases.listByAuthor(teamId, users.alice.id, { limit: 5 });
    expect(c?.messageText).toBe(long);
  });
});
