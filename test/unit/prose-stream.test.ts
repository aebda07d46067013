import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ProseStream } from '../../commands/prose-stream.js';
import { silentLogger } from '../../src/logger.js';

// Time is ours here (fake timers): the pacing is logic, not a measurement.
beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

function stream(options: { intervalMs?: number; maxEdits?: number; renderMs?: number; fail?: boolean } = {}) {
  const renders: Array<{ text: string; at: number }> = [];
  const s = new ProseStream({
    intervalMs: options.intervalMs ?? 1000,
    ...(options.maxEdits !== undefined ? { maxEdits: options.maxEdits } : {}),
    logger: silentLogger(),
    now: () => Date.now(),
    render: async (text) => {
      renders.push({ text, at: Date.now() });
      if (options.renderMs) await new Promise((r) => setTimeout(r, options.renderMs));
      if (options.fail) throw Object.assign(new Error('rate limited'), { code: 'PLATFORM' });
    },
  });
  return { s, renders };
}

describe('ProseStream: edits of a growing answer, within a platform rate limit', () => {
  it('shows the first words at once, then at most one edit per interval with the newest text', async () => {
    const { s, renders } = stream({ intervalMs: 1000 });
    const t0 = Date.now();
    s.update('The');
    await vi.advanceTimersByTimeAsync(0);
    for (let i = 1; i <= 30; i++) {
      s.update(`The answer, word ${i}`);
      await vi.advanceTimersByTimeAsync(100);
    }
    await s.close();
    expect(renders[0]).toEqual({ text: 'The', at: t0 });
    expect(renders.length).toBe(4);
    for (let i = 1; i < renders.length; i++) expect(renders[i]!.at - renders[i - 1]!.at).toBeGreaterThanOrEqual(1000);
    // Coalesced: each edit carries what was newest then, not a backlog.
    expect(renders[1]!.text).toBe('The answer, word 10');
    expect(s.editCount).toBe(4);
    expect(s.firstShown).toBe(t0);
  });

  it('ignores empty and unchanged text', async () => {
    const { s, renders } = stream();
    s.update('');
    s.update('   ');
    await vi.advanceTimersByTimeAsync(5000);
    s.update('Hi');
    await vi.advanceTimersByTimeAsync(5000);
    s.update('Hi');
    await vi.advanceTimersByTimeAsync(5000);
    await s.close();
    expect(renders.map((r) => r.text)).toEqual(['Hi']);
  });

  it('never renders twice at once: a slow edit holds the next one back', async () => {
    const { s, renders } = stream({ intervalMs: 100, renderMs: 700 });
    s.update('a');
    await vi.advanceTimersByTimeAsync(50);
    s.update('a b');
    await vi.advanceTimersByTimeAsync(300);
    expect(renders).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(400);
    expect(renders.map((r) => r.text)).toEqual(['a', 'a b']);
    await vi.advanceTimersByTimeAsync(700);
    await s.close();
  });

  it('stops at maxEdits (Slack: five posts per response_url, the final one included)', async () => {
    const { s, renders } = stream({ intervalMs: 10, maxEdits: 3 });
    for (let i = 1; i <= 20; i++) {
      s.update(`w${'x'.repeat(i)}`);
      await vi.advanceTimersByTimeAsync(20);
    }
    await s.close();
    expect(renders).toHaveLength(3);
  });

  it('close() waits for the edit in flight and cancels the pending one, so the final reply comes last', async () => {
    const { s, renders } = stream({ intervalMs: 1000, renderMs: 300 });
    s.update('first');
    await vi.advanceTimersByTimeAsync(10);
    s.update('first second');
    let closed = false;
    const closing = s.close().then(() => {
      closed = true;
    });
    await vi.advanceTimersByTimeAsync(100);
    expect(closed).toBe(false);
    await vi.advanceTimersByTimeAsync(300);
    await closing;
    expect(closed).toBe(true);
    s.update('first second third');
    await vi.advanceTimersByTimeAsync(5000);
    expect(renders.map((r) => r.text)).toEqual(['first']);
  });

  it('a failed edit stops the preview without throwing; the caller still sends the final reply', async () => {
    const { s, renders } = stream({ intervalMs: 10, fail: true });
    s.update('one');
    await vi.advanceTimersByTimeAsync(50);
    s.update('one two');
    await vi.advanceTimersByTimeAsync(50);
    await expect(s.close()).resolves.toBeUndefined();
    expect(renders).toHaveLength(1);
    expect(s.firstShown).toBeNull();
  });
});
