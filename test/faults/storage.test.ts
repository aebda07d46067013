import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.js';
import { systemClock } from '../../src/clock.js';
import { NormguardError } from '../../src/errors.js';
import { silentLogger } from '../../src/logger.js';
import { reviewCaseSchema } from '../../src/store/case.js';
import { createRepositories, openStore } from '../../src/store/index.js';
import { startOllamaSimulator, type OllamaSimulator } from '../fakes/ollama/index.js';
import { testConfig } from '../support/config.js';
import { newCase } from './support/cases.js';
import { DurableRedis } from './support/durable-redis.js';
import { chatMessage, FAULT_ENV, insults, monitorChannel, until } from './support/harness.js';
import { FaultRecorder } from './support/results.js';

// Storage faults: nothing a caller was told is stored may go missing, and nothing may fail
// without saying so (NormguardError 'STORE'). Two processes on one Redis make one decision.

const results = new FaultRecorder('storage');
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const WRITER = fileURLToPath(new URL('./support/sqlite-writer.ts', import.meta.url));
let sim: OllamaSimulator;

beforeAll(async () => {
  sim = await startOllamaSimulator();
});
afterAll(async () => {
  await sim.close();
  await results.flush();
});

type StoreCore = App;

/** One bot process: the real composition root on Redis. */
async function redisCore(url: string): Promise<StoreCore> {
  const config = testConfig({ ...FAULT_ENV, OLLAMA_HOST: sim.url, REDIS_URL: url, NORMGUARD_DATA_DIR: mkdtempSync(join(tmpdir(), 'ng-unused-')) });
  return createApp(config, { logger: silentLogger() });
}

describe('Redis restarting under load', () => {
  it('every create that resolved is readable after the restart; every one that did not said STORE', async () => {
    const redis = await DurableRedis.start();
    const core = await redisCore(redis.url);
    const acked: Array<{ id: string; workspaceId: string }> = [];
    const storeErrors: string[] = [];
    const otherErrors: unknown[] = [];
    let stop = false;
    // Six writers, each case in its own workspace so no index lock is shared across the crash.
    const writers = Array.from({ length: 6 }, async (_, w) => {
      for (let i = 0; !stop; i++) {
        const workspaceId = `ws-${w}-${i}`;
        try {
          const c = await core.store.repos.cases.create(newCase(workspaceId, `${w}-${i}`));
          acked.push({ id: c.id, workspaceId });
        } catch (err) {
          if (err instanceof NormguardError && err.code === 'STORE') storeErrors.push(err.message);
          else otherErrors.push(err);
          await new Promise((r) => setTimeout(r, 10));
        }
      }
    });
    try {
      await until('30 cases stored', () => acked.length >= 30);
      await redis.crash();
      await until('creates fail while Redis is down', () => storeErrors.length >= 6);
      const beforeRestart = acked.length;
      await redis.start();
      await until('creates succeed again after the reconnect', () => acked.length >= beforeRestart + 30, 10_000);
    } finally {
      stop = true;
      await Promise.all(writers);
    }

    expect(otherErrors).toEqual([]);
    let lost = 0;
    for (const { id, workspaceId } of acked) {
      const stored = await core.store.repos.cases.get(id);
      const listed = (await core.store.repos.cases.listByWorkspace(workspaceId)).map((c) => c.id);
      if (stored?.id !== id || !listed.includes(id)) lost++;
    }
    results.add('casesLost', lost);
    expect(lost).toBe(0);
    await core.close();
    await redis.stop();
    results.row('Redis', 'killed (SIGKILL) and restarted during 6 concurrent writers', 'every acknowledged create readable and indexed after the reconnect; creates during the outage refused with a STORE error; 0 lost');
  });
});

describe('Redis down when a message arrives', () => {
  it('the monitor says STORE instead of dropping the message quietly, and audits again once Redis is back', async () => {
    const redis = await DurableRedis.start();
    const core = await redisCore(redis.url);
    try {
      await monitorChannel(core, 'flag');
      await redis.crash();
      await expect(core.moderation.monitor.handle(chatMessage('You are a stupid idiot and Redis is down'))).rejects.toMatchObject({ code: 'STORE' });
      await redis.start();
      await until('the store reconnects', async () => (await core.store.kv.get('probe').then(() => true, () => false)));
      const after = await core.moderation.monitor.handle(chatMessage('You are a stupid idiot and Redis is back'));
      expect(after, JSON.stringify(after)).toMatchObject({ kind: 'decided', policy: { decision: 'flag' } });
    } finally {
      await core.close();
      await redis.stop();
    }
    results.row('Redis', 'down when a message arrives', 'the monitor rejects with a STORE error (the adapter logs it, "message handler failed"); once Redis is back the next message is audited and flagged');
  });
});

describe('SQLite after a crash', () => {
  it('a bot process killed with SIGKILL mid-write: every acknowledged case is there and parses', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ng-crash-'));
    const child = spawn(process.execPath, ['--import', 'tsx', WRITER, dataDir], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
    const acked: string[] = [];
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      const m = /^ack (c_[a-z2-7]{10})$/.exec(line);
      if (m) acked.push(m[1]!);
    });
    await until(`the writer acknowledged 60 cases (stderr: ${stderr})`, () => acked.length >= 60, 20_000);
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    lines.close();

    const kv = await openStore({ dataDir });
    const repos = createRepositories(kv, systemClock);
    let lost = 0;
    for (const id of acked) {
      const stored = await repos.cases.get(id);
      if (!stored || !reviewCaseSchema.safeParse(stored).success) lost++;
    }
    const indexed = new Set((await repos.cases.listByWorkspace('crash-ws', { limit: 100_000 })).map((c) => c.id));
    const unindexed = acked.filter((id) => !indexed.has(id)).length;
    // The store still works after the crash.
    const after = await repos.cases.create(newCase('crash-ws', 'after'));
    expect(await repos.cases.get(after.id)).toMatchObject({ id: after.id });
    await kv.close();
    results.add('casesLost', lost + unindexed);
    expect(lost).toBe(0);
    expect(unindexed).toBe(0);
    results.row('SQLite', 'bot process killed (SIGKILL) while 4 writers create cases', 'every acknowledged case (60+) present, parses and is indexed after reopening; 0 lost');
  });
});

describe('two processes sharing Redis', () => {
  let redis: DurableRedis;
  let a: StoreCore;
  let b: StoreCore;

  beforeAll(async () => {
    redis = await DurableRedis.start();
    [a, b] = await Promise.all([redisCore(redis.url), redisCore(redis.url)]);
  });
  afterAll(async () => {
    await a.close();
    await b.close();
    await redis.stop();
  });

  it('two moderators deciding the same case at once: exactly one decision wins, the other is told who won', async () => {
    const rounds = 20;
    for (let i = 0; i < rounds; i++) {
      const c = await a.store.repos.cases.create(newCase('shared-ws', `race-${i}`));
      const [ra, rb] = await Promise.all([
        a.moderation.cases.apply(c.id, { type: 'uphold', actor: 'mod-a' }),
        b.moderation.cases.apply(c.id, { type: 'dismiss', actor: 'mod-b', reason: 'a joke between friends' }),
      ]);
      const winners = [ra, rb].filter((r) => r.ok);
      const losers = [ra, rb].filter((r) => !r.ok);
      expect(winners).toHaveLength(1);
      expect(losers).toHaveLength(1);
      const loser = losers[0]!;
      const winner = winners[0]!;
      if (loser.ok || !winner.ok || loser.reason === 'not-found') throw new Error('unreachable');
      expect(loser.reason).toBe('already-decided');
      expect(loser.case.status).toBe(winner.case.status);
      const stored = (await b.store.repos.cases.get(c.id))!;
      expect(stored.status).toBe(winner.case.status);
      expect(stored.history.filter((h) => h.action === 'upheld' || h.action === 'dismissed')).toHaveLength(1);
    }
    results.row('Redis', `${rounds} races: two processes decide the same case at once`, 'exactly one decision per case; the other moderator gets already-decided with the winner’s outcome');
  });

  it('the same message delivered to both processes (a retried event, two shards): audited once', async () => {
    await monitorChannel(a, 'flag');
    // Each process calibrates once (content-free probes); the count below is about audits.
    await Promise.all([a.calibration.ensure(), b.calibration.ensure()]);
    const before = sim.requestsTo('/v1/chat/completions').length;
    const texts = insults(10, 'shared');
    let duplicates = 0;
    for (const text of texts) {
      const msg = chatMessage(text);
      const outcomes = await Promise.all([a.moderation.monitor.handle(msg), b.moderation.monitor.handle(msg)]);
      const audited = outcomes.filter((o) => o.kind !== 'skipped');
      duplicates += Math.max(0, audited.length - 1);
      expect(audited).toHaveLength(1);
      expect(outcomes.filter((o) => o.kind === 'skipped' && o.reason === 'duplicate')).toHaveLength(1);
    }
    // Per flagged message, once: the calibrated verdict, the prose, and the check that the prose agrees.
    expect(sim.requestsTo('/v1/chat/completions').length - before).toBe(texts.length * 3);
    const cases = await a.moderation.cases.listByWorkspace('g1', { limit: 100 });
    expect(cases.filter((c) => texts.includes(c.messageText))).toHaveLength(texts.length);
    results.add('duplicateAudits', duplicates);
    results.row('Redis', '10 messages each delivered to two processes at once', '10 audits and 10 cases, 10 deliveries skipped as duplicate; 0 duplicate audits');
  });
});
