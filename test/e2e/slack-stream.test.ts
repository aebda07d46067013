import { afterEach, describe, expect, it } from 'vitest';
import { SLACK_STREAM } from '../../adapters/slack/answer.js';
import { SLACK_FIXTURE } from '../fakes/slack/index.js';
import { isDraft, startSlackWorld, type SlackWorld } from './slack-harness.js';

// Answers that stream on Slack: real Bolt posts drafts to the command's response_url while the
// simulator writes the prose at a GPU-like pace, then the final reply replaces them in place.
const { channels, users } = SLACK_FIXTURE;
let w: SlackWorld;
afterEach(async () => {
  await w.close();
});

type Body = { text?: string; blocks?: unknown[]; replace_original?: boolean; response_type?: string };

async function run(text: string): Promise<Body[]> {
  const { url, id } = w.slack.newResponseUrl({ channel: channels.general.id, user: users.alice.id });
  await w.send.slashCommand({ text, userId: users.alice.id, channelId: channels.general.id, responseUrl: url });
  for (let count = 1; ; count++) {
    const bodies = (await w.slack.waitForResponse(id, { count, timeoutMs: 30_000 })) as Body[];
    if (!isDraft(bodies.at(-1))) return bodies;
  }
}

const draftText = (b: Body) => b.text ?? '';

function expectStreamedThenFinal(bodies: Body[]) {
  const drafts = bodies.filter(isDraft);
  expect(drafts.length, JSON.stringify(bodies.map((b) => b.text?.slice(0, 50)))).toBeGreaterThanOrEqual(2);
  expect(drafts.length).toBeLessThanOrEqual(SLACK_STREAM.maxEdits);
  // Within the five uses Slack allows a response_url.
  expect(bodies.length).toBeLessThanOrEqual(5);
  expect(bodies.slice(0, drafts.length).every(isDraft)).toBe(true);
  for (let i = 1; i < drafts.length; i++) expect(draftText(drafts[i]!).startsWith(draftText(drafts[i - 1]!))).toBe(true);
  // The first post makes the message; every later one replaces it.
  expect(bodies[0]?.replace_original).toBeUndefined();
  expect(bodies.slice(1).every((b) => b.replace_original === true)).toBe(true);
  return bodies.at(-1)!;
}

describe('Slack: answers stream through the response_url', () => {
  it('/ethics advise: drafts with the growing prose, then the full answer in their place (one ephemeral left)', async () => {
    w = await startSlackWorld({}, { latency: { decodeMsPerToken: 12 } });
    const bodies = await run('advise situation: A game chat; Tom lost a close match | intent: Tom wants to win the rematch');
    const final = expectStreamedThenFinal(bodies);
    expect(JSON.stringify(final.blocks)).toMatch(/Ethical guidance/);
    const shown = w.slack.ephemerals(channels.general.id, users.alice.id);
    expect(shown).toHaveLength(1);
    expect(isDraft(shown[0])).toBe(false);
    expect(JSON.stringify(shown[0]?.blocks)).toMatch(/Ethical guidance/);
  });

  it('/ethics check: the verdict is decided unstreamed, the prose streams, the final answer carries the verdict', async () => {
    w = await startSlackWorld({}, { latency: { decodeMsPerToken: 12 } });
    const bodies = await run('check situation: A game chat | intent: Tom wants to win | action: Tom calls the other player an idiot');
    const final = expectStreamedThenFinal(bodies);
    expect(JSON.stringify(final.blocks)).toMatch(/Impermissible/);
    const requests = w.sim.requestsTo('/v1/chat/completions').map((r) => r.body as { stream?: boolean; response_format?: unknown });
    expect(requests.filter((b) => b.response_format !== undefined).every((b) => b.stream === false)).toBe(true);
    expect(requests.filter((b) => b.stream === true)).toHaveLength(1);
  });

  it('a public answer streams in the channel and ends as one message there', async () => {
    w = await startSlackWorld({}, { latency: { decodeMsPerToken: 12 } });
    const bodies = await run('advise situation: A game chat; Tom lost | intent: Tom wants a rematch | public: yes');
    expectStreamedThenFinal(bodies);
    expect(bodies[0]?.response_type).toBe('in_channel');
    const inChannel = w.slack.messages(channels.general.id).filter((m) => /Ethical guidance|normguard is writing/.test(JSON.stringify(m.blocks)));
    expect(inChannel).toHaveLength(1);
    expect(isDraft(inChannel[0])).toBe(false);
  });

  it('a model failure mid-stream is reported in place of the draft', async () => {
    w = await startSlackWorld({ NORMGUARD_MAX_RETRIES: '0' }, { latency: { decodeMsPerToken: 12 } });
    w.sim.inject('stream-cut', { times: 1 });
    const bodies = await run('advise situation: A game chat; Tom lost | intent: Tom wants a rematch');
    expect(bodies.filter(isDraft).length).toBeGreaterThanOrEqual(1);
    expect(bodies.at(-1)?.replace_original).toBe(true);
    expect(JSON.stringify(bodies.at(-1))).toMatch(/model/i);
    const shown = w.slack.ephemerals(channels.general.id, users.alice.id);
    expect(shown).toHaveLength(1);
    expect(isDraft(shown[0])).toBe(false);
  });
});
