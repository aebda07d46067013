import { mkdtempSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp, createEngine, type App } from '../../src/app.js';
import { startService, type Service } from '../../src/service.js';
import type { Assessment } from '../../src/assessment/types.js';
import { createHttpServer, listen } from '../../src/http/server.js';
import { silentLogger } from '../../src/logger.js';
import { startOllamaSimulator, type OllamaSimulator } from '../fakes/ollama/index.js';
import { testConfig } from '../support/config.js';

const TOKEN = 'stats-token-0123456789abcdef';
const DAY_MS = 24 * 60 * 60_000;
let sim: OllamaSimulator;
let service: Service | undefined;
let base: string;

const assessment = (norm: string): Assessment => ({
  strategy: 'permissibility',
  verdict: 'impermissible',
  severity: 'medium',
  norm,
  summary: '',
  text: '',
  model: 'normguard',
  method: 'fast',
  latencyMs: 1,
  usage: { promptTokens: 1, completionTokens: 1 },
});

/** A service whose store holds a few decided cases and monitor counters for guild-1. */
async function start(env: Record<string, string> = {}): Promise<App> {
  const config = testConfig({ OLLAMA_HOST: sim.url, NORMGUARD_HTTP_PORT: '0', NORMGUARD_DATA_DIR: mkdtempSync(join(tmpdir(), 'ng-stats-')), ...env });
  const core = await createApp(config, { logger: silentLogger() });
  const cases = core.store.repos.cases;
  const decisions = ['uphold', 'uphold', 'dismiss', null] as const;
  for (const [i, decision] of decisions.entries()) {
    const c = await cases.create({
      workspaceId: 'guild-1',
      platform: 'discord',
      channelId: 'general',
      messageId: `m${i}`,
      messageUrl: null,
      authorId: `u${i}`,
      authorName: `user${i}`,
      messageText: 'you idiot',
      context: '',
      assessment: assessment(i < 2 ? 'Be civil.' : 'Be kind.'),
      rule: 'flag-threshold',
    });
    if (decision) await core.moderation!.cases.apply(c.id, decision === 'uphold' ? { type: 'uphold', actor: 'mod' } : { type: 'dismiss', actor: 'mod', reason: null });
  }
  await cases.create({ workspaceId: 'guild-2', platform: 'discord', channelId: 'c', messageId: 'm', messageUrl: null, authorId: 'u', messageText: 'x', context: '', assessment: assessment('Be civil.'), rule: 'flag-threshold' });
  const activity = core.moderation.activity;
  for (const field of ['audited', 'audited', 'audited', 'flag', 'shadowFlag'] as const) await activity.count('guild-1', field);
  service = await startService(core);
  base = `http://127.0.0.1:${service.address!.port}`;
  return core;
}

beforeEach(async () => {
  sim = await startOllamaSimulator();
});
afterEach(async () => {
  await service?.stop();
  service = undefined;
  await sim.close();
});

const get = (query: string, headers: Record<string, string> = {}) => fetch(`${base}/v1/stats${query}`, { headers });

describe('GET /v1/stats', () => {
  it('answers the review numbers and the monitor counters, behind the API token', async () => {
    await start({ NORMGUARD_API_TOKEN: TOKEN });
    const denied = await get('?workspace=guild-1');
    expect(denied.status).toBe(401);
    expect(denied.headers.get('www-authenticate')).toBe('Bearer');
    expect((await get('?workspace=guild-1', { authorization: 'Bearer wrong-token-0123456789' })).status).toBe(401);

    const res = await get('?workspace=guild-1&days=7', { authorization: `Bearer ${TOKEN}` });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      workspace: 'guild-1',
      days: 7,
      opened: 4,
      upheld: 2,
      dismissed: 1,
      open: 1,
      upheldRate: 2 / 3,
      medianTimeToDecisionMs: expect.any(Number),
      byNorm: [
        { norm: 'Be civil.', opened: 2, upheld: 2, dismissed: 0 },
        { norm: 'Be kind.', opened: 2, upheld: 0, dismissed: 1 },
      ],
      decisions: { audited: 3, flag: 1, explain: 0, silent: 0, unclear: 0, shadowFlag: 1, shadowExplain: 0, failed: 0 },
    });
    expect(body.since).toBeGreaterThan(Date.now() - 7 * DAY_MS - 60_000);
  });

  it('needs no token when none is configured, and defaults to 30 days', async () => {
    await start();
    const res = await get('?workspace=guild-2');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ workspace: 'guild-2', days: 30, opened: 1, upheld: 0, upheldRate: null, decisions: { audited: 0 } });
  });

  it('answers 400 for a missing workspace or bad days, 405 for other methods', async () => {
    await start({ NORMGUARD_API_TOKEN: TOKEN });
    const auth = { authorization: `Bearer ${TOKEN}` };
    let res = await get('', auth);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 'bad_input', message: 'the query has invalid parameters', problems: [{ field: 'workspace', message: expect.stringContaining('is required') }] });
    for (const days of ['0', '366', 'abc', '1.5', '-3']) {
      res = await get(`?workspace=guild-1&days=${days}`, auth);
      expect(res.status, days).toBe(400);
      expect(((await res.json()) as { problems: Array<{ field: string }> }).problems[0]?.field).toBe('days');
    }
    res = await get('?workspace=a&workspace=b', auth);
    expect(res.status).toBe(400);
    res = await fetch(`${base}/v1/stats?workspace=guild-1`, { method: 'POST', headers: auth });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET');
  });

  it('answers 503 when the process runs without the store', async () => {
    const core = createEngine(testConfig({ OLLAMA_HOST: sim.url }), { logger: silentLogger() });
    const server: Server = createHttpServer({ assessor: core.assessor, health: () => core.inference.health(), metrics: core.metrics, logger: silentLogger() });
    const address = await listen(server, '127.0.0.1', 0);
    try {
      const res = await fetch(`http://127.0.0.1:${address.port}/v1/stats?workspace=guild-1`);
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({ error: 'no_store', message: 'stats need the store' });
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await core.close();
    }
  });
});
