/**
 * The audit queue's contract, in one process against a private redis-server: priorities,
 * dedupe by message, retries with backoff for retryable failures, the dead-letter queue, and
 * the queue gauges on /metrics. roles.test.ts covers the same roles across real processes.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.js';
import { silentLogger } from '../../src/logger.js';
import type { IncomingMessage } from '../../src/moderation/message.js';
import { startRole, type RoleService } from '../../src/scale/index.js';
import { auditJobId, QUEUE_PRIORITY } from '../../src/scale/jobs.js';
import { startOllamaSimulator, type OllamaSimulator } from '../fakes/ollama/index.js';
import { testConfig } from '../support/config.js';
import { hasRedisServer, PrivateRedis, uniqueNamespace } from '../support/redis.js';
import { eventually } from './cluster.js';

const INSULT = 'You are a stupid idiot and everyone here knows it';
let redis: PrivateRedis;
let sim: OllamaSimulator;
let namespace: string;
const running: RoleService[] = [];
let seq = 0;

function message(text = INSULT): IncomingMessage {
  seq++;
  return {
    platform: 'slack',
    workspaceId: 'T1',
    channelId: 'C1',
    messageId: `1700000000.${String(seq).padStart(6, '0')}`,
    text,
    createdAt: Date.now(),
    attachments: 0,
    url: null,
    replyTo: null,
    author: { id: `U${seq}`, name: `<@U${seq}>`, isBot: false, isWebhook: false, roleIds: [], isNew: false },
  };
}

async function role(name: 'gateway' | 'worker', env: Record<string, string> = {}): Promise<RoleService & { core: App }> {
  const core = await createApp(
    testConfig({
      OLLAMA_HOST: sim.url,
      REDIS_URL: redis.url,
      NORMGUARD_REDIS_NAMESPACE: namespace,
      NORMGUARD_HTTP_PORT: '0',
      NORMGUARD_MAX_RETRIES: '0',
      NORMGUARD_CACHE_TTL_MS: '0',
      NORMGUARD_SLOTS: '1',
      NORMGUARD_QUEUE_ATTEMPTS: '3',
      NORMGUARD_QUEUE_BACKOFF_MS: '100',
      ...env,
    }),
    { logger: silentLogger() },
  );
  const service = await startRole(name, core);
  running.push(service);
  return Object.assign(service, { core });
}

describe.skipIf(!hasRedisServer)('the BullMQ audit queue', () => {
  beforeAll(async () => {
    redis = await PrivateRedis.start();
    sim = await startOllamaSimulator();
  });
  afterAll(async () => {
    await sim?.close();
    await redis?.stop();
  });
  beforeEach(() => {
    namespace = uniqueNamespace('queue').replace(/:/g, '_');
    sim.clearFaults();
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((s) => s.stop()));
  });

  async function gatewayOn(mode: 'flag' | 'coach' = 'flag') {
    const gw = await role('gateway');
    await gw.core.store.repos.settings.update('T1', (s) => ({ ...s, channels: { C1: { mode, unclearToReview: false } } }));
    return gw;
  }

  it('runs interactive before review before passive, and enqueues a message once', async () => {
    const gw = await gatewayOn();
    const queue = gw.queue!;
    const base = { context: [], settings: await gw.core.store.repos.settings.get('T1'), repeatKey: null, gateway: 'test', enqueuedAt: Date.now() };
    const passive = message();
    const review = message();
    const interactive = message();
    await queue.enqueue({ ...base, message: passive, priority: 'passive' });
    await queue.enqueue({ ...base, message: review, priority: 'review' });
    await queue.enqueue({ ...base, message: interactive, priority: 'interactive' });
    // The same message again (another replica): no second job.
    const again = await queue.enqueue({ ...base, message: passive, priority: 'passive' });
    expect(again.id).toBe(auditJobId(passive));
    expect((await queue.snapshot()).depth.waiting).toBe(3);
    // One Ollama host × NORMGUARD_SLOTS=1: the worker runs one job at a time, highest priority first.
    const worker = await role('worker');
    expect(worker.worker!.worker.opts.concurrency).toBe(1);
    await eventually('all three to finish', async () => worker.worker!.completed === 3);
    const jobs = await Promise.all([passive, review, interactive].map((m) => queue.queue.getJob(auditJobId(m))));
    const order = jobs.sort((a, b) => a!.processedOn! - b!.processedOn!).map((j) => j!.id);
    expect(order).toEqual([auditJobId(interactive), auditJobId(review), auditJobId(passive)]);
    expect(QUEUE_PRIORITY.interactive).toBeLessThan(QUEUE_PRIORITY.passive);
  });

  it('reports depth and the oldest waiting job on /metrics', async () => {
    const gw = await gatewayOn();
    const pending = gw.gateway!.handle(message());
    await eventually('the job to wait', async () => (await gw.queue!.snapshot()).depth.waiting === 1);
    await new Promise((r) => setTimeout(r, 1100));
    const text = await (await fetch(`http://127.0.0.1:${gw.address!.port}/metrics`)).text();
    expect(text).toMatch(/normguard_audit_queue_depth\{state="waiting"\} 1/);
    const oldest = Number(/normguard_audit_queue_oldest_seconds ([\d.]+)/.exec(text)?.[1]);
    expect(oldest).toBeGreaterThanOrEqual(1);
    const worker = await role('worker');
    expect((await pending).kind).toBe('decided');
    const after = await (await fetch(`http://127.0.0.1:${worker.address!.port}/metrics`)).text();
    expect(after).toMatch(/normguard_audit_queue_depth\{state="waiting"\} 0/);
    expect(await (await fetch(`http://127.0.0.1:${worker.address!.port}/readyz`)).status).toBeLessThan(500);
  });

  it('retries a retryable model failure with backoff, then renders the outcome', async () => {
    const gw = await gatewayOn();
    const worker = await role('worker');
    sim.inject('http503', { times: 2 });
    const m = message();
    const out = await gw.gateway!.handle(m);
    expect(out.kind).toBe('decided');
    const job = await gw.queue!.queue.getJob(auditJobId(m));
    expect(job?.attemptsMade).toBe(2);
    expect(await gw.queue!.deadLetters()).toEqual([]);
    expect(worker.worker!.completed).toBe(1);
  });

  it('dead-letters a job that fails for good, with the reason, and tells the gateway', async () => {
    const gw = await gatewayOn();
    await role('worker');
    sim.inject('model-missing');
    const m = message();
    const out = await gw.gateway!.handle(m);
    expect(out.kind).toBe('failed');
    const dead = await gw.queue!.deadLetters();
    expect(dead).toHaveLength(1);
    expect(dead[0]).toMatchObject({ jobId: auditJobId(m), code: expect.stringMatching(/MODEL_MISSING|MODEL_UNAVAILABLE/), data: { message: { messageId: m.messageId } } });
    expect(dead[0]!.reason).toMatch(/\w/);
    expect((await gw.queue!.snapshot()).depth.dead).toBe(1);
  });

  it('exhausting the attempts on a retryable failure dead-letters it too', async () => {
    const gw = await gatewayOn();
    await role('worker');
    sim.inject('http503');
    const m = message();
    const out = await gw.gateway!.handle(m);
    expect(out.kind).toBe('failed');
    const dead = await gw.queue!.deadLetters();
    expect(dead).toMatchObject([{ jobId: auditJobId(m), attempts: 3 }]);
  });
});
