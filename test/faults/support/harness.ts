import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp, type App } from '../../../src/app.js';
import { startService, type Service } from '../../../src/service.js';
import { runCli } from '../../../src/cli/index.js';
import { cliCommands } from '../../../adapters/cli/index.js';
import { silentLogger, type Logger } from '../../../src/logger.js';
import type { IncomingMessage } from '../../../src/moderation/index.js';
import type { ChannelMode } from '../../../src/policy/settings.js';
import { testConfig } from '../../support/config.js';
export { freePort } from '../../support/free-port.js';

/**
 * Short deadlines so every fault resolves in about a second, with the same relations as the
 * defaults: attempt timeout < interactive deadline ≤ cold-start allowance, passive longer.
 */
export const FAULT_ENV = {
  LOG_LEVEL: 'silent',
  NORMGUARD_INTERACTIVE_DEADLINE_MS: '1000',
  NORMGUARD_REQUEST_TIMEOUT_MS: '800',
  NORMGUARD_COLD_START_TIMEOUT_MS: '2000',
  NORMGUARD_PASSIVE_DEADLINE_MS: '1000',
  NORMGUARD_CONNECT_TIMEOUT_MS: '400',
  NORMGUARD_MAX_RETRIES: '1',
  NORMGUARD_BREAKER_THRESHOLD: '3',
  NORMGUARD_BREAKER_COOLDOWN_MS: '400',
  NORMGUARD_SLOTS: '2',
} as const;

export const INTERACTIVE_DEADLINE_MS = Number(FAULT_ENV.NORMGUARD_INTERACTIVE_DEADLINE_MS);
export const PASSIVE_DEADLINE_MS = Number(FAULT_ENV.NORMGUARD_PASSIVE_DEADLINE_MS);
/** Loose: scheduling noise on a loaded 2-core CI box, never a second deadline. */
export const SLACK_MS = 1200;

export const CHECK = {
  situation: 'A group chat about a game.',
  intent: 'Tom wants to win the argument.',
  action: 'Tom calls the other player an idiot.',
};
export const CHECK_ARGS = ['--situation', CHECK.situation, '--intent', CHECK.intent, '--action', CHECK.action];
export const CHECK_BODY = { strategy: 'check', situation: CHECK.situation, intent: CHECK.intent, action: CHECK.action };

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

const cliCwd = mkdtempSync(join(tmpdir(), 'ng-faults-cli-'));

/** `normguard <args>` in-process, as bin/normguard.js runs it. */
export async function cli(args: string[], env: Record<string, string>): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const started = performance.now();
  const code = await runCli(args, {
    env: { ...FAULT_ENV, ...env },
    cwd: cliCwd,
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    commands: async () => cliCommands,
  });
  return { code, stdout, stderr, ms: performance.now() - started };
}

export interface Api {
  core: App;
  service: Service;
  base: string;
  assess(body?: Record<string, unknown>): Promise<{ status: number; body: Record<string, unknown>; retryAfter: string | null; ms: number }>;
  readyz(): Promise<{ status: number; body: { ready: boolean; backends: Array<Record<string, unknown>> } }>;
  metrics(): Promise<string>;
  stop(): Promise<void>;
}

/** The real service (createApp + startService) on a fresh SQLite directory. */
export async function startApi(env: Record<string, string>, logger: Logger = silentLogger(), options: { awaitCalibration?: boolean } = {}): Promise<Api> {
  const config = testConfig({ ...FAULT_ENV, NORMGUARD_HTTP_PORT: '0', NORMGUARD_DATA_DIR: mkdtempSync(join(tmpdir(), 'ng-faults-')), ...env });
  const core = await createApp(config, { logger });
  const service = await startService(core);
  // Start-up calibration probes the model in the background; a fault injected next must meet
  // the audit under test, not a probe.
  if (options.awaitCalibration !== false) await core.calibration.ensure();
  const base = `http://127.0.0.1:${service.address!.port}`;
  return {
    core,
    service,
    base,
    async assess(body = CHECK_BODY) {
      const started = performance.now();
      const res = await fetch(`${base}/v1/assess`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const json = (await res.json()) as Record<string, unknown>;
      return { status: res.status, body: json, retryAfter: res.headers.get('retry-after'), ms: performance.now() - started };
    },
    async readyz() {
      const res = await fetch(`${base}/readyz`);
      return { status: res.status, body: (await res.json()) as { ready: boolean; backends: Array<Record<string, unknown>> } };
    },
    async metrics() {
      return (await fetch(`${base}/metrics`)).text();
    },
    stop: () => service.stop(),
  };
}

/** A value from Prometheus text, e.g. metric(text, 'normguard_passive_shed_total'). */
export function metric(text: string, name: string, labels = ''): number | undefined {
  const escaped = `${name}${labels}`.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const m = new RegExp(`^${escaped}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text);
  return m ? Number(m[1]) : undefined;
}

let seq = 0;

/** A member's message in #c1 of guild g1, as an adapter would hand it to the monitor. */
export function chatMessage(text: string, over: Partial<IncomingMessage> = {}): IncomingMessage {
  seq++;
  return {
    platform: 'discord',
    workspaceId: 'g1',
    channelId: 'c1',
    messageId: `m${seq}-${Math.random().toString(36).slice(2, 8)}`,
    text,
    createdAt: Date.now(),
    attachments: 0,
    url: `https://discord.com/channels/g1/c1/m${seq}`,
    replyTo: null,
    ...over,
    author: { id: 'alice', name: 'alice', isBot: false, isWebhook: false, roleIds: [], isNew: false, ...over.author },
  };
}

export async function monitorChannel(core: Api['core'] | App, mode: ChannelMode, workspaceId = 'g1', channelId = 'c1'): Promise<void> {
  await core.store.repos.settings.update(workspaceId, (s) => ({
    ...s,
    channels: { ...s.channels, [channelId]: { mode, unclearToReview: false } },
    // No cooldowns: every message in a burst is judged on its own.
    cooldowns: { authorMs: 0, channelMs: 0 },
  }));
}

/** Distinct insults, so no two are answered from a cache. */
export function insults(n: number, tag: string): string[] {
  return Array.from({ length: n }, (_, i) => `You are a stupid idiot number ${i} (${tag}) and everyone here knows it`);
}

/** Polls until `check` holds; throws with `what` after `timeoutMs`. */
export async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export function seconds(ms: number): string {
  return `${+(ms / 1000).toFixed(1)} s`;
}
