import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FIXTURE } from '../fakes/discord/index.js';
import { startDiscordWorld, type DiscordWorld } from './discord-harness.js';

const { channels, users, guildId } = FIXTURE;
const INSULT = 'You are a stupid idiot and everyone here knows it';
let w: DiscordWorld;

beforeEach(async () => {
  w = await startDiscordWorld();
  await w.configure((s) => ({ ...s, channels: { [channels.general]: { mode: 'shadow', unclearToReview: false } }, reviewChannelId: channels.mods }));
});
afterEach(async () => {
  await w.close();
});

async function until(check: () => boolean | Promise<boolean>, what: string) {
  for (let i = 0; i < 500; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const audits = async () => (await w.core.moderation.activity.counters(guildId, 0)).audited;

describe('Discord gateway faults', () => {
  it('the gateway closes, the client resumes, messages sent meanwhile are audited exactly once', async () => {
    await w.discord.postMessage({ channelId: channels.general, authorId: users.alice, content: `${INSULT} (before)` });
    await until(async () => (await audits()) === 1, 'the first audit');
    w.discord.disconnect(4000);
    await until(() => w.discord.connectedCount() === 0, 'the disconnect');
    for (let i = 0; i < 3; i++) await w.discord.postMessage({ channelId: channels.general, authorId: users.bob, content: `${INSULT} (during ${i})` });
    await until(() => w.discord.resumeCount() === 1 && w.discord.connectedCount() === 1, 'the resume');
    await until(async () => (await audits()) === 4, 'the replayed audits');
    await new Promise((r) => setTimeout(r, 300));
    expect(await audits()).toBe(4);
    expect(w.discord.identifyCount()).toBe(1);
    expect(w.sim.requestsTo('/v1/chat/completions')).toHaveLength(4);
  });

  it('the same MESSAGE_CREATE delivered twice is audited once', async () => {
    const id = '1574999999999999999';
    await w.discord.postMessage({ channelId: channels.general, authorId: users.alice, content: INSULT, id });
    await until(async () => (await audits()) === 1, 'the audit');
    await w.discord.postMessage({ channelId: channels.general, authorId: users.alice, content: INSULT, id }).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 300));
    expect(await audits()).toBe(1);
    expect(w.sim.requestsTo('/v1/chat/completions')).toHaveLength(1);
  });
});
