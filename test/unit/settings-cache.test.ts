import { describe, expect, it } from 'vitest';
import { MemoryKvStore, SettingsRepository } from '../../src/store/index.js';

/** Counts reads so the test sees what the cache saved. */
class CountingKv extends MemoryKvStore {
  reads = 0;
  override async get<T = unknown>(key: string): Promise<T | undefined> {
    this.reads++;
    return super.get<T>(key);
  }
}

describe('settings read cache', () => {
  it('exact mode: one store read, kept true by update, and frozen so no caller can corrupt it', async () => {
    const kv = new CountingKv();
    const repo = new SettingsRepository(kv, { cache: 'exact' });
    await repo.update('w', (s) => ({ ...s, channels: { c: { mode: 'flag', unclearToReview: false } } }));
    kv.reads = 0;
    const a = await repo.get('w');
    const b = await repo.get('w');
    expect(kv.reads).toBe(0);
    expect(a).toBe(b);
    expect(a.channels.c?.mode).toBe('flag');
    expect(() => {
      (a.channels as Record<string, unknown>).c = null;
    }).toThrow(TypeError);
    await repo.update('w', (s) => ({ ...s, channels: { c: { mode: 'coach', unclearToReview: false } } }));
    expect((await repo.get('w')).channels.c?.mode).toBe('coach');
  });

  it('timed mode: trusts an entry for its window, then reads what another process wrote', async () => {
    let now = 0;
    const kv = new CountingKv();
    const mine = new SettingsRepository(kv, { cache: 1000, now: () => now });
    const theirs = new SettingsRepository(kv);
    expect((await mine.get('w')).channels).toEqual({});
    await theirs.update('w', (s) => ({ ...s, channels: { c: { mode: 'shadow', unclearToReview: false } } }));
    expect((await mine.get('w')).channels).toEqual({});
    now = 1001;
    expect((await mine.get('w')).channels.c?.mode).toBe('shadow');
  });

  it('no cache by default: every get reads the store', async () => {
    const kv = new CountingKv();
    const repo = new SettingsRepository(kv);
    await repo.get('w');
    await repo.get('w');
    expect(kv.reads).toBe(2);
  });
});
