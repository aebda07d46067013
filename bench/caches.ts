/**
 * `npm run bench -- --caches`: the three in-memory caches on lru-cache against the hand-rolled
 * maps they replaced (bench/baselines), side by side, on the operations the monitor runs per
 * message. Rounds alternate between the two so machine noise hits both alike; the figure is the
 * median of the rounds, in operations per second.
 */
import { performance } from 'node:perf_hooks';
import { LRUCache } from 'lru-cache';
import type { Assessment } from '../src/assessment/types.js';
import { ConversationBuffer, type IncomingMessage, RepeatCache } from '../src/moderation/index.js';
import { HandRolledConversationBuffer, HandRolledRepeatCache, HandRolledSettingsCache } from './baselines/hand-rolled-caches.js';

export interface CacheComparison {
  cache: string;
  workload: string;
  handRolledOpsPerS: number;
  lruCacheOpsPerS: number;
  /** lru-cache ÷ hand-rolled: above 1, lru-cache is faster. */
  ratio: number;
}

const VERDICT: Assessment = {
  strategy: 'permissibility',
  verdict: 'impermissible',
  severity: 'medium',
  norm: 'It is wrong to insult people.',
  summary: 'An insult.',
  text: 'No.',
  model: 'normguard',
  method: 'fast',
  latencyMs: 300,
  usage: { promptTokens: 100, completionTokens: 40 },
};

/** A fixed pseudo-random sequence (mulberry32), so both sides see the same keys. */
function keys(n: number, distinct: number, seed: number): string[] {
  let a = seed;
  const next = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return Array.from({ length: n }, () => `k${Math.floor(next() * distinct)}`);
}

function opsPerS(ops: number, run: () => void): number {
  const t0 = performance.now();
  run();
  return ops / ((performance.now() - t0) / 1000);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

function compare(cache: string, workload: string, ops: number, rounds: number, handRolled: () => () => void, lru: () => () => void): CacheComparison {
  const a: number[] = [];
  const b: number[] = [];
  for (let r = 0; r < rounds; r++) {
    a.push(opsPerS(ops, handRolled()));
    b.push(opsPerS(ops, lru()));
  }
  const handRolledOpsPerS = Math.round(median(a));
  const lruCacheOpsPerS = Math.round(median(b));
  return { cache, workload, handRolledOpsPerS, lruCacheOpsPerS, ratio: Math.round((lruCacheOpsPerS / handRolledOpsPerS) * 1000) / 1000 };
}

export function runCacheBench(options: { ops?: number; rounds?: number } = {}): CacheComparison[] {
  const ops = options.ops ?? 1_000_000;
  const rounds = options.rounds ?? 5;
  const now = () => 1_700_000_000_000;
  // Repeat cache: 20,000 distinct lines over 10,000 entries: about half hit, the rest set and evict.
  const repeatKeys = keys(ops, 20_000, 1);
  const repeat = compare('repeat cache', 'get, set on a miss; 20k lines, 10k entries', ops, rounds,
    () => {
      const c = new HandRolledRepeatCache({ ttlMs: 3_600_000, maxEntries: 10_000, now });
      return () => { for (const k of repeatKeys) if (c.get(k) === null) c.set(k, VERDICT); };
    },
    () => {
      const c = new RepeatCache({ ttlMs: 3_600_000, maxEntries: 10_000, clock: { now } });
      return () => { for (const k of repeatKeys) if (c.get(k) === null) c.set(k, VERDICT); };
    });
  // Conversation buffer: 10,000 channels over 5,000 kept, 12 messages each; a push and a read per message.
  const channelKeys = keys(ops, 10_000, 2);
  const messages = channelKeys.map((channelId, i) => ({ channelId, messageId: `m${i}` }));
  const buffer = compare('conversation buffer', 'push + before; 10k channels, 5k kept', ops, rounds,
    () => {
      const b = new HandRolledConversationBuffer({ perChannel: 12, maxChannels: 5_000 });
      return () => {
        for (const m of messages) {
          b.push(`w\u0000${m.channelId}`, { messageId: m.messageId, authorName: 'a', authorId: 'u', text: 'hi', createdAt: 0 });
          b.before(`w\u0000${m.channelId}`, m.messageId, 6);
        }
      };
    },
    () => {
      const b = new ConversationBuffer({ perChannel: 12, maxChannels: 5_000 });
      const author = { id: 'u', name: 'a', isBot: false, isWebhook: false, roleIds: [], isNew: false };
      return () => {
        for (const m of messages) {
          b.push({ platform: 'discord', workspaceId: 'w', channelId: m.channelId, messageId: m.messageId, text: 'hi', createdAt: 0, attachments: 0, url: null, author } as IncomingMessage);
          b.before('w', m.channelId, m.messageId, 6);
        }
      };
    });
  // Settings cache (timed mode): 1,000 workspaces, all cached; one read per message.
  const workspaceKeys = keys(ops, 1_000, 3);
  const settings = compare('settings cache', 'get hit (timed mode); 1k workspaces', ops, rounds,
    () => {
      const c = new HandRolledSettingsCache<object>({ ttlMs: 30_000, now });
      for (let i = 0; i < 1_000; i++) c.set(`k${i}`, {});
      return () => { for (const k of workspaceKeys) c.get(k); };
    },
    () => {
      const c = new LRUCache<string, object>({ max: 10_000, ttl: 30_000, ttlResolution: 0, perf: { now: () => now() + 1 } });
      for (let i = 0; i < 1_000; i++) c.set(`k${i}`, {});
      return () => { for (const k of workspaceKeys) c.get(k); };
    });
  return [repeat, buffer, settings];
}

export function formatCacheBench(rows: CacheComparison[]): string {
  const lines = ['| cache | workload | hand-rolled ops/s | lru-cache ops/s | lru-cache ÷ hand-rolled |', '|---|---|---:|---:|---:|'];
  for (const r of rows) lines.push(`| ${r.cache} | ${r.workload} | ${r.handRolledOpsPerS.toLocaleString('en')} | ${r.lruCacheOpsPerS.toLocaleString('en')} | ${r.ratio.toFixed(2)} |`);
  return lines.join('\n');
}
