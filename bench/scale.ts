/**
 * Scale-out benchmark (issue 9): real `normguard start --role worker` / gateway processes on a
 * private redis-server, against Ollama simulators whose latency makes the GPU the bottleneck.
 *
 * - audits_per_s: a burst of queued audits drained by 1 worker + 1 simulated GPU host, then by
 *   2 workers + 2 hosts (each worker pinned to its host: workers × NORMGUARD_SLOTS = GPU slots).
 *   Timed from the first enqueue to the last completion. Target: the second ≥ 1.9× the first.
 * - ingest_msgs_per_s: messages screened and enqueued by 1 gateway process, then by 2 (no worker
 *   running, so only ingestion is timed), until every job is in the queue.
 *
 * Run alone: `npx tsx bench/scale.ts [--audits 80] [--ingest 3000]`; exported for bench/run.ts.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { sleep } from '../src/clock.js';
import { silentLogger } from '../src/logger.js';
import type { IncomingMessage } from '../src/moderation/message.js';
import { defaultWorkspaceSettings } from '../src/policy/settings.js';
import { AuditQueue } from '../src/scale/audit-queue.js';
import { QueueConnections } from '../src/scale/connection.js';
import { startOllamaSimulator, type OllamaSimulator } from '../test/fakes/ollama/index.js';
import { PrivateRedis } from '../test/support/redis.js';
import { RoleProcess, roleEnv } from '../test/scale/cluster.js';

export interface ScaleBenchOptions {
  /** Audits per throughput run. */
  audits?: number;
  /** Messages per ingest run. */
  ingest?: number;
  /**
   * Simulated decode time per token; a fast verdict is ~50 tokens, so 10 ms makes one audit about
   * half a second (a real 4B model on one GPU is slower still), and the GPU the bottleneck.
   */
  decodeMsPerToken?: number;
  /** Concurrent generations per simulated GPU host (and NORMGUARD_SLOTS of its worker). */
  slots?: number;
}

export interface Throughput {
  processes: number;
  hosts: number;
  items: number;
  seconds: number;
  perSecond: number;
}

export interface ScaleBenchResult {
  audits: { one: Throughput; two: Throughput; ratio: number };
  ingest: { one: Throughput; two: Throughput; ratio: number };
}

// Benign, so each audit is one model call (silent: no prose for a card) and the rate is the GPU's.
/** First message number of the timed burst; warm-up messages come just before it. */
const TIMED_FROM = 100_000;
const BENIGN = 'Could someone review my pull request about the parser before the release tonight please';

function message(n: number, text = BENIGN): IncomingMessage {
  return {
    platform: 'discord',
    workspaceId: 'bench',
    channelId: 'c1',
    messageId: `b${n}`,
    text: `${text} (${n})`,
    createdAt: Date.now(),
    attachments: 0,
    url: null,
    replyTo: null,
    author: { id: `u${n % 97}`, name: `member${n % 97}`, isBot: false, isWebhook: false, roleIds: [], isNew: false },
  };
}

export async function runScaleBench(options: ScaleBenchOptions = {}): Promise<ScaleBenchResult> {
  const audits = options.audits ?? 80;
  const ingest = options.ingest ?? 3_000;
  const slots = options.slots ?? 2;
  const redis = await PrivateRedis.start({ dir: mkdtempSync(join(tmpdir(), 'ng-bench-redis-')) });
  const sims = await Promise.all([0, 1].map(() => startOllamaSimulator({ latency: { slots, decodeMsPerToken: options.decodeMsPerToken ?? 10 } })));
  try {
    const one = await drain(redis, sims.slice(0, 1), audits, slots, 'one');
    const two = await drain(redis, sims, audits, slots, 'two');
    const ingestOne = await ingestRun(redis, sims, 1, ingest, 'ingest-one');
    const ingestTwo = await ingestRun(redis, sims, 2, ingest, 'ingest-two');
    return {
      audits: { one, two, ratio: two.perSecond / one.perSecond },
      ingest: { one: ingestOne, two: ingestTwo, ratio: ingestTwo.perSecond / ingestOne.perSecond },
    };
  } finally {
    await Promise.all(sims.map((s) => s.close()));
    await redis.stop();
  }
}

/** One worker process per simulated host, each pinned to its host; a burst of audits, timed to the last completion. */
async function drain(redis: PrivateRedis, hosts: OllamaSimulator[], audits: number, slots: number, ns: string): Promise<Throughput> {
  const quiet = { NORMGUARD_QUEUE_LOCK_MS: '30000', NORMGUARD_QUEUE_STALLED_MS: '30000', NORMGUARD_SLOTS: String(slots), NORMGUARD_HTTP_ENABLED: 'false' };
  const workers = await Promise.all(hosts.map((h, i) => RoleProcess.worker(roleEnv(redis.url, `bench-${ns}`, [h.url], quiet), `worker-${i + 1}`)));
  const conns = new QueueConnections(redis.url, 'bench', silentLogger());
  const queue = new AuditQueue({ connect: conns.connect, prefix: `bench-${ns}:q`, logger: silentLogger(), attempts: 3, backoffMs: 500 });
  try {
    const settings = defaultWorkspaceSettings();
    settings.channels = { c1: { mode: 'flag', unclearToReview: false } };
    const doneCount = async () => {
      const counts = await queue.queue.getJobCounts('completed', 'failed');
      return (counts.completed ?? 0) + (counts.failed ?? 0);
    };
    const burst = async (from: number, count: number) => {
      const target = (await doneCount()) + count;
      await Promise.all(
        Array.from({ length: count }, (_, i) =>
          queue.enqueue({ message: message(from + i), context: [], settings, repeatKey: null, priority: 'passive', gateway: 'bench', enqueuedAt: Date.now() }),
        ),
      );
      for (;;) {
        if ((await doneCount()) >= target) return;
        await sleep(20);
      }
    };
    // Untimed warm-up: every process past its start-up, JIT and connection set-up, every slot used
    // a few times. The timed burst is the same messages in both runs (the same answers, the same tokens).
    const warm = 4 * slots * hosts.length;
    await burst(TIMED_FROM - warm, warm);
    const started = performance.now();
    await burst(TIMED_FROM, audits);
    const seconds = (performance.now() - started) / 1000;
    return { processes: workers.length, hosts: hosts.length, items: audits, seconds, perSecond: audits / seconds };
  } finally {
    await queue.close();
    conns.closeAll();
    await Promise.all(workers.map((w) => w.stop()));
  }
}

/** Gateway processes screening and enqueuing (no worker runs): timed until every message is a job. */
async function ingestRun(redis: PrivateRedis, hosts: OllamaSimulator[], gatewayCount: number, messages: number, ns: string): Promise<Throughput> {
  const env = roleEnv(redis.url, `bench-${ns}`, hosts.map((h) => h.url), { NORMGUARD_HTTP_ENABLED: 'false' });
  const gateways = await Promise.all(Array.from({ length: gatewayCount }, (_, i) => RoleProcess.gateway(env, `gateway-${i + 1}`)));
  const conns = new QueueConnections(redis.url, 'bench', silentLogger());
  const queue = new AuditQueue({ connect: conns.connect, prefix: `bench-${ns}:q`, logger: silentLogger(), attempts: 3, backoffMs: 500 });
  try {
    await gateways[0]!.request('settings', { workspaceId: 'bench', channels: { c1: { mode: 'flag', unclearToReview: false } } });
    const send = async (from: number, count: number) => {
      for (let n = from; n < from + count; n++) void gateways[n % gatewayCount]!.fire('post', { message: message(n) });
      for (;;) {
        const counts = await queue.queue.getJobCounts('waiting', 'prioritized');
        if ((counts.waiting ?? 0) + (counts.prioritized ?? 0) >= from + count) return;
        await sleep(20);
      }
    };
    // Untimed warm-up (JIT, connections), then the timed run.
    const warm = 500;
    await send(0, warm);
    const started = performance.now();
    await send(warm, messages);
    const seconds = (performance.now() - started) / 1000;
    return { processes: gatewayCount, hosts: hosts.length, items: messages, seconds, perSecond: messages / seconds };
  } finally {
    await queue.close();
    conns.closeAll();
    await Promise.all(gateways.map((g) => g.kill('SIGKILL')));
  }
}

export function formatScaleBench(r: ScaleBenchResult): string {
  const row = (label: string, t: Throughput, unit: string) =>
    `| ${label} | ${t.processes} | ${t.hosts} | ${t.items} | ${t.seconds.toFixed(2)} | ${t.perSecond.toFixed(1)} ${unit} |`;
  return [
    '| run | processes | GPU hosts | items | seconds | rate |',
    '|---|---|---|---|---|---|',
    row('audits, 1 worker + 1 host', r.audits.one, 'audits/s'),
    row('audits, 2 workers + 2 hosts', r.audits.two, 'audits/s'),
    row('ingest, 1 gateway', r.ingest.one, 'msgs/s'),
    row('ingest, 2 gateways', r.ingest.two, 'msgs/s'),
    '',
    `audits/s ratio (2 workers + 2 hosts ÷ 1 + 1): ${r.audits.ratio.toFixed(2)}× (target ≥ 1.9×)`,
    `ingest ratio (2 gateways ÷ 1): ${r.ingest.ratio.toFixed(2)}×`,
  ].join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({ options: { audits: { type: 'string' }, ingest: { type: 'string' } }, strict: true });
  const result = await runScaleBench({
    audits: values.audits ? Number(values.audits) : undefined,
    ingest: values.ingest ? Number(values.ingest) : undefined,
  });
  process.stdout.write(`${formatScaleBench(result)}\n`);
  process.exit(0);
}
