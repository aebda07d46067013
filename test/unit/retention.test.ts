import { describe, expect, it } from 'vitest';
import { CaseRepository, MemoryKvStore } from '../../src/store/index.js';
import type { Assessment } from '../../src/assessment/types.js';

const DAY = 24 * 60 * 60_000;
let now = 1_000_000;
const clock = { now: () => now };

const assessment: Assessment = {
  strategy: 'permissibility',
  verdict: 'impermissible',
  severity: 'medium',
  norm: 'Be kind.',
  summary: 's',
  text: 't',
  model: 'normguard',
  method: 'fast',
  latencyMs: 1,
  usage: { promptTokens: 1, completionTokens: 1 },
};

/** A decision straight on the repository: retention is the repository's job, whoever decides. */
function decide(repo: CaseRepository, id: string, status: 'upheld' | 'dismissed') {
  return repo.mutate(id, (c) => ({ next: { ...c, status }, value: null }));
}

function newCase(repo: CaseRepository) {
  return repo.create({ workspaceId: 'w', platform: 'discord', channelId: 'c', messageId: 'm', messageUrl: null, authorId: 'a', messageText: 'hello', context: '', assessment, rule: 'r' });
}

describe('retention of closed cases', () => {
  it('a decided case expires after the retention period; an open one and one with an open appeal stay', async () => {
    const kv = new MemoryKvStore({ clock });
    const repo = new CaseRepository(kv, clock, { closedCaseTtlMs: 30 * DAY });
    const open = await newCase(repo);
    const decided = await newCase(repo);
    const appealed = await newCase(repo);
    await decide(repo, decided.id, 'dismissed');
    await decide(repo, appealed.id, 'upheld');
    await repo.mutate(appealed.id, (c, t) => ({ next: { ...c, appeal: { status: 'open', text: 'x', at: t, expiresAt: t + DAY, decidedBy: null, decidedAt: null, reason: null } }, value: null }));
    now += 31 * DAY;
    expect(await repo.get(open.id)).not.toBeNull();
    expect(await repo.get(decided.id)).toBeNull();
    expect(await repo.get(appealed.id)).not.toBeNull();
    expect((await repo.listByWorkspace('w')).map((c) => c.id).sort()).toEqual([open.id, appealed.id].sort());
  });

  it('without a retention period nothing expires', async () => {
    const kv = new MemoryKvStore({ clock });
    const repo = new CaseRepository(kv, clock);
    const c = await newCase(repo);
    await decide(repo, c.id, 'dismissed');
    now += 3650 * DAY;
    expect(await repo.get(c.id)).not.toBeNull();
  });
});
