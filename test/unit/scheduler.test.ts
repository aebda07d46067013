import { describe, expect, it } from 'vitest';
import { OllamaBackend, Scheduler, type Priority } from '../../src/inference/index.js';
import { NormguardError } from '../../src/errors.js';
import { silentLogger } from '../../src/logger.js';

let now = 0;
const clock = { now: () => now };

function backend(url: string, slots = 1, breaker = { threshold: 2, cooldownMs: 1000 }) {
  return new OllamaBackend({
    url,
    model: 'normguard',
    slots,
    keepAlive: '30m',
    requestTimeoutMs: 1000,
    coldStartTimeoutMs: 5000,
    connectTimeoutMs: 500,
    breakerThreshold: breaker.threshold,
    breakerCooldownMs: breaker.cooldownMs,
    clock,
    logger: silentLogger(),
  });
}

describe('Scheduler', () => {
  it('serves interactive before review before passive, FIFO within a priority', async () => {
    const b = backend('http://a');
    const s = new Scheduler([b], { passiveQueueLimit: 10 });
    const first = await s.acquire('passive');
    const order: string[] = [];
    const wait = (p: Priority, tag: string) => s.acquire(p).then((l) => { order.push(tag); l.release(); });
    const all = Promise.all([wait('passive', 'p1'), wait('passive', 'p2'), wait('review', 'r1'), wait('interactive', 'i1'), wait('interactive', 'i2')]);
    expect(s.stats().queued).toEqual({ interactive: 2, review: 1, passive: 2 });
    first.release();
    await all;
    expect(order).toEqual(['i1', 'i2', 'r1', 'p1', 'p2']);
  });

  it('a two-turn interactive call asks for its second turn before queued passive work can take the slot', async () => {
    const b = backend('http://a');
    const s = new Scheduler([b], { passiveQueueLimit: 10 });
    const first = await s.acquire('interactive');
    const order: string[] = [];
    const passive = s.acquire('passive').then((l) => { order.push('passive'); l.release(); });
    // The verdict turn is requested from a promise callback right after the prose turn returns.
    const second = Promise.resolve().then(() => { first.release(); return Promise.resolve(); }).then(() => s.acquire('interactive')).then((l) => { order.push('turn 2'); l.release(); });
    await Promise.all([passive, second]);
    expect(order).toEqual(['turn 2', 'passive']);
  });

  it('after a single-turn interactive call, queued passive work still gets the slot', async () => {
    const b = backend('http://a');
    const s = new Scheduler([b], { passiveQueueLimit: 10 });
    const only = await s.acquire('interactive');
    let served = false;
    const passive = s.acquire('passive').then((l) => { served = true; l.release(); });
    only.release();
    expect(served).toBe(false);
    await passive;
    expect(served).toBe(true);
    expect(b.active).toBe(0);
  });

  it('never hands out more than a backend has slots', async () => {
    const b = backend('http://a', 2);
    const s = new Scheduler([b], { passiveQueueLimit: 10 });
    const l1 = await s.acquire('passive');
    const l2 = await s.acquire('passive');
    let third = false;
    const p3 = s.acquire('interactive').then((l) => { third = true; return l; });
    await Promise.resolve();
    expect(third).toBe(false);
    expect(b.active).toBe(2);
    l1.release();
    l1.release(); // a double release must not free two slots
    const l3 = await p3;
    expect(b.active).toBe(2);
    l2.release();
    l3.release();
    expect(b.active).toBe(0);
  });

  it('sheds the oldest passive work when the passive queue is full, and counts it', async () => {
    const b = backend('http://a');
    let shedHook = 0;
    const s = new Scheduler([b], { passiveQueueLimit: 2, onShed: () => shedHook++ });
    const busy = await s.acquire('interactive');
    const results = ['p1', 'p2', 'p3', 'p4'].map((tag) =>
      s.acquire('passive').then(
        (l) => { l.release(); return `${tag}:ok`; },
        (e: NormguardError) => `${tag}:${e.code}`,
      ),
    );
    const interactive = s.acquire('interactive').then((l) => { l.release(); return 'i:ok'; });
    busy.release();
    expect(await Promise.all([...results, interactive])).toEqual(['p1:SHED', 'p2:SHED', 'p3:ok', 'p4:ok', 'i:ok']);
    expect(s.stats().shed).toBe(2);
    expect(shedHook).toBe(2);
  });

  it('balances across backends by load', async () => {
    const a = backend('http://a', 2);
    const b = backend('http://b', 2);
    const s = new Scheduler([a, b], { passiveQueueLimit: 10 });
    const leases = await Promise.all([s.acquire('passive'), s.acquire('passive'), s.acquire('passive'), s.acquire('passive')]);
    expect(leases.map((l) => l.backend.url).sort()).toEqual(['http://a', 'http://a', 'http://b', 'http://b']);
  });

  it('skips a backend whose breaker is open, fails fast when all are, and retries after the cooldown', async () => {
    now = 0;
    const a = backend('http://a');
    const b = backend('http://b');
    const s = new Scheduler([a, b], { passiveQueueLimit: 10 });
    const down = new NormguardError('MODEL_UNAVAILABLE', 'cannot reach Ollama at http://a', { retryable: true });
    a.breaker.onFailure(down);
    a.breaker.onFailure(down);
    expect(a.breaker.state).toBe('open');
    const l = await s.acquire('interactive');
    expect(l.backend.url).toBe('http://b');
    l.release();
    b.breaker.onFailure(down);
    b.breaker.onFailure(down);
    await expect(s.acquire('interactive')).rejects.toMatchObject({ code: 'MODEL_UNAVAILABLE', message: expect.stringMatching(/next try in 1s/) });
    now = 1500;
    expect(a.breaker.state).toBe('half-open');
    const trial = await s.acquire('interactive');
    expect(trial.backend.breaker.canPass()).toBe(false); // one trial at a time
    trial.backend.breaker.onSuccess();
    trial.release();
    expect(trial.backend.breaker.state).toBe('closed');
  });

  it('removes a waiter whose caller gave up', async () => {
    const s = new Scheduler([backend('http://a')], { passiveQueueLimit: 10 });
    const busy = await s.acquire('passive');
    const ac = new AbortController();
    const waiting = s.acquire('interactive', ac.signal);
    ac.abort();
    await expect(waiting).rejects.toMatchObject({ code: 'TIMEOUT' });
    expect(s.stats().queued.interactive).toBe(0);
    busy.release();
  });
});
