import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseVerdict } from '../../src/assessment/index.js';
import type { ParsedVerdict } from '../../src/assessment/verdict.js';
import { SEVERITIES, VERDICTS } from '../../src/assessment/types.js';
import { hostileText } from '../fixtures/arbitraries.js';

const RUNS = { numRuns: 1000 };

/** What every ParsedVerdict must be, whatever the model sent. */
function expectValid(v: ParsedVerdict): void {
  expect(VERDICTS).toContain(v.verdict);
  expect(SEVERITIES).toContain(v.severity);
  if (v.verdict === 'permissible') expect(v.severity).toBe('none');
  if (v.verdict === 'impermissible') expect(v.severity).not.toBe('none');
  if (v.norm !== null) {
    expect(typeof v.norm).toBe('string');
    expect(v.norm.length).toBeGreaterThan(0);
    expect(v.norm.length).toBeLessThanOrEqual(300);
    expect(v.norm).not.toMatch(/[\u0000-\u001F\u007F\u2028\u2029]|^\s|\s$|[\uD800-\uDFFF]/u);
  }
  expect(typeof v.summary).toBe('string');
  expect(v.summary.length).toBeLessThanOrEqual(280);
  expect(v.summary).not.toMatch(/[\u0000-\u001F\u007F\u2028\u2029]|[\uD800-\uDFFF]/u);
  if (v.raw !== undefined) {
    expect(v.verdict).toBe('unclear');
    expect(v.raw.length).toBeLessThanOrEqual(4000);
  }
  expect(Object.keys(v).every((k) => ['verdict', 'severity', 'norm', 'summary', 'raw'].includes(k))).toBe(true);
}

const wordish = fc.oneof(
  fc.constantFrom(...VERDICTS, ...SEVERITIES, 'Not Permissible', 'MODERATE', 'n/a', 'none', '', ' ', 'yes', 'no', 'severe'),
  hostileText,
  fc.anything(),
);
/** Near-verdicts: the right keys with any values, as a sloppy model or a broken proxy sends them. */
const verdictLike = fc.record(
  { verdict: wordish, severity: wordish, norm: fc.oneof(hostileText, fc.constant(null), fc.anything()), summary: fc.oneof(hostileText, fc.anything()) },
  { requiredKeys: [] },
);
const chatty = (json: string) => fc.constantFrom(json, `Sure! \`\`\`json\n${json}\n\`\`\``, `${json} and some trailing words}`, `{${json}`, json.slice(0, Math.ceil(json.length / 2)));

describe('parseVerdict, for any model output', () => {
  it('never throws on any string, and returns a valid ParsedVerdict', () => {
    fc.assert(
      fc.property(fc.oneof(hostileText, fc.string({ unit: 'binary', maxLength: 300 })), (output) => expectValid(parseVerdict(output))),
      RUNS,
    );
  });

  it('never throws on any JSON value or near-verdict, bare or wrapped in chatter', () => {
    const json = fc.oneof(fc.jsonValue().map((v) => JSON.stringify(v)), verdictLike.map((v) => JSON.stringify(v) ?? 'undefined'));
    fc.assert(
      fc.property(json.chain(chatty), (output) => expectValid(parseVerdict(output))),
      RUNS,
    );
  });

  it('survives pathological sizes: deep nesting, huge strings, long runs of braces', () => {
    for (const output of [
      '['.repeat(100_000),
      `{"verdict":${'['.repeat(50_000)}`,
      `{"verdict":"impermissible","severity":"high","norm":"${'n'.repeat(200_000)}","summary":"${'😀'.repeat(10_000)}"}`,
      '{'.repeat(100_000) + '}'.repeat(100_000),
      `${'{}'.repeat(50_000)}`,
    ]) {
      expectValid(parseVerdict(output));
    }
  });

  it('valid JSON verdicts round-trip', () => {
    // One-line, trimmed, single-spaced text: what the parser keeps as it is.
    const line = (max: number) =>
      fc
        .string({ unit: fc.oneof(fc.constantFrom(...Array.from('abcdefghijklmnopqrstuvwxyz .,;’\'"é😀')), fc.constant('\u{1F600}')), minLength: 1, maxLength: max })
        .map((s) => s.replace(/\s+/g, ' ').trim())
        .filter((s) => s.length > 0 && s.length <= max);
    const verdict = fc.oneof(
      fc.record({ verdict: fc.constant('permissible' as const), severity: fc.constant('none' as const) }),
      fc.record({ verdict: fc.constant('impermissible' as const), severity: fc.constantFrom('low' as const, 'medium' as const, 'high' as const) }),
      fc.record({ verdict: fc.constant('unclear' as const), severity: fc.constantFrom(...SEVERITIES) }),
    );
    fc.assert(
      fc.property(verdict, fc.option(line(300), { nil: null }), line(280), (v, norm, summary) => {
        fc.pre(norm === null || !/^(none|n\/a|na|null|no norm|-)$/i.test(norm));
        const sent: ParsedVerdict = { ...v, norm, summary };
        expect(parseVerdict(JSON.stringify(sent))).toEqual(sent);
        expect(parseVerdict(`Here it is:\n\`\`\`json\n${JSON.stringify(sent, null, 2)}\n\`\`\``)).toEqual(sent);
      }),
      RUNS,
    );
  });
});
