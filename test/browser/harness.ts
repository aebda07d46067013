// The product as an operator runs it (`npm start`, a separate process) against the Discord fake
// and the Ollama simulator, and real headless Chromium (the system's, through playwright-core)
// for the moderators' browsers.

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { systemClock } from '../../src/clock.js';
import type { WorkspaceSettings } from '../../src/policy/settings.js';
import { openStore } from '../../src/store/open-store.js';
import { SettingsRepository } from '../../src/store/settings-repository.js';
import { CaseRepository } from '../../src/store/case-repository.js';
import { ActivityLog } from '../../src/moderation/activity-log.js';
import { silentLogger } from '../../src/logger.js';
import { defaultGuild, FIXTURE, Permissions, startFakeDiscord, type FakeDiscord, type GuildSpec } from '../fakes/discord/index.js';
import { startOllamaSimulator, type OllamaSimulator } from '../fakes/ollama/index.js';
import { freePort } from '../support/free-port.js';
export { freePort } from '../support/free-port.js';

export const REPO = new URL('../../', import.meta.url).pathname;
export const ARTIFACTS = join(REPO, 'test-artifacts');
export const API_TOKEN = 'browser-test-token-0123456789';

/** A second server: bob moderates it, the first server's moderator is not a member. */
export const GUILD_B = {
  id: '1200000000000000002',
  name: 'Other Guild',
  general: '1200000000000000031',
  mods: '1200000000000000033',
  moderatorRole: '1200000000000000041',
  owner: '1300000000000000009',
};

export function worldGuilds(): GuildSpec[] {
  const a = defaultGuild();
  const b: GuildSpec = {
    id: GUILD_B.id,
    name: GUILD_B.name,
    ownerId: GUILD_B.owner,
    channels: [
      { id: GUILD_B.general, name: 'lobby' },
      { id: GUILD_B.mods, name: 'staff' },
    ],
    roles: [
      { id: GUILD_B.id, name: '@everyone', permissions: Permissions.ViewChannel | Permissions.SendMessages | Permissions.ReadMessageHistory, position: 0 },
      { id: GUILD_B.moderatorRole, name: 'Staff', permissions: FIXTURE.moderatorPermissions, position: 1 },
    ],
    members: [
      { user: { id: FIXTURE.users.bob, username: 'bob', globalName: 'Bob' }, roles: [GUILD_B.moderatorRole] },
      { user: { id: FIXTURE.users.alice, username: 'alice', globalName: 'Alice' }, roles: [] },
      { user: { id: GUILD_B.owner, username: 'owner-b', globalName: 'Owner B' }, roles: [] },
    ],
  };
  return [a, b];
}

export interface Product {
  url: string;
  discord: FakeDiscord;
  sim: OllamaSimulator;
  output: () => string;
  stop(): Promise<void>;
}

/** Seeds the settings (as `/ethics config` would have) and starts `npm start` against the fakes. */
export async function startProduct(): Promise<Product> {
  const sim = await startOllamaSimulator();
  const discord = await startFakeDiscord({ guilds: worldGuilds() });
  const dataDir = mkdtempSync(join(tmpdir(), 'ng-browser-'));
  await seedSettings(dataDir, [
    [FIXTURE.guildId, { channels: { [FIXTURE.channels.general]: { mode: 'flag', unclearToReview: false } }, reviewChannelId: FIXTURE.channels.mods }],
    [GUILD_B.id, { channels: { [GUILD_B.general]: { mode: 'flag', unclearToReview: false } }, reviewChannelId: GUILD_B.mods }],
  ]);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? tmpdir(),
    LOG_LEVEL: 'warn',
    OLLAMA_HOST: sim.url,
    NORMGUARD_DATA_DIR: dataDir,
    NORMGUARD_HTTP_PORT: String(port),
    NORMGUARD_API_TOKEN: API_TOKEN,
    NORMGUARD_PUBLIC_URL: url,
    DISCORD_TOKEN: 'fake-bot-token',
    DISCORD_API_URL: discord.apiUrl,
    DISCORD_CLIENT_ID: discord.oauth.clientId,
    DISCORD_CLIENT_SECRET: discord.oauth.clientSecret,
  };
  let out = '';
  const child: ChildProcess = spawn('npm', ['start', '--silent'], { cwd: REPO, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.pid) {
      process.kill(-child.pid, 'SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 8000))]);
      if (child.exitCode === null) process.kill(-child.pid, 'SIGKILL');
    }
    await discord.close();
    await sim.close();
  };
  const started = Date.now();
  while (!/chat adapters running: discord/.test(out)) {
    if (child.exitCode !== null || Date.now() - started > 60_000) {
      await stop();
      throw new Error(`npm start did not come up:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, discord, sim, output: () => out, stop };
}

async function seedSettings(dataDir: string, entries: Array<[string, Partial<WorkspaceSettings>]>): Promise<void> {
  const kv = await openStore({ dataDir, logger: silentLogger() });
  const settings = new SettingsRepository(kv, { now: () => systemClock.now() });
  for (const [id, patch] of entries) await settings.update(id, (s) => ({ ...s, ...patch }));
  await seedHistory(kv);
  await kv.close();
}

const NORMS = ['It is wrong to insult or demean other people.', 'You should not spread rumours about others.', 'It is good to be honest with your friends.', 'You should respect other people’s privacy.'];
const AUTHORS = ['dana', 'eli', 'fern', 'gus', 'hana'];
/** Scores spread over the upper bins, the dismissed ones (every fourth case) lower, as a calibrated model would give. */
const seedScore = (i: number) => (i % 4 === 3 ? 0.52 + (i % 5) * 0.04 : 0.62 + ((i * 7) % 10) * 0.037);

/**
 * Two weeks of earlier cases in guild A, decided by its moderator at varied speeds, and some
 * shadow-mode counts, so the queue, the stats and the audit log show what a season looks like.
 * Deterministic: the same data on every run.
 */
async function seedHistory(kv: Awaited<ReturnType<typeof openStore>>): Promise<void> {
  let t = 0;
  const clock = { now: () => t };
  const cases = new CaseRepository(kv, clock);
  const start = systemClock.now() - 14 * 86_400_000;
  for (let i = 0; i < 28; i++) {
    t = start + i * 11 * 3_600_000 + (i % 3) * 1_234_567;
    const c = await cases.create({
      workspaceId: FIXTURE.guildId, platform: 'discord', channelId: i % 4 === 0 ? FIXTURE.channels.random : FIXTURE.channels.general,
      messageId: `seed-${i}`, messageUrl: null, authorId: `seed-author-${i % AUTHORS.length}`, authorName: AUTHORS[i % AUTHORS.length]!,
      messageText: `Earlier message number ${i + 1} that the monitor flagged.`, context: 'someone: an earlier message | another: a reply',
      assessment: { strategy: 'permissibility', verdict: 'impermissible', severity: i % 5 === 0 ? 'high' : 'medium', norm: NORMS[(i * 7) % NORMS.length]!, summary: 'Flagged for review.', text: '', model: 'normguard', method: 'calibrated', score: seedScore(i), latencyMs: 40, usage: { promptTokens: 1, completionTokens: 1 } },
      rule: 'flag-threshold',
    });
    if (i >= 25) continue;
    t += [20, 90, 300, 900, 2_000][i % 5]! * 60_000;
    const status = i % 4 === 3 ? 'dismissed' : 'upheld';
    await cases.mutate(c.id, (current, now) => ({ next: { ...current, status, history: [...current.history, { at: now, actor: FIXTURE.users.mod, action: status, reason: status === 'dismissed' ? 'A joke between friends' : null }] }, value: null }));
  }
  const activity = new ActivityLog(kv, systemClock);
  for (const field of ['shadowFlag', 'shadowFlag', 'shadowFlag', 'shadowExplain', 'shadowExplain'] as const) await activity.count(FIXTURE.guildId, field);
}

/** One moderator's browser: the system Chromium with a fresh profile. */
export async function openBrowser(): Promise<BrowserContext> {
  const executablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
  if (!existsSync(executablePath)) throw new Error(`no Chromium at ${executablePath}: install it (apt-get install chromium) or set CHROMIUM_PATH`);
  const profile = mkdtempSync(join(tmpdir(), 'ng-chromium-'));
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1280, height: 900 },
  });
}
