import { describe, expect, it } from 'vitest';
import { safeReturnTo } from '../../dashboard/context.js';
import { html, raw } from '../../dashboard/html.js';
import { CaseFeed } from '../../dashboard/live.js';
import { filterCases, queueFilterSchema } from '../../dashboard/queue-filter.js';
import { toCsv } from '../../dashboard/routes/data.js';
import { dashboardStats } from '../../dashboard/stats-data.js';
import type { Assessment } from '../../src/assessment/types.js';
import { reviewCaseSchema, type ReviewCase } from '../../src/store/case.js';
import { MemoryKvStore } from '../../src/store/memory-kv.js';
import { SessionRepository } from '../../src/store/session-repository.js';

const DAY = 86_400_000;
const NOW = Date.parse('2026-12-04T12:00:00Z');

function aCase(over: Partial<ReviewCase> & { score?: number | null; norm?: string | null; method?: Assessment['method'] } = {}): ReviewCase {
  const { score, norm = 'Be kind.', method = 'fast', ...rest } = over;
  const assessment = { strategy: 'permissibility', verdict: 'impermissible', severity: 'medium', norm, summary: 's', text: '', model: 'm', method, latencyMs: 1, usage: { promptTokens: 1, completionTokens: 1 }, ...(score === undefined ? {} : { score }) };
  const base = reviewCaseSchema.parse({
    id: `c_${'abcdefghij'}`,
    workspaceId: 'g1',
    platform: 'discord',
    channelId: 'general',
    messageId: 'm',
    messageUrl: null,
    authorId: 'u1',
    authorName: 'alice',
    messageText: 'you idiot',
    context: '',
    assessment,
    rule: 'flag-threshold',
    status: 'open',
    createdAt: NOW - DAY,
    updatedAt: NOW - DAY,
    card: null,
    history: [],
  });
  // The schema may not know `score` yet (it arrives with calibrated verdicts); keep it on the object.
  return { ...base, ...rest, assessment: { ...base.assessment, ...(score === undefined ? {} : { score }) } as Assessment };
}

describe('dashboard: queue filters', () => {
  const cases = [
    aCase({ id: 'c_aaaaaaaaaa', status: 'upheld', createdAt: NOW - 3 * DAY, score: 0.9 }),
    aCase({ id: 'c_bbbbbbbbbb', createdAt: NOW - 2 * DAY, score: 0.4, norm: 'Be honest.', method: 'structured' }),
    aCase({ id: 'c_cccccccccc', createdAt: NOW - DAY, score: null, messageText: 'Nobody likes your SPAM' }),
  ];
  const run = (query: Record<string, string>) => filterCases(cases, queueFilterSchema.parse(query)).map((c) => c.id);

  it('shows open cases by default, newest first, and open before decided with status=all', () => {
    expect(run({})).toEqual(['c_cccccccccc', 'c_bbbbbbbbbb']);
    expect(run({ status: 'all' })).toEqual(['c_cccccccccc', 'c_bbbbbbbbbb', 'c_aaaaaaaaaa']);
  });

  it('filters by norm, method, date, score range (leaving out cases without a score) and text', () => {
    expect(run({ status: 'all', norm: 'Be honest.' })).toEqual(['c_bbbbbbbbbb']);
    expect(run({ status: 'all', method: 'fast' })).toEqual(['c_cccccccccc', 'c_aaaaaaaaaa']);
    expect(run({ status: 'all', from: '2026-12-02', to: '2026-12-02' })).toEqual(['c_bbbbbbbbbb']);
    expect(run({ status: 'all', score_min: '0.5' })).toEqual(['c_aaaaaaaaaa']);
    expect(run({ status: 'all', score_max: '0.5' })).toEqual(['c_bbbbbbbbbb']);
    expect(run({ status: 'all', q: 'spam' })).toEqual(['c_cccccccccc']);
    expect(run({ status: 'all', channel: '', q: '' })).toHaveLength(3);
  });

  it('refuses malformed filters with field messages', () => {
    const bad = queueFilterSchema.safeParse({ score_min: '2', from: '2026-13-45', status: 'maybe' });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues.map((i) => i.path[0]).sort()).toEqual(['from', 'score_min', 'status']);
  });
});

describe('dashboard: stats', () => {
  it('counts per day, upheld rate, time to decision, norms, score bins and reliability; nullable scores are counted apart', () => {
    const decided = (id: string, status: 'upheld' | 'dismissed', score: number | null, waitMs: number) =>
      aCase({ id, status, score, createdAt: NOW - DAY, history: [{ at: NOW - DAY + waitMs, actor: 'mod', action: status, reason: null }] });
    const s = dashboardStats(
      [decided('c_aaaaaaaaaa', 'upheld', 0.92, 30 * 60_000), decided('c_bbbbbbbbbb', 'dismissed', 0.95, 2 * 3_600_000), decided('c_cccccccccc', 'upheld', null, 2 * DAY), aCase({ id: 'c_dddddddddd', score: 0.15 })],
      { audited: 9, flag: 4, explain: 1, silent: 3, unclear: 1, shadowFlag: 2, shadowExplain: 5, failed: 0 },
      NOW,
      7,
    );
    expect(s.total).toBe(4);
    expect(s.perDay.find((d) => d.label === '2026-12-03')?.value).toBe(4);
    expect(s.perDay).toHaveLength(8);
    expect(s.timeToDecision.map((b) => b.value)).toEqual([1, 1, 0, 0, 1, 0]);
    expect(s.scores[9]!.value).toBe(2);
    expect(s.scores[1]!.value).toBe(1);
    expect(s.withoutScore).toBe(1);
    expect(s.reliability).toEqual([{ label: '0.9–1.0', predicted: (0.92 + 0.95) / 2, upheld: 0.5, n: 2 }]);
    expect(s.shadow).toEqual({ wouldFlag: 2, wouldExplain: 5, flagged: 4, explained: 1 });
    expect(s.norms).toEqual([{ label: 'Be kind.', value: 4 }]);
  });
});

describe('dashboard: safety of what it writes', () => {
  it('escapes user text in pages unless it is markup built by the page itself', () => {
    const name = '<script>alert(1)</script>"&\'';
    expect(html`<p title="${name}">${name}</p>${raw('<b>ok</b>')}`.text).toBe('<p title="&lt;script&gt;alert(1)&lt;/script&gt;&quot;&amp;&#39;">&lt;script&gt;alert(1)&lt;/script&gt;&quot;&amp;&#39;</p><b>ok</b>');
  });

  it('returns only to same-site paths after sign-in', () => {
    expect(safeReturnTo('/w/123/cases/c_abcdefghij?x=1')).toBe('/w/123/cases/c_abcdefghij?x=1');
    for (const bad of ['//evil.example', '/\\evil.example', 'https://evil.example/', 'javascript:alert(1)', '', 42, '/ok"onload=']) expect(safeReturnTo(bad)).toBeNull();
  });

  it('writes CSV a spreadsheet cannot run as formulas', () => {
    expect(toCsv([{ a: '=HYPERLINK("x")', b: 'plain, with comma', c: null, d: '-1+2' }])).toBe('a,b,c,d\r\n"\'=HYPERLINK(""x"")","plain, with comma",,\'-1+2\r\n');
  });
});

describe('dashboard: sessions and the live feed', () => {
  it('keeps sessions server-side with a TTL, revocable one by one or all of a person’s at once', async () => {
    let now = NOW;
    const kv = new MemoryKvStore({ clock: { now: () => now } });
    const sessions = new SessionRepository(kv, { now: () => now }, 3_600_000);
    const one = await sessions.create({ userId: 'u1', name: 'Mod', platform: 'discord', workspaces: [] });
    const two = await sessions.create({ userId: 'u1', name: 'Mod', platform: 'discord', workspaces: [] });
    expect((await sessions.get(one.token))?.userId).toBe('u1');
    expect(await sessions.get('forged')).toBeNull();
    expect(await sessions.revoke(one.token)).toBe(true);
    expect(await sessions.get(one.token)).toBeNull();
    expect(await sessions.get(two.token)).not.toBeNull();
    now += 3_600_001;
    expect(await sessions.get(two.token)).toBeNull();
    const three = await sessions.create({ userId: 'u1', name: 'Mod', platform: 'discord', workspaces: [] });
    expect(await sessions.revokeAll('discord', 'u1')).toBe(1);
    expect(await sessions.get(three.token)).toBeNull();
    // A callback state is good once.
    await sessions.savePending('state-1', { platform: 'discord', verifier: 'v', returnTo: '/' });
    expect(await sessions.takePending('state-1')).toEqual({ platform: 'discord', verifier: 'v', returnTo: '/' });
    expect(await sessions.takePending('state-1')).toBeNull();
  });

  it('tells listeners about cases that arrive or change, from any writer', async () => {
    let cases = [aCase({ id: 'c_aaaaaaaaaa', updatedAt: 1 })];
    const feed = new CaseFeed(async () => cases, 10);
    const seen: string[] = [];
    const stop = feed.subscribe('g1', (c) => seen.push(`${c.kind}:${c.id}:${c.status}`));
    await new Promise((r) => setTimeout(r, 40));
    cases = [aCase({ id: 'c_bbbbbbbbbb', updatedAt: 2 }), aCase({ id: 'c_aaaaaaaaaa', status: 'upheld', updatedAt: 3 })];
    await new Promise((r) => setTimeout(r, 60));
    stop();
    feed.close();
    expect(seen).toEqual(['opened:c_bbbbbbbbbb:open', 'changed:c_aaaaaaaaaa:upheld']);
  });
});
