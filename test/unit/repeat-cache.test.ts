import { describe, expect, it } from 'vitest';
import type { Assessment } from '../../src/assessment/types.js';
import { RepeatCache } from '../../src/moderation/index.js';

let now = 0;
const clock = { now: () => now };

const verdict = (over: Partial<Assessment> = {}): Assessment => ({
  strategy: 'permissibility',
  verdict: 'impermissible',
  severity: 'medium',
  norm: 'It is wrong to insult people.',
  summary: 'An insult.',
  text: 'No, it is not permissible to implement "alice writes: …"',
  model: 'normguard',
  method: 'fast',
  latencyMs: 300,
  usage: { promptTokens: 100, completionTokens: 40 },
  ...over,
});

describe('RepeatCache', () => {
  it('answers the same text in the same workspace, whatever its case and spacing, without the first author’s prose', () => {
    const c = new RepeatCache({ ttlMs: 1000, clock });
    c.set(c.key('g1', 'FREE NITRO  for everyone'), verdict());
    expect(c.get(c.key('g1', 'free nitro for   EVERYONE'))).toMatchObject({ verdict: 'impermissible', severity: 'medium', text: '', cached: true });
    expect(c.get(c.key('g2', 'FREE NITRO for everyone'))).toBeNull();
    expect(c.get(c.key('g1', 'FREE NITRO for everyone!'))).toBeNull();
  });

  it('keeps an entry for its TTL and forgets it after, and forgets beyond its size, least recently used first', () => {
    now = 0;
    const c = new RepeatCache({ ttlMs: 1000, maxEntries: 2, clock });
    c.set('a', verdict());
    c.set('b', verdict());
    expect(c.get('a')).not.toBeNull(); // a is now the most recent
    c.set('c', verdict());
    expect(c.get('b')).toBeNull();
    expect(c.size).toBe(2);
    now = 1000;
    expect(c.get('a')).not.toBeNull();
    now = 1001;
    expect(c.get('a')).toBeNull();
  });

  it('does not remember unclear or unreadable verdicts', () => {
    const c = new RepeatCache({ ttlMs: 1000, clock });
    c.set('u', verdict({ verdict: 'unclear', severity: 'none' }));
    c.set('r', verdict({ raw: '{"verdict": "imperm' }));
    expect(c.get('u')).toBeNull();
    expect(c.get('r')).toBeNull();
  });

  it('keys a long text by its digest: same text hits, a different one of the same length does not', () => {
    const c = new RepeatCache({ ttlMs: 1000, clock });
    const long = 'spam '.repeat(1000);
    const key = c.key('g1', long);
    expect(key.length).toBeLessThan(100);
    c.set(key, verdict());
    expect(c.get(c.key('g1', long.toUpperCase()))).not.toBeNull();
    expect(c.get(c.key('g1', `${long.slice(0, -2)}x`))).toBeNull();
  });

  it('runs one audit for identical texts in flight; a failed one lets the others ask themselves', async () => {
    const c = new RepeatCache({ ttlMs: 1000, clock });
    let calls = 0;
    let release!: (a: Assessment) => void;
    const first = c.join('k', () => {
      calls++;
      return new Promise<Assessment>((r) => (release = r));
    });
    expect(c.inFlight('k')).toBe(true);
    const second = c.join('k', async () => {
      calls++;
      return verdict();
    });
    release(verdict());
    await expect(first).resolves.toMatchObject({ verdict: 'impermissible' });
    await expect(second).resolves.toMatchObject({ verdict: 'impermissible', cached: true });
    expect(calls).toBe(1);
    expect(c.inFlight('k')).toBe(false);

    const failing = c.join('f', () => Promise.reject(new Error('shed')));
    const follower = c.join('f', async () => verdict({ severity: 'high' }));
    await expect(failing).rejects.toThrow('shed');
    await expect(follower).resolves.toMatchObject({ severity: 'high' });
  });
});
