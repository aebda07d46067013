import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Assessment } from '../../src/assessment/types.js';
import { NormguardError } from '../../src/errors.js';
import { defaultWorkspaceSettings } from '../../src/policy/settings.js';
import {
  cacheKey,
  type CacheKeyParts,
  CASE_ID_PATTERN,
  createRepositories,
  type KvStore,
  type NewReviewCase,
  openStore,
  type Repositories,
} from '../../src/store/index.js';
import { keys } from '../../src/store/keys.js';
import { deleteNamespace, REDIS_URL, uniqueNamespace } from '../support/redis.js';
import type { CaseService } from '../../src/moderation/cases.js';
import { caseServiceOver } from '../support/case-service.js';
import { ManualClock, storeBackends, type StoreBackend, type StoreFixture } from '../support/store-backends.js';

const { memory: memoryBackend, sqlite: sqliteBackend, redis: redisBackend } = storeBackends('repos');

const assessment: Assessment = {
  strategy: 'permissibility',
  verdict: 'impermissible',
  severity: 'high',
  norm: 'You should not insult people.',
  summary: 'A personal insult aimed at another member.',
  text: 'It is not permissible to call someone worthless...',
  model: 'moral-auditor:4b',
  method: 'fast',
  latencyMs: 412,
  usage: { promptTokens: 180, completionTokens: 24 },
};

function newCase(overrides: Partial<NewReviewCase> = {}): NewReviewCase {
  return {
    workspaceId: 'G1',
    platform: 'discord',
    channelId: 'C-general',
    messageId: 'M1',
    messageUrl: 'https://discord.com/channels/G1/C-general/M1',
    authorId: 'U-alice',
    messageText: 'you are worthless',
    context: 'bob: I finished the build\nalice: you are worthless',
    assessment,
    rule: 'flag: severity high >= medium',
    ...overrides,
  };
}

const cacheParts = (fields: CacheKeyParts['fields'], over: Partial<CacheKeyParts> = {}): CacheKeyParts => ({
  strategy: 'permissibility',
  method: 'fast',
  model: 'moral-auditor:4b',
  fields,
  ...over,
});

/** The contract of the typed repositories, run over each KvStore implementation. */
function runRepositorySuite(name: string, backend: StoreBackend): void {
  describe(`repositories: ${name}`, () => {
    let fx: StoreFixture;
    let kv: KvStore;
    let clock: ManualClock;
    let repos: Repositories;
    let service: CaseService;

    beforeEach(async () => {
      fx = await backend.setup();
      kv = await fx.open();
      clock = new ManualClock();
      repos = createRepositories(kv, clock);
      service = caseServiceOver(repos, clock);
    });
    afterEach(async () => {
      await fx.teardown();
    });

    describe('settings', () => {
      it('gives the defaults for a workspace with nothing stored', async () => {
        expect(await repos.settings.get('G-new')).toEqual(defaultWorkspaceSettings());
      });

      it('fills in defaults for a partial (older) stored record', async () => {
        await kv.set(keys.settings('G1'), {
          reviewChannelId: 'C-mods',
          thresholds: { flag: 'high' },
          channels: { 'C-general': { mode: 'flag' } },
        });
        const s = await repos.settings.get('G1');
        expect(s.reviewChannelId).toBe('C-mods');
        expect(s.thresholds).toEqual({ flag: 'high', explain: 'medium', coachFlag: 'high' });
        expect(s.channels['C-general']).toEqual({ mode: 'flag', unclearToReview: false });
        expect(s.moderatorRoleIds).toEqual([]);
        expect(s.cooldowns).toEqual(defaultWorkspaceSettings().cooldowns);
      });

      it('refuses a malformed stored record with NormguardError STORE rather than guessing', async () => {
        await kv.set(keys.settings('G1'), { channels: { C1: { mode: 'loud' } } });
        await expect(repos.settings.get('G1')).rejects.toMatchObject({ code: 'STORE' });
      });

      it('update: 20 concurrent changes all land', async () => {
        await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            repos.settings.update('G1', (s) => ({ ...s, channels: { ...s.channels, [`C${i}`]: { mode: 'flag', unclearToReview: false } } })),
          ),
        );
        const s = await repos.settings.get('G1');
        expect(Object.keys(s.channels).sort()).toEqual(Array.from({ length: 20 }, (_, i) => `C${i}`).sort());
      });

      it('update validates the result and returns what was stored', async () => {
        const updated = await repos.settings.update('G1', (s) => {
          s.exemptUserIds.push('U-bot'); // mutating the copy is fine
          return s;
        });
        expect(updated.exemptUserIds).toEqual(['U-bot']);
        expect(await repos.settings.get('G1')).toEqual(updated);
        await expect(repos.settings.update('G1', (s) => ({ ...s, reviewChannelId: 42 as unknown as string }))).rejects.toThrow();
        expect(await repos.settings.get('G1')).toEqual(updated);
      });
    });

    describe('cases', () => {
      it('create opens a case with an id, timestamps and an "opened" history entry', async () => {
        const c = await repos.cases.create(newCase());
        expect(c.id).toMatch(CASE_ID_PATTERN);
        expect(c).toMatchObject({ status: 'open', createdAt: clock.now(), updatedAt: clock.now(), card: null });
        expect(c.history).toEqual([{ at: clock.now(), actor: 'normguard', action: 'opened', reason: null }]);
        expect(await repos.cases.get(c.id)).toEqual(c);
        expect(await repos.cases.get('c_aaaaaaaaaa')).toBeNull();
      });

      it('apply: uphold, refuse a second decision, with history; not-found for an unknown case', async () => {
        const c = await repos.cases.create(newCase());
        clock.advance(1_000);
        const upheld = await service.apply(c.id, { type: 'uphold', actor: 'U-mod1' });
        expect(upheld).toMatchObject({ ok: true, case: { status: 'upheld', updatedAt: clock.now() } });

        const late = await service.apply(c.id, { type: 'dismiss', actor: 'U-mod2', reason: 'banter' });
        expect(late).toMatchObject({ ok: false, reason: 'already-decided', case: { status: 'upheld' } });

        const stored = await repos.cases.get(c.id);
        expect(stored?.history.map((h) => [h.actor, h.action])).toEqual([
          ['normguard', 'opened'],
          ['U-mod1', 'upheld'],
        ]);
        expect(await service.apply('c_zzzzzzzzzz', { type: 'uphold', actor: 'U-mod1' })).toMatchObject({ ok: false, reason: 'not-found' });
      });

      it('two concurrent decisions on an open case through CaseService.apply: exactly one wins, the other sees the winner', async () => {
        const c = await repos.cases.create(newCase());
        const results = await Promise.all([
          service.apply(c.id, { type: 'uphold', actor: 'U-mod1' }),
          service.apply(c.id, { type: 'dismiss', actor: 'U-mod2', reason: 'fine' }),
        ]);
        const winners = results.filter((r) => r.ok);
        const losers = results.filter((r) => !r.ok);
        expect(winners).toHaveLength(1);
        expect(losers).toHaveLength(1);
        expect(losers[0]).toMatchObject({ reason: 'already-decided' });
        const winner = winners[0]!;
        const loser = losers[0]!;
        if (!winner.ok || loser.ok || loser.reason === 'not-found') throw new Error('unreachable');
        expect(loser.case).toEqual(winner.case);
        const stored = await repos.cases.get(c.id);
        expect(stored).toEqual(winner.case);
        expect(stored?.history.filter((h) => h.action !== 'opened')).toHaveLength(1);
      });

      it('20 moderators deciding one case at once through CaseService.apply: one decision', async () => {
        const c = await repos.cases.create(newCase());
        const results = await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            service.apply(c.id, i % 2 ? { type: 'uphold', actor: `U-mod${i}` } : { type: 'dismiss', actor: `U-mod${i}`, reason: null }),
          ),
        );
        expect(results.filter((r) => r.ok)).toHaveLength(1);
        expect(results.filter((r) => !r.ok && r.reason === 'already-decided')).toHaveLength(19);
        expect((await repos.cases.get(c.id))?.history.filter((h) => h.action === 'upheld' || h.action === 'dismissed')).toHaveLength(1);
      });

      it('attachCard and appendHistory update in place; null for an unknown case', async () => {
        const c = await repos.cases.create(newCase());
        clock.advance(500);
        const card = { channelId: 'C-mods', messageId: 'M-card', threadId: 'T-thread' };
        expect((await repos.cases.attachCard(c.id, card))?.card).toEqual(card);
        const noted = await repos.cases.appendHistory(c.id, { actor: 'U-mod1', action: 'rationale', reason: 'Why this norm? asked' });
        expect(noted?.history.at(-1)).toEqual({ at: clock.now(), actor: 'U-mod1', action: 'rationale', reason: 'Why this norm? asked' });
        expect(noted?.status).toBe('open');
        expect(await repos.cases.get(c.id)).toEqual(noted);
        expect(await repos.cases.attachCard('c_zzzzzzzzzz', card)).toBeNull();
        expect(await repos.cases.appendHistory('c_zzzzzzzzzz', { actor: 'U', action: 'note' })).toBeNull();
      });

      it('indexes: 20 concurrent creates lose no id, per workspace and per author', async () => {
        const created = await Promise.all(
          Array.from({ length: 20 }, (_, i) => repos.cases.create(newCase({ authorId: i % 2 ? 'U-alice' : 'U-bob', messageId: `M${i}` }))),
        );
        const ids = created.map((c) => c.id).sort();
        expect(new Set(ids).size).toBe(20);
        expect((await repos.cases.listByWorkspace('G1', { limit: 100 })).map((c) => c.id).sort()).toEqual(ids);
        const alice = await repos.cases.listByAuthor('G1', 'U-alice', { limit: 100 });
        const bob = await repos.cases.listByAuthor('G1', 'U-bob', { limit: 100 });
        expect(alice).toHaveLength(10);
        expect(bob).toHaveLength(10);
        expect(alice.every((c) => c.authorId === 'U-alice')).toBe(true);
        expect(await repos.cases.listByWorkspace('G-other')).toEqual([]);
      });

      it('lists newest first, filtered by status and since, up to the limit', async () => {
        const made = [];
        for (let i = 0; i < 5; i++) {
          made.push(await repos.cases.create(newCase({ messageId: `M${i}`, authorId: i < 3 ? 'U-alice' : 'U-bob' })));
          clock.advance(60_000);
        }
        await service.apply(made[1]!.id, { type: 'uphold', actor: 'U-mod' });
        await service.apply(made[3]!.id, { type: 'dismiss', actor: 'U-mod', reason: null });
        const ids = (cases: { id: string }[]) => cases.map((c) => c.id);

        expect(ids(await repos.cases.listByWorkspace('G1'))).toEqual(ids([...made].reverse()));
        expect(ids(await repos.cases.listByWorkspace('G1', { limit: 2 }))).toEqual([made[4]!.id, made[3]!.id]);
        expect(ids(await repos.cases.listByWorkspace('G1', { status: 'open' }))).toEqual([made[4]!.id, made[2]!.id, made[0]!.id]);
        expect(ids(await repos.cases.listByWorkspace('G1', { since: made[2]!.createdAt }))).toEqual([made[4]!.id, made[3]!.id, made[2]!.id]);
        expect(ids(await repos.cases.listByAuthor('G1', 'U-alice', { limit: 2 }))).toEqual([made[2]!.id, made[1]!.id]);
      });

      it('refuses a malformed stored case with NormguardError STORE', async () => {
        await kv.set(keys.case('c_bbbbbbbbbb'), { id: 'c_bbbbbbbbbb', status: 'maybe' });
        const err = await repos.cases.get('c_bbbbbbbbbb').catch((e: unknown) => e);
        expect(err).toBeInstanceOf(NormguardError);
        expect((err as NormguardError).code).toBe('STORE');
      });

      if (backend.persistent) {
        it('restart: a case survives close and reopen, and a decision on it still works', async () => {
          const c = await repos.cases.create(newCase());
          const withCard = await repos.cases.attachCard(c.id, { channelId: 'C-mods', messageId: 'M-card', threadId: null });
          await kv.close();

          const reopened = createRepositories(await fx.open(), clock);
          expect(await reopened.cases.get(c.id)).toEqual(withCard);
          expect((await reopened.cases.listByWorkspace('G1')).map((x) => x.id)).toEqual([c.id]);
          // A button pressed on the card after the restart carries only the case id.
          expect(await caseServiceOver(reopened, clock).apply(c.id, { type: 'uphold', actor: 'U-mod1' })).toMatchObject({
            ok: true,
            case: { status: 'upheld', card: { messageId: 'M-card' } },
          });
        });
      }
    });

    describe('assessment cache', () => {
      it('cacheKey: repeats that differ only in case, whitespace or Unicode form hit; other text misses', () => {
        const base = cacheKey(cacheParts({ situation: 'Bob shared his build.', action: 'You are worthless' }));
        expect(base).toMatch(/^[0-9a-f]{64}$/);
        expect(cacheKey(cacheParts({ action: '  YOU   are\n\tworthless ', situation: 'bob shared his BUILD.' }))).toBe(base);
        expect(cacheKey(cacheParts({ situation: 'Ｂｏｂ shared his build.', action: 'You are worthless', intent: undefined }))).toBe(base);
        expect(cacheKey(cacheParts({ situation: 'Bob shared his build.', action: 'You are brilliant' }))).not.toBe(base);
        expect(cacheKey(cacheParts({ situation: 'Bob shared his build.', action: 'You are worthless' }, { method: 'structured' }))).not.toBe(base);
        expect(cacheKey(cacheParts({ situation: 'Bob shared his build.', action: 'You are worthless' }, { model: 'other:4b' }))).not.toBe(base);
        expect(cacheKey(cacheParts({ situation: 'Bob shared his build.', intent: 'You are worthless' }))).not.toBe(base);
      });

      it('stores by key, reads back marked cached, misses other keys, expires after the TTL', async () => {
        const key = cacheKey(cacheParts({ action: 'You are worthless' }));
        await repos.assessmentCache.set(key, { ...assessment, cached: false }, 100);
        expect(await repos.assessmentCache.get(cacheKey(cacheParts({ action: '  you ARE worthless' })))).toEqual({ ...assessment, cached: true });
        expect(await repos.assessmentCache.get(cacheKey(cacheParts({ action: 'You are great' })))).toBeNull();
        await fx.elapse(150);
        expect(await repos.assessmentCache.get(key)).toBeNull();
      });

      it('treats a malformed entry as a miss', async () => {
        await kv.set(keys.assessment('bad'), { verdict: 'sort of' });
        expect(await repos.assessmentCache.get('bad')).toBeNull();
      });
    });

    describe('dedupe', () => {
      it('claims a key once, under 20 concurrent callers, and again after the TTL', async () => {
        const results = await Promise.all(Array.from({ length: 20 }, () => repos.dedupe.claim('slack:Ev123', 100)));
        expect(results.filter(Boolean)).toHaveLength(1);
        expect(await repos.dedupe.claim('slack:Ev123', 100)).toBe(false);
        expect(await repos.dedupe.claim('slack:Ev124', 100)).toBe(true);
        await fx.elapse(150);
        expect(await repos.dedupe.claim('slack:Ev123', 100)).toBe(true);
      });
    });
  });
}

runRepositorySuite('memory', memoryBackend);
runRepositorySuite('sqlite', sqliteBackend);
runRepositorySuite('redis', redisBackend);

describe('repositories on Redis across processes', () => {
  let namespace: string;
  let a: Repositories;
  let b: Repositories;
  let serviceA: CaseService;
  let serviceB: CaseService;
  const opened: KvStore[] = [];

  beforeEach(async () => {
    namespace = uniqueNamespace('repos-xproc');
    const clock = new ManualClock();
    for (let i = 0; i < 2; i++) opened.push(await openStore({ dataDir: '/nonexistent-unused', redisUrl: REDIS_URL, namespace }));
    a = createRepositories(opened[0]!, clock);
    b = createRepositories(opened[1]!, clock);
    serviceA = caseServiceOver(a, clock);
    serviceB = caseServiceOver(b, clock);
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((kv) => kv.close().catch(() => undefined)));
    await deleteNamespace(namespace);
  });

  it('two processes deciding the same cases at once through CaseService.apply: exactly one decision per case', async () => {
    const cases = await Promise.all(Array.from({ length: 10 }, (_, i) => a.cases.create(newCase({ messageId: `M${i}` }))));
    const outcomes = await Promise.all(
      cases.map(async (c) => {
        const [x, y] = await Promise.all([
          serviceA.apply(c.id, { type: 'uphold', actor: 'U-mod1' }),
          serviceB.apply(c.id, { type: 'dismiss', actor: 'U-mod2', reason: 'fine' }),
        ]);
        return { c, x, y };
      }),
    );
    for (const { c, x, y } of outcomes) {
      expect([x.ok, y.ok].filter(Boolean)).toHaveLength(1);
      const loser = x.ok ? y : x;
      expect(loser).toMatchObject({ ok: false, reason: 'already-decided' });
      const stored = await b.cases.get(c.id);
      expect(stored?.history.filter((h) => h.action !== 'opened')).toHaveLength(1);
    }
  });

  it('two processes creating cases at once: the index keeps every id', async () => {
    const created = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).cases.create(newCase({ messageId: `M${i}` }))));
    const listed = await a.cases.listByWorkspace('G1', { limit: 100 });
    expect(listed.map((c) => c.id).sort()).toEqual(created.map((c) => c.id).sort());
  });

  it('two processes claiming the same event: one handles it', async () => {
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).dedupe.claim('discord:M42', 60_000)));
    expect(results.filter(Boolean)).toHaveLength(1);
  });
});
