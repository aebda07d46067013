import { describe, expect, it } from 'vitest';
import { visibleSoFar } from '../../src/inference/think.js';

describe('visibleSoFar: what a reader may see of an answer still arriving', () => {
  it('shows plain text as it is', () => {
    expect(visibleSoFar('The action is')).toBe('The action is');
  });
  it('holds back a think tag that is still arriving, at the start or the end', () => {
    for (const partial of ['<', '<th', '<think', '</thi']) expect(visibleSoFar(partial)).toBe('');
    expect(visibleSoFar('Fine so far <thi')).toBe('Fine so far');
  });
  it('shows nothing of an open think block, and the answer once it closes', () => {
    expect(visibleSoFar('<think>\nweighing it up')).toBe('');
    expect(visibleSoFar('<think>hm</think>\n\nIt is not')).toBe('It is not');
  });
  it('keeps a "<" that starts no tag', () => {
    expect(visibleSoFar('a < b and <b>bold')).toBe('a < b and <b>bold');
  });
});
