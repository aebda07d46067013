import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Assessment } from '../../src/assessment/types.js';
import type { CaseService } from '../../src/moderation/cases.js';
import { createRepositories, type KvStore, type NewReviewCase, type Repositories } from '../../src/store/index.js';
import { indexes, legacyKeys } from '../../src/store/keys.js';
import { caseServiceOver } from '../support/case-service.js';
import { ManualClock, storeBackends, type StoreBackend, type StoreFixture } from '../support/store-backends.js';

const backends = storeBackends('case-index');
const DAY = 24 * 60 * 60_000;
const APPEAL_TTL = 7 * DAY;

const assessment: Assessment = {
  strategy: 'permissibility',
  verdict: 'impermissible',
  severity: 'high',
  norm: 'You should not insult people.',
  summary: 'An insult.',
  text: 'It is not permissible...',
  model: 'moral-auditor:4b',
  method: 'fast',
  latencyMs: 1,
  usage: { promptTokens: 1, completionTokens: 1 },
};

function newCase(i: number, over: Partial<NewReviewCase> = {}): NewReviewCase {
  return { workspaceId: 'G1', platform: 'discord', channelId: 'C1', messageId: `M${i}`, messageUrl: null, authorId: `U${i % 10}`, messageText: 'you are worthless', context: '', assessment, rule: 'flag-threshold', ...over };
}

/** How the appeal sweep in both adapters runs: due appeals of a workspace, each timed out through apply. */
async function sweep(service: CaseService, workspaceId: string, now: number): Promise<string[]> {
  const expired: string[] = [];
  for (const c of await service.expiredAppeals(workspaceId, now)) {
    const result = await service.apply(c.id, { type: 'appeal-expire' });
    if (result.ok) expired.push(c.id);
  }
  return expired;
}

function runCaseIndexSuite(name: string, backend: StoreBackend): void {
  describe(`case indexes: ${name}`, () => {
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

    it('an appeal on the oldest of 5,000 cases times out when due, and not before', { timeout: 120_000 }, async () => {
      const oldest = await repos.cases.create(newCase(0, { authorId: 'U-author' }));
      clock.advance(60_000);
      for (let i = 1; i < 5_000; i += 100) {
        await Promise.all(Array.from({ length: Math.min(100, 5_000 - i) }, (_, j) => repos.cases.create(newCase(i + j))));
        clock.advance(1_000);
      }
      expect(await service.apply(oldest.id, { type: 'uphold', actor: 'U-mod' })).toMatchObject({ ok: true });
      expect(await service.apply(oldest.id, { type: 'appeal', actor: 'U-author', text: 'It was a joke between friends.' })).toMatchObject({ ok: true });

      clock.advance(APPEAL_TTL - 1_000);
      expect(await sweep(service, 'G1', clock.now())).toEqual([]);
      clock.advance(1_000);
      expect(await sweep(service, 'G1', clock.now())).toEqual([oldest.id]);
      expect((await repos.cases.get(oldest.id))?.appeal?.status).toBe('expired');
      // Timed out once: the appeals index no longer holds it.
      expect(await kv.indexRange(indexes.dueAppeals('G1'))).toEqual([]);
      expect(await sweep(service, 'G1', clock.now() + DAY)).toEqual([]);
    });

    it('a decided appeal leaves the appeals index; the sweep skips it', async () => {
      const c = await repos.cases.create(newCase(1));
      await service.apply(c.id, { type: 'uphold', actor: 'U-mod' });
      await service.apply(c.id, { type: 'appeal', actor: 'U1', text: 'please' });
      expect((await kv.indexRange(indexes.dueAppeals('G1'))).map((e) => e.member)).toEqual([c.id]);
      await service.apply(c.id, { type: 'appeal-deny', actor: 'U-mod', reason: 'no' });
      expect(await kv.indexRange(indexes.dueAppeals('G1'))).toEqual([]);
      expect(await sweep(service, 'G1', clock.now() + APPEAL_TTL)).toEqual([]);
    });

    it('retention prunes the indexes of the cases it removed, and keeps those still open or appealed', async () => {
      const ttl = 300;
      const retained = createRepositories(kv, clock, { closedCaseTtlMs: ttl });
      const svc = caseServiceOver(retained, clock);
      const [open, decided, appealed] = await Promise.all([0, 1, 2].map((i) => retained.cases.create(newCase(i))));
      await svc.apply(decided!.id, { type: 'dismiss', actor: 'U-mod', reason: null });
      await svc.apply(appealed!.id, { type: 'uphold', actor: 'U-mod' });
      await svc.apply(appealed!.id, { type: 'appeal', actor: 'U2', text: 'please' });
      clock.advance(ttl + 100);
      await fx.elapse(ttl + 100);
      // The next create prunes what retention removed.
      const later = await retained.cases.create(newCase(3));
      const ws = (await kv.indexRange(indexes.workspaceCases('G1'))).map((e) => e.member).sort();
      expect(ws).toEqual([open!.id, appealed!.id, later.id].sort());
      expect(await kv.indexRange(indexes.authorCases('G1', 'U1'))).toEqual([]);
      expect(await kv.indexRange(indexes.expiring('G1'))).toEqual([]);
      expect((await retained.cases.listByWorkspace('G1')).map((c) => c.id).sort()).toEqual(ws);
    });

    it('moves the case lists older versions kept (JSON arrays) into the indexes, once, then deletes them', async () => {
      const made = [];
      for (let i = 0; i < 3; i++) {
        made.push(await repos.cases.create(newCase(i, { authorId: 'U-old' })));
        clock.advance(1_000);
      }
      await service.apply(made[0]!.id, { type: 'uphold', actor: 'U-mod' });
      await service.apply(made[0]!.id, { type: 'appeal', actor: 'U-old', text: 'please' });
      // What a store written by an older version holds: arrays of ids, no sorted indexes.
      for (const index of [indexes.workspaceCases('G1'), indexes.authorCases('G1', 'U-old'), indexes.dueAppeals('G1')]) {
        await kv.indexRemove(index, made.map((c) => c.id));
      }
      await kv.set(legacyKeys.workspaceCases('G1'), made.map((c) => c.id));
      await kv.set(legacyKeys.authorCases('G1', 'U-old'), made.map((c) => c.id));

      const upgraded = createRepositories(kv, clock);
      expect((await upgraded.cases.listByWorkspace('G1')).map((c) => c.id)).toEqual(made.map((c) => c.id).reverse());
      expect(await upgraded.cases.listByAuthor('G1', 'U-old')).toHaveLength(3);
      expect(await kv.get(legacyKeys.workspaceCases('G1'))).toBeUndefined();
      expect(await kv.get(legacyKeys.authorCases('G1', 'U-old'))).toBeUndefined();
      const due = await caseServiceOver(upgraded, clock).expiredAppeals('G1', clock.now() + APPEAL_TTL);
      expect(due.map((c) => c.id)).toEqual([made[0]!.id]);
    });
  });
}

runCaseIndexSuite('memory', backends.memory);
runCaseIndexSuite('sqlite', backends.sqlite);
runCaseIndexSuite('redis', backends.redis);
