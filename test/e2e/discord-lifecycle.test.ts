import { PermissionFlagsBits } from 'discord.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FIXTURE, type FakeMessage } from '../fakes/discord/index.js';
import { startDiscordWorld, type DiscordWorld } from './discord-harness.js';

const { channels, users, guildId } = FIXTURE;
const MOD = PermissionFlagsBits.ManageMessages | PermissionFlagsBits.ManageGuild | PermissionFlagsBits.ModerateMembers;
const INSULT = 'You are a stupid idiot and everyone here knows it';
let w: DiscordWorld;

beforeEach(async () => {
  w = await startDiscordWorld({}, {});
});
afterEach(async () => {
  await w.close();
});

const json = (x: unknown) => JSON.stringify(x ?? null);
const stored = (id: string) => w.core.store.repos.cases.get(id);

async function monitorGeneral() {
  await w.configure((s) => ({ ...s, channels: { [channels.general]: { mode: 'flag', unclearToReview: false } }, reviewChannelId: channels.mods }));
}

async function flagOne(content = INSULT): Promise<{ card: FakeMessage; caseId: string; original: FakeMessage }> {
  await monitorGeneral();
  const before = w.discord.restTo('POST', `/channels/${channels.mods}/messages`).length;
  const original = await w.discord.postMessage({ channelId: channels.general, authorId: users.alice, content });
  await w.discord.waitForRest('POST', `/channels/${channels.mods}/messages`, { count: before + 1 });
  const card = w.discord.channelMessages(channels.mods).at(-1) as FakeMessage;
  const caseId = /Case (c_[a-z2-7]{10})/.exec(json(card.embeds))?.[1] as string;
  await w.discord.waitForRest('POST', /\/channels\/\d+\/messages\/\d+\/threads/);
  return { card, caseId, original };
}

async function press(customId: string, cardId: string, userId: string = users.mod, permissions: bigint = MOD) {
  const { id } = await w.discord.clickButton({ channelId: channels.mods, messageId: cardId, userId, customId, permissions });
  return { id, reply: await w.discord.waitForInteractionReply(id) };
}

async function settle(check: () => boolean | Promise<boolean>, what: string) {
  for (let i = 0; i < 500; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

function labels(m: FakeMessage | undefined): string[] {
  return (m?.components ?? []).flatMap((row: { components: Array<{ label: string }> }) => row.components.map((b) => b.label));
}

describe('Discord case lifecycle', () => {
  it('Delete message and Timeout act on Discord, are recorded, and Dismiss undoes them', async () => {
    const { card, caseId, original } = await flagOne();
    await press(`ng:delete:${caseId}`, card.id);
    await settle(() => w.discord.deletedMessages(channels.general).some((m) => m.id === original.id), 'the delete');
    await press(`ng:timeout-1h:${caseId}`, card.id);
    await settle(() => w.discord.memberTimeouts().some((t) => t.userId === users.alice && t.until !== null), 'the timeout');
    // Recorded on the case right after Discord confirms it.
    await settle(async () => (await stored(caseId))?.history.filter((h) => h.action === 'enforced').length === 2, 'both recorded');
    let c = await stored(caseId);
    expect(c?.enforcement.messageDeleted).toBe(true);
    expect(c?.history.filter((h) => h.action === 'enforced').map((h) => h.reason)).toEqual([
      `Message deleted (by <@${users.mod}>)`,
      expect.stringMatching(new RegExp(`^Author timed out until <t:\\d+:f> \\(by <@${users.mod}>\\)$`)),
    ]);
    expect(labels(w.discord.message(channels.mods, card.id))).not.toContain('Delete message');

    await press(`ng:dismiss:${caseId}`, card.id);
    const submit = await w.discord.submitModal({ channelId: channels.mods, userId: users.mod, customId: `ng:dismiss-reason:${caseId}`, messageId: card.id, fields: { text: 'It was a quote from a film' }, permissions: MOD });
    await w.discord.waitForInteractionReply(submit.id);
    await settle(() => w.discord.memberTimeouts().some((t) => t.userId === users.alice && t.until === null), 'the timeout removal');
    const [thread] = w.discord.threads();
    await settle(() => w.discord.channelMessages(thread!.id).some((m) => m.content.startsWith('🗂️ **For the record**')), 'the repost');
    await settle(async () => (await stored(caseId))?.history.filter((h) => h.action === 'undone').length === 2, 'both undone and recorded');
    c = await stored(caseId);
    expect(c?.status).toBe('dismissed');
    expect(c?.history.filter((h) => h.action === 'undone').map((h) => h.reason)).toEqual(['Timeout removed', 'Deleted message reposted in the thread for the record']);
    // The moderator is told what could not be undone.
    const followups = () => w.discord.interaction(submit.id).followups.map((f: { content: string }) => f.content).join('\n');
    await settle(() => followups().includes('cannot be restored on Discord'), 'the note to the moderator');
    // A silent dismiss tells the author nothing.
    expect(w.discord.dms(users.alice)).toHaveLength(0);
  });

  async function appeal(caseId: string, text: string, userId: string = users.alice) {
    const dmChannel = w.discord.dmChannel(users.alice);
    const dm = w.discord.dms(users.alice)[0]!;
    const click = await w.discord.clickButton({ channelId: dmChannel, messageId: dm.id, userId, customId: `ng:appeal:${caseId}` });
    const modal = await w.discord.waitForInteractionReply(click.id);
    expect(modal.custom_id).toBe(`ng:appeal-text:${caseId}`);
    const submit = await w.discord.submitModal({ channelId: dmChannel, userId, customId: `ng:appeal-text:${caseId}`, fields: { text } });
    return w.discord.waitForInteractionReply(submit.id, { final: true });
  }

  it('an appeal reopens the card with the author’s side and the model’s rationale; Accept reverses the outcome and its actions', async () => {
    const { card, caseId } = await flagOne();
    await press(`ng:timeout-10m:${caseId}`, card.id);
    await press(`ng:uphold:${caseId}`, card.id);
    await settle(() => w.discord.dms(users.alice).length === 1, 'the notice');
    const ack = await appeal(caseId, 'I was quoting a line from the film we were discussing.');
    expect(ack.content).toMatch(/Your appeal is with the moderators/);
    const [thread] = w.discord.threads();
    await settle(() => w.discord.channelMessages(thread!.id).some((m) => m.embeds[0]?.title === 'Appeal from the author'), 'the appeal in the thread');
    const posted = w.discord.channelMessages(thread!.id).find((m) => m.embeds[0]?.title === 'Appeal from the author')!;
    expect(posted.embeds[0].fields.map((f: { name: string }) => f.name)).toEqual(['The author’s side', 'The model on why the norm matters']);
    await settle(() => labels(w.discord.message(channels.mods, card.id)).includes('Accept appeal'), 'the appeal buttons');
    expect(json(w.discord.message(channels.mods, card.id)?.embeds)).toContain('Appeal (open');

    await press(`ng:appeal-accept:${caseId}`, card.id);
    await settle(() => w.discord.dms(users.alice).length === 2, 'the acceptance notice');
    expect(w.discord.dms(users.alice)[1]?.embeds[0].title).toBe('Your appeal was accepted');
    const c = await stored(caseId);
    expect(c?.status).toBe('dismissed');
    expect(c?.appeal).toMatchObject({ status: 'accepted', decidedBy: users.mod });
    expect(w.discord.memberTimeouts().at(-1)).toMatchObject({ userId: users.alice, until: null });
    // One open appeal per case.
    const again = await appeal(caseId, 'again');
    expect(again.content).toMatch(/Only an upheld case can be appealed|already appealed/);
  });

  it('Deny asks for a reason that the author sees', async () => {
    const { card, caseId } = await flagOne();
    await press(`ng:uphold:${caseId}`, card.id);
    await settle(() => w.discord.dms(users.alice).length === 1, 'the notice');
    await appeal(caseId, 'It was a joke between friends.');
    await settle(() => labels(w.discord.message(channels.mods, card.id)).includes('Deny appeal'), 'the appeal buttons');
    const { reply } = await press(`ng:appeal-deny:${caseId}`, card.id);
    expect(reply.custom_id).toBe(`ng:appeal-deny-reason:${caseId}`);
    const submit = await w.discord.submitModal({ channelId: channels.mods, userId: users.mod, customId: `ng:appeal-deny-reason:${caseId}`, messageId: card.id, fields: { text: 'Jokes still need to respect people here.' }, permissions: MOD });
    await w.discord.waitForInteractionReply(submit.id);
    await settle(() => w.discord.dms(users.alice).length === 2, 'the denial');
    const denial = w.discord.dms(users.alice)[1]!;
    expect(denial.embeds[0].title).toBe('Your appeal was not accepted');
    expect(denial.embeds[0].description).toContain('Their reason: Jokes still need to respect people here.');
    expect(json(denial)).not.toContain(users.mod);
    expect((await stored(caseId))?.status).toBe('upheld');
  });

  it('only the author can appeal, and only moderators can decide an appeal', async () => {
    const { card, caseId } = await flagOne();
    await press(`ng:uphold:${caseId}`, card.id);
    await settle(() => w.discord.dms(users.alice).length === 1, 'the notice');
    const dmChannel = w.discord.dmChannel(users.alice);
    const submit = await w.discord.submitModal({ channelId: dmChannel, userId: users.bob, customId: `ng:appeal-text:${caseId}`, fields: { text: 'let me in' }, force: true });
    expect((await w.discord.waitForInteractionReply(submit.id, { final: true })).content).toBe('Only the author of the message can appeal this case.');
    await appeal(caseId, 'Please reconsider.');
    await settle(() => labels(w.discord.message(channels.mods, card.id)).includes('Accept appeal'), 'the appeal buttons');
    const { reply } = await press(`ng:appeal-accept:${caseId}`, card.id, users.bob, 0n);
    expect(reply.content).toBe('Only moderators can act on review cases.');
    expect((await stored(caseId))?.appeal?.status).toBe('open');
  });

  it('an appeal survives a restart and can be decided afterwards; an appeal past its deadline times out', async () => {
    const { card, caseId } = await flagOne();
    await press(`ng:uphold:${caseId}`, card.id);
    await settle(() => w.discord.dms(users.alice).length === 1, 'the notice');
    await appeal(caseId, 'Context matters here.');
    await settle(() => labels(w.discord.message(channels.mods, card.id)).includes('Accept appeal'), 'the appeal buttons');
    await w.restart();
    await press(`ng:appeal-deny:${caseId}`, card.id);
    const submit = await w.discord.submitModal({ channelId: channels.mods, userId: users.mod, customId: `ng:appeal-deny-reason:${caseId}`, messageId: card.id, fields: { text: 'No.' }, permissions: MOD });
    await w.discord.waitForInteractionReply(submit.id);
    expect((await stored(caseId))?.appeal?.status).toBe('denied');

    // A second case whose appeal deadline has passed: the sweeper times it out and tells the author.
    await w.configure((s) => ({ ...s, appealTtlMs: 1, cooldowns: { authorMs: 1, channelMs: 1 } }));
    const second = await flagOne(`${INSULT}, and I mean it`);
    await press(`ng:uphold:${second.caseId}`, second.card.id);
    await settle(() => w.discord.dms(users.alice).length === 3, 'the second notice');
    const dmChannel = w.discord.dmChannel(users.alice);
    const dm = w.discord.dms(users.alice).at(-1)!;
    const click = await w.discord.clickButton({ channelId: dmChannel, messageId: dm.id, userId: users.alice, customId: `ng:appeal:${second.caseId}` });
    await w.discord.waitForInteractionReply(click.id);
    const sub = await w.discord.submitModal({ channelId: dmChannel, userId: users.alice, customId: `ng:appeal-text:${second.caseId}`, fields: { text: 'late' } });
    await w.discord.waitForInteractionReply(sub.id, { final: true });
    const expired = await w.core.moderation.cases.expiredAppeals(guildId, Date.now() + 10);
    expect(expired.map((c) => c.id)).toEqual([second.caseId]);
    expect(await w.adapter.flow.expireAppeals(guildId, Date.now() + 10)).toBe(1);
    expect(w.discord.dms(users.alice).at(-1)?.embeds[0].title).toBe('Your appeal timed out');
  });

  it('a member report opens a case with the note and the audit; the reporter hears the outcome in one line', async () => {
    await w.configure((s) => ({ ...s, reviewChannelId: channels.mods }));
    const target = await w.discord.postMessage({ channelId: channels.general, authorId: users.alice, content: INSULT });
    const menu = await w.discord.contextMenu({ channelId: channels.general, userId: users.bob, name: 'Report to moderators', targetMessageId: target.id });
    const modal = await w.discord.waitForInteractionReply(menu.id);
    const submit = await w.discord.submitModal({ channelId: channels.general, userId: users.bob, customId: modal.custom_id, fields: { note: 'This keeps happening to new members.' } });
    const ack = await w.discord.waitForInteractionReply(submit.id, { final: true });
    expect(ack.content).toMatch(/your report is with the moderators/);
    await w.discord.waitForRest('POST', `/channels/${channels.mods}/messages`);
    const card = w.discord.channelMessages(channels.mods)[0]!;
    expect(json(card.embeds)).toContain('This keeps happening to new members.');
    expect(json(card.embeds)).toContain('member-report');
    const caseId = /Case (c_[a-z2-7]{10})/.exec(json(card.embeds))?.[1] as string;
    await press(`ng:uphold:${caseId}`, card.id);
    await settle(() => w.discord.dms(users.bob).length === 1, 'the reporter notice');
    expect(w.discord.dms(users.bob)[0]?.content).toMatch(/^Thanks for your report about a message in <#\d+>: the moderators reviewed it and took action\.$/);
  });

  it('reports are rate-limited per member and refused from blocked reporters', async () => {
    await w.configure((s) => ({ ...s, reviewChannelId: channels.mods, reportsPerHour: 1, blockedReporterIds: [users.owner] }));
    const report = async (userId: string) => {
      const target = await w.discord.postMessage({ channelId: channels.general, authorId: users.alice, content: `${INSULT} ${Math.random()}` });
      const menu = await w.discord.contextMenu({ channelId: channels.general, userId, name: 'Report to moderators', targetMessageId: target.id });
      const modal = await w.discord.waitForInteractionReply(menu.id);
      const submit = await w.discord.submitModal({ channelId: channels.general, userId, customId: modal.custom_id, fields: { note: '' } });
      return (await w.discord.waitForInteractionReply(submit.id, { final: true })).content as string;
    };
    expect(await report(users.bob)).toMatch(/with the moderators/);
    expect(await report(users.bob)).toMatch(/You can send 1 reports an hour/);
    expect(await report(users.owner)).toBe('Your reports are not accepted in this community.');
  });

  it('a burst of 50 flags in a minute becomes one digest card; moderators can open a case and pause the channel', async () => {
    await w.configure((s) => ({ ...s, channels: { [channels.general]: { mode: 'flag', unclearToReview: false } }, reviewChannelId: channels.mods, cooldowns: { authorMs: 1, channelMs: 1 }, flood: { maxCases: 5, windowMs: 60_000 } }));
    for (let i = 0; i < 50; i++) await w.discord.postMessage({ channelId: channels.general, authorId: i % 2 ? users.alice : users.bob, content: `${INSULT} #${i}` });
    await settle(async () => (await w.core.moderation.cases.listByWorkspace(guildId, { limit: 100 })).length === 50, '50 cases');
    const cards = () => w.discord.channelMessages(channels.mods);
    await settle(() => cards().filter((m) => (m.embeds[0]?.title ?? '').startsWith('⚠️ Flood')).length === 1 && json(cards()).includes('45 in this window'), 'the digest');
    expect(cards().filter((m) => (m.embeds[0]?.title ?? '').includes('Case c_'))).toHaveLength(5);
    const digest = cards().find((m) => (m.embeds[0]?.title ?? '').startsWith('⚠️ Flood'))!;
    const menu = digest.components[0].components[0];
    expect(menu.options).toHaveLength(25);
    const open = await w.discord.clickButton({ channelId: channels.mods, messageId: digest.id, userId: users.mod, customId: menu.custom_id, componentType: 3, values: [menu.options[0].value], permissions: MOD });
    const opened = await w.discord.waitForInteractionReply(open.id, { final: true });
    expect(opened.content).toMatch(/^Opened c_/);
    expect(cards().filter((m) => (m.embeds[0]?.title ?? '').includes('Case c_'))).toHaveLength(6);
    const pause = digest.components[1].components[0];
    const paused = await w.discord.clickButton({ channelId: channels.mods, messageId: digest.id, userId: users.mod, customId: pause.custom_id, permissions: MOD });
    expect((await w.discord.waitForInteractionReply(paused.id)).content).toMatch(/Monitoring paused in <#\d+>/);
    expect((await w.core.store.repos.settings.get(guildId)).channels[channels.general]).toBeUndefined();
  });

  it('/ethics config sets the lifecycle: author notices, appeal window, flood rate, blocked reporters', async () => {
    const { id } = await w.discord.slashCommand({
      channelId: channels.mods,
      userId: users.mod,
      subcommand: 'config',
      options: { notify_authors: false, appeal_days: 3, flood_max_cases: 20, block_reporter: { type: 6, value: users.bob } },
      permissions: MOD,
    });
    const reply = (await w.discord.waitForInteractionReply(id, { final: true })).content as string;
    expect(reply).toContain('Author notices: off; appeals time out after 3 days');
    expect(reply).toContain('Flood digest beyond 20 cases');
    expect(reply).toContain(`Blocked reporters: <@${users.bob}>`);
    const s = await w.core.store.repos.settings.get(guildId);
    expect(s).toMatchObject({ notifyAuthors: false, appealTtlMs: 3 * 24 * 3_600_000, flood: { maxCases: 20 }, blockedReporterIds: [users.bob] });
    // With notices off, an upheld case tells the author nothing.
    const { card, caseId } = await flagOne();
    await press(`ng:uphold:${caseId}`, card.id);
    await settle(async () => (await stored(caseId))?.status === 'upheld', 'the decision');
    await new Promise((r) => setTimeout(r, 200));
    expect(w.discord.dms(users.alice)).toHaveLength(0);
  });

  it('/ethics forget removes a member’s stored text (admins only), keeping verdicts for the stats', async () => {
    await w.discord.postMessage({ channelId: channels.general, authorId: users.alice, content: 'Did anyone see the match yesterday evening?' });
    const { caseId } = await flagOne();
    const refused = await w.discord.slashCommand({ channelId: channels.mods, userId: users.bob, subcommand: 'forget', options: { user: { type: 6, value: users.alice } }, permissions: 0n });
    expect((await w.discord.waitForInteractionReply(refused.id, { final: true })).content).toMatch(/Only server admins/);
    expect((await stored(caseId))?.messageText).toBe(INSULT);
    const done = await w.discord.slashCommand({ channelId: channels.mods, userId: users.mod, subcommand: 'forget', options: { user: { type: 6, value: users.alice } }, permissions: MOD });
    expect((await w.discord.waitForInteractionReply(done.id, { final: true })).content).toMatch(/^Done: normguard removed <@\d+>’s stored text from 1 case and 2 recent messages in memory\./);
    const c = await stored(caseId);
    expect(c?.messageText).toBe('[removed at the member’s request]');
    expect(c?.context).toBe('Alice: [removed at the member’s request]');
    expect(c?.assessment.text).toBe('');
    expect(c?.assessment.verdict).toBe('impermissible');
    expect(JSON.stringify(c)).not.toContain('stupid idiot');
  });

  it('/ethics case shows a moderator the whole timeline, and refuses others', async () => {
    const { card, caseId } = await flagOne();
    await press(`ng:uphold:${caseId}`, card.id);
    await settle(() => w.discord.dms(users.alice).length === 1, 'the notice');
    const asMod = await w.discord.slashCommand({ channelId: channels.mods, userId: users.mod, subcommand: 'case', options: { id: caseId }, permissions: MOD });
    const timeline = (await w.discord.waitForInteractionReply(asMod.id, { final: true })).content as string;
    expect(timeline).toMatch(new RegExp(`^\\*\\*Case ${caseId}\\*\\* · upheld`));
    expect(timeline).toMatch(/opened by normguard/);
    expect(timeline).toMatch(new RegExp(`upheld by <@${users.mod}>`));
    expect(timeline).toMatch(/notified by normguard: Author notified \(upheld\)/);
    const asMember = await w.discord.slashCommand({ channelId: channels.general, userId: users.bob, subcommand: 'case', options: { id: caseId } });
    expect((await w.discord.waitForInteractionReply(asMember.id, { final: true })).content).toMatch(/Only moderators/);
  });
});
