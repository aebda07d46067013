/**
 * Scale-out with real processes: two gateways and two workers (`normguard start --role …`) on a
 * private redis-server, auditing against two Ollama simulators. Processes are killed with
 * SIGKILL mid-audit; the counts that matter are cases per message and outcomes per message.
 * Last, `--shards 2` runs Discord in two shard processes (discord.js ShardingManager) against the
 * fake Discord, with the same workers behind it. One cluster for all, to keep process start-ups
 * (a few seconds each on a loaded machine) to a minimum.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sleep, systemClock } from '../../src/clock.js';
import { silentLogger } from '../../src/logger.js';
import type { IncomingMessage } from '../../src/moderation/message.js';
import type { MonitorOutcome } from '../../src/moderation/monitor.js';
import { AuditQueue } from '../../src/scale/audit-queue.js';
import { QueueConnections } from '../../src/scale/connection.js';
import { createRepositories, openStore, type KvStore, type Repositories } from '../../src/store/index.js';
import { FIXTURE, startFakeDiscord } from '../fakes/discord/index.js';
import { startOllamaSimulator, type OllamaSimulator } from '../fakes/ollama/index.js';
import { hasRedisServer, PrivateRedis } from '../support/redis.js';
import { eventually, RoleProcess, roleEnv } from './cluster.js';

const NS = 'scale-test';
const INSULT = 'You are a stupid idiot and everyone here knows it';
const WS = 'g1';

let redis: PrivateRedis;
let sims: OllamaSimulator[];
let env: Record<string, string>;
const workers: RoleProcess[] = [];
const gateways: RoleProcess[] = [];
let kv: KvStore;
let repos: Repositories;
let queue: AuditQueue;
let conns: QueueConnections;
let seq = 0;

function message(text: string, channelId = 'c1'): IncomingMessage {
  seq++;
  return {
    platform: 'discord',
    workspaceId: WS,
    channelId,
    messageId: `m${seq}`,
    text,
    createdAt: Date.now(),
    attachments: 0,
    url: null,
    replyTo: null,
    author: { id: `u${seq}`, name: `member${seq}`, isBot: false, isWebhook: false, roleIds: [], isNew: false },
  };
}

const post = (g: RoleProcess, m: IncomingMessage) => g.request<MonitorOutcome>('post', { message: m });
const casesFor = async (messageId: string) => (await repos.cases.listByWorkspace(WS, { limit: 10_000 })).filter((c) => c.messageId === messageId);
const chatRequests = () => sims.reduce((n, s) => n + s.requestsTo('/v1/chat/completions').length, 0);
const completions = () => sims.reduce((n, s) => n + s.stats().completed, 0);

describe.skipIf(!hasRedisServer)('scale-out roles (real processes, real Redis)', () => {
  beforeAll(async () => {
    redis = await PrivateRedis.start({ dir: mkdtempSync(join(tmpdir(), 'ng-scale-redis-')) });
    sims = await Promise.all([startOllamaSimulator({ latency: { slots: 2 } }), startOllamaSimulator({ latency: { slots: 2 } })]);
    env = roleEnv(redis.url, NS, sims.map((s) => s.url));
    const started = await Promise.all([
      RoleProcess.worker(env, 'worker-1'),
      RoleProcess.worker(env, 'worker-2'),
      RoleProcess.gateway(env, 'gateway-a'),
      RoleProcess.gateway(env, 'gateway-b'),
    ]);
    workers.push(started[0]!, started[1]!);
    gateways.push(started[2]!, started[3]!);
    kv = await openStore({ dataDir: '', redisUrl: redis.url, namespace: NS, logger: silentLogger() });
    repos = createRepositories(kv, systemClock);
    conns = new QueueConnections(redis.url, 'test', silentLogger());
    queue = new AuditQueue({
      connect: conns.connect,
      prefix: `${NS}:q`,
      logger: silentLogger(),
      attempts: 4,
      backoffMs: 200,
    });
    await gateways[0]!.request('settings', { workspaceId: WS, channels: { c1: { mode: 'flag', unclearToReview: false }, c2: { mode: 'coach', unclearToReview: false } } });
    // Every process calibrates the frames at start-up (content-free probes, in the background);
    // the call counts below are about audits, so wait until those probes are done.
    let last = -1;
    let quiet = 0;
    await eventually('the start-up calibration probes to finish', async () => {
      const busy = sims.some((sim) => sim.stats().inFlight + sim.stats().queued > 0);
      const now = completions();
      quiet = !busy && now === last && now >= 6 ? quiet + 1 : 0;
      last = now;
      await new Promise((r) => setTimeout(r, 400));
      return quiet >= 3;
    });
  }, 60_000);

  afterAll(async () => {
    await Promise.all([...workers, ...gateways].map((p) => p.stop()));
    await queue?.close();
    conns?.closeAll();
    await kv?.close();
    await Promise.all((sims ?? []).map((s) => s.close()));
    await redis?.stop();
  }, 30_000);

  it('a message seen by both gateways is audited once, by one of two workers, and rendered by one gateway', async () => {
    const before = completions();
    const msgs = Array.from({ length: 6 }, () => message(INSULT));
    // Both replicas receive every message (as after a Slack retry to another replica or a gateway replay).
    const outcomes = await Promise.all(msgs.flatMap((m) => [post(gateways[0]!, m), post(gateways[1]!, m)]));
    for (let i = 0; i < msgs.length; i++) {
      const pair = [outcomes[2 * i]!, outcomes[2 * i + 1]!];
      expect(pair.filter((o) => o.kind === 'decided')).toHaveLength(1);
      expect(pair.filter((o) => o.kind === 'skipped' && o.reason === 'duplicate')).toHaveLength(1);
      const decided = pair.find((o) => o.kind === 'decided');
      expect(decided?.kind === 'decided' && decided.case?.messageId).toBe(msgs[i]!.messageId);
      expect(await casesFor(msgs[i]!.messageId)).toHaveLength(1);
    }
    // A flag is three model calls: the calibrated screen, the prose for the card, and the short
    // turn that checks the prose agrees with the verdict.
    expect(completions() - before).toBe(3 * msgs.length);
    const done = await queue.queue.getJobs(['completed'], 0, 100);
    expect(new Set(done.map((j) => j.processedBy?.split('-').at(-2))).size).toBe(2);
    expect(sims.every((s) => s.stats().completed > 0)).toBe(true);
  });

  it('a coach-mode channel gets its note back through the queue', async () => {
    const out = await post(gateways[1]!, message(INSULT, 'c2'));
    expect(out.kind).toBe('decided');
    expect(out.kind === 'decided' && out.policy.decision).toBe('explain');
    expect(out.kind === 'decided' && out.explanation).toMatch(/\w/);
  });

  it('two moderators on two gateway processes decide one case: exactly one decision', async () => {
    const out = await post(gateways[0]!, message(INSULT));
    const caseId = out.kind === 'decided' ? out.case?.id : undefined;
    expect(caseId).toBeDefined();
    const results = await Promise.all([
      gateways[0]!.request<{ ok: boolean }>('decide', { caseId, event: { type: 'uphold', actor: 'mod-a' } }),
      gateways[1]!.request<{ ok: boolean }>('decide', { caseId, event: { type: 'dismiss', actor: 'mod-b', reason: null } }),
    ]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    const stored = await repos.cases.get(caseId!);
    expect(stored?.status).not.toBe('open');
    expect(stored?.history.filter((h) => h.action === 'upheld' || h.action === 'dismissed')).toHaveLength(1);
  });

  it('Redis restarts: every process reconnects, no case is lost, audits resume', async () => {
    const before = await repos.cases.listByWorkspace(WS, { limit: 10_000 });
    await redis.stop();
    await sleep(500);
    await redis.start();
    // Right after the restart a store call may still fail fast (STORE) while a client reconnects; a member just posts again.
    for (const g of gateways) {
      const out = await eventually(
        `${g.label} to audit again`,
        async () => {
          const r = await post(g, message(INSULT)).catch(() => undefined);
          return r?.kind === 'decided' ? r : undefined;
        },
        40_000,
      );
      expect(out.case?.status).toBe('open');
    }
    const after = await eventually('the store to answer again', async () => repos.cases.listByWorkspace(WS, { limit: 10_000 }).catch(() => undefined));
    expect(after.map((c) => c.id)).toEqual(expect.arrayContaining(before.map((c) => c.id)));
    expect(after.length).toBeGreaterThanOrEqual(before.length + 2);
  }, 60_000);

  it('--shards 2: discord.js runs a shard per process, and the guild’s shard posts one card through the queue', async () => {
    const discord = await startFakeDiscord({ interactionDeadlineMs: 15_000 });
    const { channels, users, guildId } = FIXTURE;
    let sharded: RoleProcess | undefined;
    try {
      await repos.settings.update(guildId, (s) => ({ ...s, channels: { [channels.general]: { mode: 'flag', unclearToReview: false } }, reviewChannelId: channels.mods }));
      sharded = await RoleProcess.start(
        ['start', '--role', 'gateway', '--shards', '2'],
        { ...env, NORMGUARD_SHARD_SPAWN_DELAY_MS: '100', DISCORD_TOKEN: 'shard-test-token.abc.def', DISCORD_API_URL: discord.apiUrl },
        'sharded-gateway',
        /^discord: 2 shard/,
      );
      expect(discord.identifyCount()).toBe(2);
      expect(discord.connectedCount()).toBe(2);
      await discord.postMessage({ channelId: channels.general, authorId: users.bob, content: 'Anyone want to queue for ranked tonight?' });
      const flagged = await discord.postMessage({ channelId: channels.general, authorId: users.alice, content: INSULT });
      await discord.waitForRest('POST', `/channels/${channels.mods}/messages`, { timeoutMs: 30_000 });
      const cases = await eventually('the case', async () => {
        const found = (await repos.cases.listByWorkspace(guildId)).filter((c) => c.messageId === flagged.id);
        return found.length > 0 ? found : undefined;
      });
      expect(cases).toHaveLength(1);
      // Time for a wrongly delivered duplicate to show up: still one card.
      await sleep(500);
      expect(discord.restTo('POST', `/channels/${channels.mods}/messages`)).toHaveLength(1);
    } finally {
      await sharded?.stop(10_000);
      await discord.close();
    }
  }, 60_000);

  it('kill -9 of a worker mid-audit: BullMQ hands the job to the other worker; audited exactly once', async () => {
    // The next generation on each host takes 3 s, so the job is surely in flight when the kill lands.
    for (const s of sims) s.inject({ slowMs: 3_000 }, { times: 1 });
    const before = completions();
    const requestsBefore = chatRequests();
    const m = message(INSULT);
    const outcome = post(gateways[0]!, m);
    const active = await eventually('the job to be taken by a worker', async () => (await queue.queue.getJobs(['active']))[0]);
    await eventually('the model call to be in flight', () => chatRequests() > requestsBefore);
    const victim = workers.findIndex((w) => active.processedBy?.includes(`-${w.pid}-`));
    expect(victim).toBeGreaterThanOrEqual(0);
    await workers[victim]!.kill('SIGKILL');
    const result = await outcome;
    expect(result.kind).toBe('decided');
    expect(result.kind === 'decided' && result.case?.messageId).toBe(m.messageId);
    expect(await casesFor(m.messageId)).toHaveLength(1);
    // The killed worker's call was cut off, not completed: three calls in all (screen, prose, check).
    expect(completions() - before).toBe(3);
    const job = await queue.queue.getJob(active.id!);
    expect(job?.processedBy).not.toBe(active.processedBy);
    expect(await queue.deadLetters()).toEqual([]);
  }, 45_000);

  it('kill -9 of a gateway mid-audit: the other keeps serving, the audit is not lost, and the survivor posts its card', async () => {
    for (const s of sims) s.inject({ slowMs: 2_500 }, { times: 1 });
    const orphan = message(INSULT);
    void gateways[1]!.fire('post', { message: orphan });
    await eventually('the orphan job to be in flight', async () => (await queue.queue.getJobs(['active'])).length > 0);
    await gateways[1]!.kill('SIGKILL');
    const next = message(INSULT);
    const served = await post(gateways[0]!, next);
    expect(served.kind === 'decided' && served.case?.messageId).toBe(next.messageId);
    const cases = await eventually('the orphaned audit to finish', async () => {
      const found = await casesFor(orphan.messageId);
      return found.length > 0 ? found : undefined;
    });
    expect(cases).toHaveLength(1);
    // Its card is posted by the surviving gateway, once the dead one's heartbeat has lapsed.
    const adopted = await gateways[0]!.waitFor(new RegExp(`"adopted":\\{"messageId":"${orphan.messageId}"`));
    expect(JSON.parse(adopted).adopted.caseId).toBe(cases[0]!.id);
  });
});
