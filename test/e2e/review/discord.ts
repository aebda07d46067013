import { FIXTURE, type FakeMessage } from '../../fakes/discord/index.js';
import { startDiscordWorld } from '../discord-harness.js';
import { INSULT, json, until, type FormId, type ReviewWorld } from './world.js';

const { channels, users, guildId } = FIXTURE;

/** The shared review scenarios over discord.js and the fake Discord. */
export async function discordReviewWorld(): Promise<ReviewWorld> {
  const w = await startDiscordWorld();
  const asked = new Map<string, string[]>();
  const track = (userId: string, id: string) => asked.set(userId, [...(asked.get(userId) ?? []), id]);
  const cardOf = (caseId: string): FakeMessage | undefined => w.discord.channelMessages(channels.mods).find((m) => json(m.embeds).includes(`Case ${caseId}`));
  // A stale button still sits on some message: one is posted to click on when no card is found.
  const host = async (caseId: string) => cardOf(caseId)?.id ?? (await w.discord.postMessage({ channelId: channels.mods, authorId: users.owner, content: 'an old card' })).id;
  const answered = async (id: string) => {
    await w.discord.waitForInteractionReply(id, { final: true });
  };
  const world: ReviewWorld = {
    platform: 'discord',
    workspace: guildId,
    sim: w.sim,
    get core() {
      return w.core;
    },
    get flow() {
      return w.adapter.flow;
    },
    people: { author: users.alice, member: users.bob, mod: users.mod, mod2: users.owner },
    monitor: () => w.configure((s) => ({ ...s, channels: { [channels.general]: { mode: 'flag', unclearToReview: false } }, reviewChannelId: channels.mods })),
    say: async (text) => {
      await w.discord.postMessage({ channelId: channels.general, authorId: users.alice, content: text });
    },
    flag: async (text = INSULT) => {
      const before = w.discord.restTo('POST', /\/threads$/).length;
      await w.discord.postMessage({ channelId: channels.general, authorId: users.alice, content: text });
      await w.discord.waitForRest('POST', /\/channels\/\d+\/messages\/\d+\/threads/, { count: before + 1 });
      const card = w.discord.channelMessages(channels.mods).at(-1) as FakeMessage;
      return /Case (c_[a-z2-7]{10})/.exec(json(card.embeds))?.[1] as string;
    },
    press: async (caseId, action, userId) => {
      const { id } = await w.discord.clickButton({ channelId: channels.mods, messageId: await host(caseId), userId, customId: `ng:${action}:${caseId}`, force: true });
      track(userId, id);
      await answered(id);
    },
    pressUnknown: async (customId, userId) => {
      const { id } = await w.discord.clickButton({ channelId: channels.mods, messageId: await host(''), userId, customId, force: true });
      track(userId, id);
      await answered(id);
    },
    submit: async (form: FormId, caseId, userId, text) => {
      const card = cardOf(caseId);
      const { id } = await w.discord.submitModal({ channelId: channels.mods, userId, customId: `ng:${form}:${caseId}`, ...(card ? { messageId: card.id } : {}), fields: { text } });
      track(userId, id);
      await answered(id);
    },
    appeal: async (caseId, text) => {
      const dmChannel = w.discord.dmChannel(users.alice);
      const notice = w.discord.dms(users.alice).at(-1) as FakeMessage;
      const click = await w.discord.clickButton({ channelId: dmChannel, messageId: notice.id, userId: users.alice, customId: `ng:appeal:${caseId}` });
      await w.discord.waitForInteractionReply(click.id);
      const submit = await w.discord.submitModal({ channelId: dmChannel, userId: users.alice, customId: `ng:appeal-text:${caseId}`, fields: { text } });
      await answered(submit.id);
    },
    report: async (reporterId, text, note) => {
      const target = await w.discord.postMessage({ channelId: channels.random, authorId: users.alice, content: text });
      const menu = await w.discord.contextMenu({ channelId: channels.random, userId: reporterId, name: 'Report to moderators', targetMessageId: target.id });
      const modal = await w.discord.waitForInteractionReply(menu.id);
      const submit = await w.discord.submitModal({ channelId: channels.random, userId: reporterId, customId: modal.custom_id, fields: { note } });
      track(reporterId, submit.id);
      await answered(submit.id);
    },
    card: (caseId) => {
      const card = cardOf(caseId);
      return card ? json({ embeds: card.embeds, components: card.components }) : '';
    },
    thread: (caseId) => {
      const card = cardOf(caseId);
      const thread = w.discord.threads().find((t) => t.messageId === card?.id);
      return thread ? w.discord.channelMessages(thread.id).map((m) => `${m.content} ${json(m.embeds)}`) : [];
    },
    privately: (userId) =>
      (asked.get(userId) ?? []).flatMap((id) => {
        const view = w.discord.interaction(id);
        return [...view.callbacks.map((c) => json(c.data)), ...(view.original ? [json(view.original)] : []), ...view.followups.map((f) => json(f))];
      }),
    dms: (userId) => w.discord.dms(userId).map((m) => json({ content: m.content, embeds: m.embeds, components: m.components })),
    failNextDm: (userId) => {
      w.discord.failRest('POST', `/channels/${w.discord.dmChannel(userId)}/messages`, { status: 403, body: { code: 50007, message: 'Cannot send messages to this user' } });
    },
    failNextCardPost: () => {
      w.discord.failRest('POST', `/channels/${channels.mods}/messages`, { status: 403, body: { code: 50013, message: 'Missing Permissions' } });
    },
    restart: () => w.restart(),
    close: () => w.close(),
  };
  return world;
}
