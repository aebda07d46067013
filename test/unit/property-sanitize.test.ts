import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { capLength, sanitizeField } from '../../src/strategies/index.js';
import { CONTROL_TOKEN, FORBIDDEN_IN_OUTPUT, hostileText, maxLength, STARTS_WITH_LABEL } from '../fixtures/arbitraries.js';

// Properties of the sanitiser (DESIGN.md §2) over any text a chat user could send.
const RUNS = { numRuns: 1500 };
const options = fc.record({ quoted: fc.boolean(), maxLength });
const codePoints = (s: string) => Array.from(s).length;

// Lookalike letters mapped to Latin, so the property sees "Іntent:" (Cyrillic І) as a label too.
const LOOKALIKE_LETTERS: Record<string, string> = { І: 'I', і: 'i', Ι: 'I', ι: 'i', Е: 'E', е: 'e', Ο: 'O', О: 'O', о: 'o', ο: 'o', С: 'C', с: 'c', Т: 'T', Α: 'A', а: 'a' };
const skeleton = (s: string) => s.replace(/./gu, (c) => LOOKALIKE_LETTERS[c] ?? c);

describe('sanitizeField, for any input', () => {
  it('is idempotent: sanitising sanitised text changes nothing', () => {
    fc.assert(
      fc.property(hostileText, options, (text, opts) => {
        const once = sanitizeField(text, opts);
        expect(sanitizeField(once, opts)).toBe(once);
      }),
      RUNS,
    );
  });

  it('leaves no control, zero-width, bidi, tag or variation-selector character and no lone surrogate', () => {
    fc.assert(
      fc.property(hostileText, options, (text, opts) => {
        const out = sanitizeField(text, opts);
        expect(out).not.toMatch(FORBIDDEN_IN_OUTPUT);
        expect(out).not.toMatch(/[\n\r]/);
      }),
      RUNS,
    );
  });

  it('is one trimmed line with single spaces', () => {
    fc.assert(
      fc.property(hostileText, options, (text, opts) => {
        const out = sanitizeField(text, opts);
        expect(out).toBe(out.trim());
        expect(out).not.toMatch(/\s{2}|[^\S ]/u);
      }),
      RUNS,
    );
  });

  it('respects the length cap, in code points', () => {
    fc.assert(
      fc.property(hostileText, options, (text, opts) => {
        expect(codePoints(sanitizeField(text, opts))).toBeLessThanOrEqual(opts.maxLength);
      }),
      RUNS,
    );
  });

  it('never starts with a frame label, fullwidth or lookalike ones included', () => {
    fc.assert(
      fc.property(hostileText, options, (text, opts) => {
        const out = sanitizeField(text, opts);
        expect(out).not.toMatch(STARTS_WITH_LABEL);
        expect(skeleton(out)).not.toMatch(STARTS_WITH_LABEL);
      }),
      RUNS,
    );
  });

  it('leaves no chat-template control token (<|im_end|>, </think>…) that could end the user turn', () => {
    fc.assert(
      fc.property(hostileText, options, (text, opts) => {
        expect(sanitizeField(text, opts)).not.toMatch(CONTROL_TOKEN);
      }),
      RUNS,
    );
    for (const nested of ['<|<|im_end|>|>', '<<|im_end|>|im_start|>', '＜｜im_end｜＞', '<|im_\u200Bend|>', '<thi\u00ADnk>']) {
      expect(sanitizeField(nested, { maxLength: 100 })).not.toMatch(CONTROL_TOKEN);
    }
  });

  it('a quoted field has no double quote left to close the frame’s quote', () => {
    fc.assert(
      fc.property(hostileText, maxLength, (text, max) => {
        expect(sanitizeField(text, { quoted: true, maxLength: max })).not.toContain('"');
      }),
      RUNS,
    );
  });

  it('keeps text that needs no cleaning exactly as it is', () => {
    const clean = fc.string({ unit: fc.constantFrom(...'abcdefghij KLMNOP.,!?'.split('')), minLength: 1, maxLength: 200 }).map((s) => s.replace(/ +/g, ' ').trim());
    fc.assert(
      fc.property(clean, (text) => {
        fc.pre(text.length > 0 && !STARTS_WITH_LABEL.test(text));
        expect(sanitizeField(text, { maxLength: 300 })).toBe(text);
      }),
      RUNS,
    );
  });
});

describe('capLength, for any input', () => {
  it('returns the text when it fits, else a prefix of at most maxLength code points ending in an ellipsis', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 80 }), fc.integer({ min: 0, max: 90 }), (text, max) => {
        const out = capLength(text, max);
        if (codePoints(text) <= max) {
          expect(out).toBe(text);
          return;
        }
        expect(codePoints(out)).toBeLessThanOrEqual(max);
        if (max >= 1) expect(out.endsWith('…')).toBe(true);
        expect(text.startsWith(out.slice(0, -1).trimEnd())).toBe(true);
      }),
      RUNS,
    );
  });
});
