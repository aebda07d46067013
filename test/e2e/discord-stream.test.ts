import { afterEach, describe, expect, it } from 'vitest';
import { DISCORD_STREAM } from '../../adapters/discord/limits.js';
import { FIXTURE } from '../fakes/discord/index.js';
import { startDiscordWorld, type DiscordWorld } from './discord-harness.js';

// Answers that stream: the real discord.js client edits its deferred reply while the simulator
// writes the prose at a GPU-like pace, then the final card replaces the draft.
const { channels, users } = FIXTURE;
let w: DiscordWorld;
afterEach(async () => {
  await w.close();
});

type Edit = { content?: string; embeds?: Array<{ author?: { name?: string }; description?: string; fields?: unknown[] }>; at: number };

function editsOf(interactionId: string): Edit[] {
  const token = w.discord.rest.find((r) => r.path.startsWith(`/interactions/${interactionId}/`))?.path.split('/')[3];
  return w.discord.restTo('PATCH', `/webhooks/${FIXTURE.applicationId}/${token}/messages/@original`).map((r) => ({ ...(r.body as object), at: r.at }));
}

const draftText = (e: Edit) => (e.content ?? '').split('\n').slice(1).join('\n').replace(/ ▍$/, '');
const isDraft = (e: Edit) => /normguard is writing/.test(e.content ?? '');

async function run(subcommand: string, options: Record<string, string>) {
  const { id } = await w.discord.slashCommand({ channelId: channels.general, userId: users.alice, subcommand, options, permissions: 0n });
  await w.discord.waitForInteractionReply(id, { until: (r) => JSON.stringify(r).includes('"embeds":[{'), timeoutMs: 30_000 });
  return editsOf(id);
}

function expectStreamedThenCard(edits: Edit[]) {
  const drafts = edits.filter(isDraft);
  expect(drafts.length, JSON.stringify(edits.map((e) => e.content?.slice(0, 60)))).toBeGreaterThanOrEqual(2);
  // The drafts come first and grow; then one last edit, the card, with no draft left in it.
  expect(edits.slice(0, drafts.length).every(isDraft)).toBe(true);
  for (let i = 1; i < drafts.length; i++) expect(draftText(drafts[i]!).startsWith(draftText(drafts[i - 1]!))).toBe(true);
  for (let i = 1; i < drafts.length; i++) expect(drafts[i]!.at - drafts[i - 1]!.at).toBeGreaterThanOrEqual(DISCORD_STREAM.intervalMs - 50);
  const final = edits.at(-1)!;
  expect(isDraft(final)).toBe(false);
  expect(final.content).toBe('');
  expect(final.embeds).toHaveLength(1);
  return { drafts, final };
}

describe('Discord: answers stream into the deferred reply', () => {
  it('/ethics advise: several edits with the growing prose, then the full card', async () => {
    w = await startDiscordWorld({}, { latency: { decodeMsPerToken: 12 } });
    const edits = await run('advise', { situation: 'A game chat; Tom lost a close match.', intent: 'Tom wants to win the rematch' });
    const { drafts, final } = expectStreamedThenCard(edits);
    expect(final.embeds?.[0]?.author?.name).toBe('Ethical guidance');
    // What was shown is the start of what the card says.
    expect(JSON.stringify(final.embeds)).toContain(draftText(drafts[0]!).split(' ').slice(0, 3).join(' '));
  });

  it('/ethics check: the verdict is decided unstreamed, the prose streams, the card carries the verdict', async () => {
    w = await startDiscordWorld({}, { latency: { decodeMsPerToken: 12 } });
    const edits = await run('check', { situation: 'A game chat.', intent: 'Tom wants to win.', action: 'Tom calls the other player an idiot.' });
    const { final } = expectStreamedThenCard(edits);
    expect(JSON.stringify(final.embeds)).toMatch(/Impermissible/i);
    const bodies = w.sim.requestsTo('/v1/chat/completions').map((r) => r.body as { stream?: boolean; response_format?: unknown });
    expect(bodies.filter((b) => b.response_format !== undefined).every((b) => b.stream === false)).toBe(true);
    expect(bodies.filter((b) => b.stream === true)).toHaveLength(1);
  });

  it('a model failure mid-stream is reported in place of the draft', async () => {
    w = await startDiscordWorld({ NORMGUARD_MAX_RETRIES: '0' }, { latency: { decodeMsPerToken: 12 } });
    w.sim.inject('stream-cut', { times: 1 });
    const { id } = await w.discord.slashCommand({ channelId: channels.general, userId: users.alice, subcommand: 'advise', options: { situation: 'A game chat; Tom lost.', intent: 'Tom wants a rematch' }, permissions: 0n });
    const reply = await w.discord.waitForInteractionReply(id, { until: (r) => /⚠️/.test(JSON.stringify(r)), timeoutMs: 30_000 });
    expect(JSON.stringify(reply)).toMatch(/model/i);
    const edits = editsOf(id);
    expect(edits.filter(isDraft).length).toBeGreaterThanOrEqual(1);
    expect(isDraft(edits.at(-1)!)).toBe(false);
  });
});
