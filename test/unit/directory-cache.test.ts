import { describe, expect, it } from 'vitest';
import { TtlCache } from '../../dashboard/platforms/types.js';

describe("the dashboard's directory cache", () => {
  it('keeps an answer, null included, until its time is up on the injected clock', async () => {
    let now = 0;
    const cache = new TtlCache<string | null>(60_000, () => now);
    let loads = 0;
    const load = async () => {
      loads += 1;
      return null;
    };
    expect(await cache.get('C1', load)).toBeNull();
    now = 59_000;
    expect(await cache.get('C1', load)).toBeNull();
    expect(loads).toBe(1);
    now = 61_000;
    await cache.get('C1', load);
    expect(loads).toBe(2);
  });

  it('joins a lookup already in flight, and does not keep a failure', async () => {
    const cache = new TtlCache<string>(60_000, () => 0);
    let loads = 0;
    let release!: (v: string) => void;
    const slow = () => {
      loads += 1;
      return new Promise<string>((r) => (release = r));
    };
    const both = Promise.all([cache.get('C1', slow), cache.get('C1', slow)]);
    release('general');
    expect(await both).toEqual(['general', 'general']);
    expect(loads).toBe(1);

    await expect(cache.get('C2', () => Promise.reject(new Error('slack said ratelimited')))).rejects.toThrow('ratelimited');
    expect(await cache.get('C2', async () => 'random')).toBe('random');
  });
});
