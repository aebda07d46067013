import { describe, expect, it } from 'vitest';
import type { VerdictMethod } from '../../src/assessment/types.js';
import { buildReport, formatTable, renderHtml, resultKey, type EvalSet, type ItemResult, type ModelIdentity } from '../../src/eval/index.js';

const MODEL: ModelIdentity = { name: 'normguard', digest: 'abc123def4567890', hosts: ['http://gpu-1:11434'], versions: ['0.12.11'], simulator: false, runHost: 'ci-box' };

const EVIL = '<img src=x onerror="alert(1)"> & “friends”';
const set: EvalSet = {
  kind: 'cases',
  description: 'decided review cases of workspace <g1>',
  identity: 'workspace:g1',
  records: 3,
  items: [
    { id: 'a', label: 'impermissible', norm: EVIL, fields: { situation: 's', intent: 'i', action: 'x' } },
    { id: 'b', label: 'permissible', norm: 'Be kind.', fields: { situation: 's', intent: 'i', action: 'y' } },
    { id: 'c', label: 'permissible', norm: 'Be kind.', fields: { situation: 's', intent: 'i', action: 'z' } },
  ],
};

function line(id: string, method: VerdictMethod, over: Partial<ItemResult>): [string, ItemResult] {
  const item = set.items.find((i) => i.id === id)!;
  return [resultKey(id, 'check', method), { id, frame: 'check', method, label: item.label, norm: item.norm, prediction: 'permissible', severity: 'none', score: null, latencyMs: 100, tokens: { prompt: 10, completion: 5 }, at: 0, ...over }];
}

const results = new Map([
  line('a', 'structured', {}),
  line('b', 'structured', { prediction: 'impermissible', severity: 'high' }),
  line('c', 'structured', { prediction: null, severity: null, error: { code: 'TIMEOUT', message: 'no answer within 5s' } }),
  line('a', 'fast', { prediction: 'permissible', latencyMs: 20 }),
  line('b', 'fast', { prediction: 'impermissible', severity: 'medium', latencyMs: 30 }),
  // c has no fast answer yet: the run was interrupted.
]);

const report = buildReport({ set, model: MODEL, frames: ['check'], methods: ['structured', 'fast'], concurrency: 2, outDir: '/tmp/out', results, targetPrecision: 0.5, now: new Date(0) });

describe('the evaluation report', () => {
  it('counts answered, failed and pending items per method, and scores only the answered', () => {
    const [structured, fast] = report.byMethod;
    expect(structured).toMatchObject({ planned: 3, answered: 2, errors: 1, pending: 0, errorsByCode: { TIMEOUT: 1 } });
    expect(fast).toMatchObject({ planned: 3, answered: 2, errors: 0, pending: 1 });
    expect(report.complete).toBe(false);
    expect(structured?.scores).toMatchObject({ accuracy: 0, precision: 0, recall: 0, f1: 0 });
    expect(structured?.latencyMs).toEqual({ p50: 100, p95: 100, mean: 100, max: 100 });
    expect(structured?.tokensPerItem).toEqual({ prompt: 10, completion: 5, total: 15 });
    expect(structured?.calibration?.chosen).toBeNull();
    // Agreement over the items both methods answered (a and b).
    expect(report.agreement).toEqual({ items: 2, matching: 2, rate: 1, kappa: 1 });
    expect(report.frames).toEqual([{ name: 'check', id: 'S3', strategy: 'permissibility' }]);
    expect(report.set.caveat).toMatch(/^Moderators' decisions: an unbiased measure/);
  });

  it('has no agreement with one method', () => {
    const one = buildReport({ set, model: MODEL, frames: ['evaluate'], methods: ['fast'], concurrency: 1, outDir: 'o', results, now: new Date(0) });
    expect(one.agreement).toBeNull();
    expect(one.byMethod[0]?.calibration).toBeNull();
    expect(one.frames.map((f) => f.id)).toEqual(['S2']);
    // Its answers were all asked in S3, so nothing of S2 is known yet.
    expect(one.byMethod[0]).toMatchObject({ answered: 0, pending: 3 });
  });

  it('escapes text from chat users and the model in the HTML', () => {
    const html = renderHtml(report);
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp; “friends”');
    expect(html).toContain('decided review cases of workspace &lt;g1&gt;');
    expect(html).toContain('<div id="set-banner" class="banner banner-unbiased" data-set-kind="cases"');
    expect(html).toContain('id="incomplete-banner"');
    expect(html).not.toMatch(/<script/i);
  });

  it('prints a table with the failures and the calibration verdict', () => {
    const table = formatTable(report);
    expect(table).toContain("note: Moderators' decisions: an unbiased measure");
    expect(table).toContain('incomplete: 1 fast item(s) not run yet');
    expect(table).toMatch(/errors\s+1\s+0/);
    expect(table).toContain('structured: TIMEOUT 1');
    expect(table).toContain('no threshold reaches a precision of 0.5 on this set');
    expect(table).toMatch(/precision \(impermissible\)\s+0\.000\s+0\.000/);
  });
});
