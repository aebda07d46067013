import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auroc, duration, parseLabelled, prCurve, probeModel, Progress, reliability, scoreThreshold, thin, type Label, type Scored } from '../../src/eval/index.js';
import { ManualClock } from '../support/store-backends.js';

const s = (score: number, label: Label): Scored => ({ score, label });

describe('score AUROC', () => {
  it('is 1 when every impermissible item outscores every permissible one, 0 when reversed', () => {
    expect(auroc([s(0.1, 'permissible'), s(0.2, 'permissible'), s(0.8, 'impermissible'), s(0.9, 'impermissible')])).toBe(1);
    expect(auroc([s(0.9, 'permissible'), s(0.8, 'impermissible')])).toBe(0);
  });

  it('counts ties as half, as the Mann-Whitney U does', () => {
    // Pairs (pos, neg): (0.5 vs 0.5) tie = 0.5, (0.5 vs 0.1) = 1, (0.9 vs both) = 2 → 3.5 / 4.
    expect(auroc([s(0.5, 'impermissible'), s(0.9, 'impermissible'), s(0.5, 'permissible'), s(0.1, 'permissible')])).toBeCloseTo(3.5 / 4, 12);
    expect(auroc([s(0.3, 'impermissible'), s(0.3, 'permissible')])).toBe(0.5);
  });

  it('is undefined (null) without both labels', () => {
    expect(auroc([s(0.3, 'impermissible')])).toBeNull();
    expect(auroc([])).toBeNull();
  });
});

describe('reliability diagram', () => {
  it('bins by score, with each bin’s mean score, observed rate and the weighted calibration error', () => {
    const r = reliability([s(0.05, 'permissible'), s(0.15, 'permissible'), s(0.12, 'impermissible'), s(0.95, 'impermissible'), s(1, 'impermissible')]);
    expect(r.bins).toHaveLength(10);
    expect(r.bins[0]).toMatchObject({ items: 1, meanScore: 0.05, observed: 0 });
    expect(r.bins[1]).toMatchObject({ items: 2, observed: 0.5 });
    expect(r.bins[1]?.meanScore).toBeCloseTo(0.135, 12);
    // A score of exactly 1 falls in the last bin.
    expect(r.bins[9]).toMatchObject({ items: 2, observed: 1 });
    expect(r.bins[5]).toMatchObject({ items: 0, meanScore: null, observed: null });
    expect(r.ece).toBeCloseTo((1 * 0.05 + 2 * Math.abs(0.5 - 0.135) + 2 * Math.abs(1 - 0.975)) / 5, 12);
  });
});

describe('precision-recall curve', () => {
  it('has one point per distinct threshold, ties flagged together', () => {
    const points = prCurve([s(0.9, 'impermissible'), s(0.7, 'permissible'), s(0.7, 'impermissible'), s(0.2, 'permissible')]);
    expect(points).toEqual([
      { threshold: 0.9, precision: 1, recall: 0.5 },
      { threshold: 0.7, precision: 2 / 3, recall: 1 },
      { threshold: 0.2, precision: 0.5, recall: 1 },
    ]);
    expect(prCurve([s(0.4, 'permissible')])).toEqual([]);
  });

  it('is thinned for the report, keeping both ends', () => {
    const many = Array.from({ length: 500 }, (_, i) => i);
    const thinned = thin(many, 60);
    expect(thinned).toHaveLength(60);
    expect([thinned[0], thinned.at(-1)]).toEqual([0, 499]);
  });
});

describe('progress lines', () => {
  it('say done/total, the rate and the ETA', () => {
    const clock = new ManualClock();
    const lines: string[] = [];
    const p = new Progress({ total: 100, clock, write: (l) => lines.push(l) });
    for (let i = 0; i < 20; i++) p.record(i === 3);
    clock.advance(10_000);
    expect(p.line()).toBe('normguard eval: 20/100 (20.0%) · 2.00 asks/s · ETA 40s · 1 failed\n');
    expect(duration(247)).toBe('4m 07s');
    expect(duration(7_500)).toBe('2h 05m');
  });

  it('arrive on a timer even while no answer comes', async () => {
    const lines: string[] = [];
    const p = new Progress({ total: 10, clock: new ManualClock(), write: (l) => lines.push(l), everyMs: 20 });
    p.start();
    await new Promise((r) => setTimeout(r, 110));
    p.stop();
    const count = lines.length;
    expect(count).toBeGreaterThanOrEqual(3);
    expect(lines[0]).toBe('normguard eval: 0/10 (0.0%) · 0.00 asks/s · ETA ?\n');
    await new Promise((r) => setTimeout(r, 60));
    expect(lines.length).toBe(count);
  });
});

describe('labelled chat items', () => {
  const item = { id: 'cm-1', label: 'impermissible', kind: 'threat', situation: 'ann is posting in a community chat channel.', intent: 'ann wants to reply.', action: 'ann writes: watch your back', why: 'x' };
  it('become items with the S3/S2 fields as they are', () => {
    expect(parseLabelled(`${JSON.stringify(item)}\n`, 'f')).toEqual([
      { id: 'cm-1', label: 'impermissible', norm: 'threat', fields: { situation: item.situation, intent: item.intent, action: item.action } },
    ]);
  });
  it.each([
    [{ ...item, label: 'maybe' }, 'f line 1: not a labelled item: "label"'],
    [{ ...item, intent: undefined }, 'f line 1: not a labelled item: "intent" is missing'],
  ])('refuse a bad line by number (%#)', (bad, message) => {
    expect(() => parseLabelled(JSON.stringify(bad), 'f')).toThrow(message);
  });
  it('refuse a repeated id', () => {
    expect(() => parseLabelled(`${JSON.stringify(item)}\n${JSON.stringify(item)}`, 'f')).toThrow('f line 2: id "cm-1" was already used on line 1');
  });
});

describe('which model answered', () => {
  let real: Server;
  let url: string;
  beforeAll(async () => {
    // A host that answers as a real Ollama would: a plain version, and the model's digest in /api/tags.
    real = createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      if (req.url === '/api/version') return res.end(JSON.stringify({ version: '0.12.11' }));
      if (req.url === '/api/tags') return res.end(JSON.stringify({ models: [{ name: 'normguard:latest', digest: 'f'.repeat(64) }] }));
      res.statusCode = 404;
      res.end('{}');
    });
    await new Promise<void>((r) => real.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(real.address() as { port: number }).port}`;
  });
  afterAll(() => new Promise<void>((r) => real.close(() => r())));

  it('names the digest and host, and is not the simulator when the version has no -sim suffix', async () => {
    const id = await probeModel([url], 'normguard');
    expect(id).toMatchObject({ name: 'normguard', digest: 'f'.repeat(64), hosts: [url], versions: ['0.12.11'], simulator: false });
    expect(id.runHost.length).toBeGreaterThan(0);
  });

  it('leaves nulls for a host that does not answer, and never throws', async () => {
    const id = await probeModel(['http://127.0.0.1:9'], 'normguard');
    expect(id).toMatchObject({ digest: null, versions: [null], simulator: false });
  });
});

describe('score threshold for a target precision', () => {
  it('takes the threshold with the most recall among those precise enough', () => {
    const items = [s(0.95, 'impermissible'), s(0.9, 'impermissible'), s(0.8, 'permissible'), s(0.7, 'impermissible'), s(0.6, 'impermissible'), s(0.3, 'permissible')];
    expect(scoreThreshold(items, 0.8)).toEqual({ threshold: 0.6, precision: 0.8, recall: 1 });
    expect(scoreThreshold(items, 0.9)).toEqual({ threshold: 0.9, precision: 1, recall: 0.5 });
    expect(scoreThreshold([s(0.5, 'permissible'), s(0.4, 'impermissible')], 0.9)).toBeNull();
  });
});
