import { describe, expect, it } from 'vitest';
import { capLength, sanitizeField } from '../../src/strategies/index.js';

const plain = (s: string, maxLength = 1000) => sanitizeField(s, { maxLength });

describe('sanitizeField', () => {
  it('folds newlines, tabs and control characters (null bytes too) to single spaces', () => {
    expect(plain('a\nb\r\nc\td\u0000e\u0007f\u2028g\u2029h\u0085i')).toBe('a b c d e f g h i');
  });
  it('collapses runs of white space and trims', () => {
    expect(plain('   many    spaces \n\n here  ')).toBe('many spaces here');
  });
  it('drops zero-width characters, so they cannot hide a label or a word', () => {
    expect(plain('Con\u200Btext\u200D: ki\u2060ll\uFEFF')).toBe('kill');
    expect(plain('so\u00ADft hy\u200Bphen')).toBe('soft hyphen');
  });
  it('drops bidi overrides and isolates', () => {
    expect(plain('abc\u202Edef\u202C \u2067ghi\u2069')).toBe('abcdef ghi');
  });
  it("turns double quotes into ' only in quoted fields", () => {
    expect(sanitizeField('say "x" “y”', { quoted: true, maxLength: 100 })).toBe("say 'x' 'y'");
    expect(sanitizeField('say "x"', { quoted: false, maxLength: 100 })).toBe('say "x"');
  });
  it('keeps ordinary punctuation and curly apostrophes from real data', () => {
    expect(plain('Tom’s dog isn’t here; it’s fine!')).toBe('Tom’s dog isn’t here; it’s fine!');
  });
  it('removes any number of leading frame labels, any case and spacing', () => {
    expect(plain('intent : objective: GOAL:  go home')).toBe('go home');
    expect(plain('the Context: stays in the middle')).toBe('the Context: stays in the middle');
  });
  it('caps length at a word boundary with an ellipsis', () => {
    const out = plain('one two three four five six seven', 20);
    expect(out).toBe('one two three four…');
    expect(Array.from(out).length).toBeLessThanOrEqual(20);
  });
  it('text that is all control characters becomes empty', () => {
    expect(plain('\u0000\n\u200B\u202E')).toBe('');
  });
});

describe('capLength', () => {
  it('leaves short text alone', () => {
    expect(capLength('short', 10)).toBe('short');
  });
  it('cuts a single long word hard rather than returning almost nothing', () => {
    expect(capLength('a'.repeat(50), 10)).toBe(`${'a'.repeat(9)}…`);
  });
  it('counts code points, so an emoji is never split', () => {
    const out = capLength('😀'.repeat(30), 10);
    expect(Array.from(out)).toHaveLength(10);
    expect(out.endsWith('…')).toBe(true);
  });
});
