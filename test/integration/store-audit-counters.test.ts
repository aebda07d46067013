import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { IncomingMessage } from '../../src/moderation/index.js';
import { startOllamaSimulator, type OllamaSimulator } from '../fakes/ollama/index.js';
import { testCore } from '../support/core.js';
import { deleteNamespace, REDIS_URL } from '../support/redis.js';

// The "done when" of issue 15's store port: every audit's counter is one atomic increment, so a
// burst of audits in one workspace counts each exactly once, on SQLite and across Redis processes.

type TestCore = Awaited<ReturnType<typeof testCore>>;
let sim: OllamaSimulator;
const cores: TestCore[] = [];
const namespace = `normguard-test-counters-${randomBytes(5).toString('hex')}`;

beforeEach(async () => {
  sim = await startOllamaSimulator();
});
afterEach(async () => {
  await Promise.all(cores.splice(0).map((c) => c.close()));
  await sim.close();
  await deleteNamespace(namespace);
});

const ENV = { NORMGUARD_PASSIVE_DEADLINE_MS: '60000', NORMGUARD_MAX_RETRIES: '0' };

function message(i: number): IncomingMessage {
  return {
    platform: 'discord',
    workspaceId: 'g-busy',
    channelId: 'c1',
    messageId: `m${i}`,
    // Distinct texts: the repeat cache would otherwise answer the copies without an audit.
    text: `Thanks for the help with build number ${i}, it finally works`,
    createdAt: Date.now(),
    attachments: 0,
    url: null,
    author: { id: `u${i % 7}`, name: `user${i % 7}`, isBot: false, isWebhook: false, roleIds: [], isNew: false },
  };
}

async function audit100(workers: TestCore[]): Promise<void> {
  await workers[0]!.store!.repos.settings.update('g-busy', (s) => ({ ...s, channels: { c1: { mode: 'flag', unclearToReview: false } } }));
  const outcomes = await Promise.all(Array.from({ length: 100 }, (_, i) => workers[i % workers.length]!.moderation.monitor.handle(message(i))));
  expect(outcomes.filter((o) => o.kind === 'decided')).toHaveLength(100);
}

describe('100 concurrent audits in one workspace count exactly 100', () => {
  it('on SQLite', async () => {
    cores.push(await testCore(sim.url, ENV));
    await audit100(cores);
    expect((await cores[0]!.moderation.activity.counters('g-busy', 0)).audited).toBe(100);
  });

  it('on Redis, from two bot processes sharing it', async () => {
    for (let i = 0; i < 2; i++) cores.push(await testCore(sim.url, { ...ENV, REDIS_URL, NORMGUARD_REDIS_NAMESPACE: namespace }));
    await audit100(cores);
    for (const core of cores) expect((await core.moderation.activity.counters('g-busy', 0)).audited).toBe(100);
  });
});
