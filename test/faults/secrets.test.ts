import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { FIXTURE, startFakeDiscord, type FakeDiscord } from '../fakes/discord/index.js';
import { startOllamaSimulator, type OllamaSimulator } from '../fakes/ollama/index.js';
import { createSlackSender, SLACK_FIXTURE, startFakeSlack, type FakeSlack } from '../fakes/slack/index.js';
import { DurableRedis } from './support/durable-redis.js';
import { CHECK, CHECK_BODY, until } from './support/harness.js';
import { FaultRecorder } from './support/results.js';

// Secrets never reach a log line. The real `normguard start` runs as its own process with every
// secret set (API token, Slack bot token and signing secret, Discord token, a Redis password),
// at LOG_LEVEL=trace, while we drive it through failures: a wrong API token, a forged Slack
// signature, Ollama unreachable, then failing, Redis crashing. Every byte it writes to stdout
// and stderr (pino's destination) is searched for each secret, raw and encoded.

const results = new FaultRecorder('secrets');
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, 'bin/normguard.js');
const hex = (n: number) => randomBytes(n).toString('hex');

const SECRETS = {
  NORMGUARD_API_TOKEN: `ngapi-${hex(16)}`,
  SLACK_BOT_TOKEN: `xoxb-${hex(6)}-${hex(6)}-${hex(12)}`,
  SLACK_SIGNING_SECRET: hex(16),
  DISCORD_TOKEN: `MTE${hex(10)}.${hex(3)}.${hex(14)}`,
  REDIS_PASSWORD: `r3d!s:p@ss/${hex(8)}`,
};

const cleanup: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const fn of cleanup.reverse()) await fn().catch(() => undefined);
  await results.flush();
});

/** Every form a secret could take in a log line: as is, URL-encoded, base64 (HTTP Basic). */
function forms(secret: string): string[] {
  return [...new Set([secret, encodeURIComponent(secret), Buffer.from(secret).toString('base64')])];
}

describe('secrets never logged', () => {
  it('normguard start at trace level, driven through failures, logs none of its secrets', async () => {
    const sim: OllamaSimulator = await startOllamaSimulator();
    cleanup.push(() => sim.close());
    const slack: FakeSlack = await startFakeSlack();
    cleanup.push(() => slack.close());
    const discord: FakeDiscord = await startFakeDiscord({ token: SECRETS.DISCORD_TOKEN });
    cleanup.push(() => discord.close());
    const redis = await DurableRedis.start({ password: SECRETS.REDIS_PASSWORD });
    cleanup.push(() => redis.stop());

    sim.inject('unreachable');
    const child = spawn(process.execPath, [BIN, 'start'], {
      cwd: mkdtempSync(join(tmpdir(), 'ng-secrets-')),
      env: {
        PATH: process.env.PATH ?? '',
        LOG_LEVEL: 'trace',
        OLLAMA_HOST: sim.url,
        NORMGUARD_HTTP_PORT: '0',
        NORMGUARD_INTERACTIVE_DEADLINE_MS: '2000',
        NORMGUARD_MAX_RETRIES: '0',
        NORMGUARD_BREAKER_COOLDOWN_MS: '300',
        NORMGUARD_API_TOKEN: SECRETS.NORMGUARD_API_TOKEN,
        REDIS_URL: redis.url,
        DISCORD_TOKEN: SECRETS.DISCORD_TOKEN,
        DISCORD_API_URL: discord.apiUrl,
        SLACK_BOT_TOKEN: SECRETS.SLACK_BOT_TOKEN,
        SLACK_SIGNING_SECRET: SECRETS.SLACK_SIGNING_SECRET,
        SLACK_API_URL: slack.apiUrl,
        SLACK_HOST: '127.0.0.1',
        SLACK_PORT: '0',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    cleanup.push(async () => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });

    await until('normguard is up with both adapters', () => /chat adapters running: .*slack \(http :\d+\)/.test(output), 20_000);
    const http = `http://127.0.0.1:${/normguard listening on http:\/\/[\d.]+:(\d+)/.exec(output)![1]}`;
    const slackPort = /slack \(http :(\d+)\)/.exec(output)![1];
    const assess = (token: string) =>
      fetch(`${http}/v1/assess`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(CHECK_BODY) });

    // HTTP: no token, a wrong token, the right one while Ollama is unreachable, then failing, then up.
    expect((await fetch(`${http}/v1/assess`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status).toBe(401);
    expect((await assess(`${SECRETS.NORMGUARD_API_TOKEN}x`)).status).toBe(401);
    expect((await assess(SECRETS.NORMGUARD_API_TOKEN)).status).toBe(503);
    sim.clearFaults();
    sim.inject('http500', { paths: ['/v1/chat/completions'], times: 1 });
    expect((await assess(SECRETS.NORMGUARD_API_TOKEN)).status).toBe(503);
    await until('the model answers', async () => (await assess(SECRETS.NORMGUARD_API_TOKEN)).status === 200);
    expect((await fetch(`${http}/readyz`)).status).toBe(200);
    await fetch(`${http}/metrics`);

    // Slack: a forged signature, a signed slash command while the model fails, a message event.
    const forged = createSlackSender({ url: `http://127.0.0.1:${slackPort}/slack/events`, signingSecret: 'not-the-secret', teamId: SLACK_FIXTURE.teamId });
    const signed = createSlackSender({ url: `http://127.0.0.1:${slackPort}/slack/events`, signingSecret: SECRETS.SLACK_SIGNING_SECRET, teamId: SLACK_FIXTURE.teamId });
    const { channels, users } = SLACK_FIXTURE;
    expect((await forged.slashCommand({ text: 'check situation: a | intent: b | action: c', userId: users.alice.id, channelId: channels.general.id, responseUrl: slack.newResponseUrl().url })).status).toBe(401);
    sim.inject('http500', { paths: ['/v1/chat/completions'], times: 2 });
    const failing = slack.newResponseUrl();
    expect((await signed.slashCommand({ text: `check situation: ${CHECK.situation} | intent: ${CHECK.intent} | action: Tom mocks the other player in front of everyone.`, userId: users.alice.id, channelId: channels.general.id, responseUrl: failing.url })).status).toBe(200);
    const [failedReply] = await slack.waitForResponse(failing.id);
    expect(JSON.stringify(failedReply), JSON.stringify(failedReply)).toMatch(/unavailable|busy|try again/i);
    const message = slack.postUserMessage({ channel: channels.general.id, user: users.alice.id, text: 'You are a stupid idiot and everyone here knows it' });
    expect((await signed.event({ event: { type: 'message', channel: channels.general.id, user: users.alice.id, text: message.text, ts: message.ts, channel_type: 'channel' }, eventId: 'EvSecret1' })).status).toBe(200);

    // Discord: a slash command and a message, through the gateway and REST with the bot token.
    const interaction = await discord.slashCommand({ channelId: FIXTURE.channels.general, userId: FIXTURE.users.alice, subcommand: 'check', options: { situation: CHECK.situation, intent: CHECK.intent, action: CHECK.action } });
    await discord.waitForInteractionReply(interaction.id);
    await discord.postMessage({ channelId: FIXTURE.channels.general, authorId: FIXTURE.users.alice, content: 'You are a stupid idiot and everyone here knows it' });

    // Redis crashes and comes back while the bot runs.
    await redis.crash();
    await fetch(`${http}/readyz`);
    await new Promise((r) => setTimeout(r, 300));
    await redis.start();
    await until('the store reconnects', () => /redis connection restored/.test(output), 10_000);

    child.kill('SIGTERM');
    expect(await exited).toBe(0);

    const lines = output.split('\n').filter((l) => l.trim().length > 0);
    const hits = Object.entries(SECRETS).flatMap(([name, secret]) => forms(secret).filter((f) => output.includes(f)).map((f) => `${name} as ${f === secret ? 'is' : 'encoded'}`));
    results.add('secretLeaks', hits.length);
    // The run was real: many lines, failures among them, and the store outage noticed.
    expect(lines.length).toBeGreaterThan(30);
    expect(output).toMatch(/"level":(40|50)/);
    expect(output).toMatch(/redis connection lost/);
    expect(hits).toEqual([]);
    results.row(
      'Logs',
      'every secret set; wrong API token, forged Slack signature, Ollama down then failing, Redis crash, at LOG_LEVEL=trace',
      `${Object.keys(SECRETS).length} secrets (API token, Slack bot token and signing secret, Discord token, Redis password) searched raw, URL-encoded and base64 in every line the process wrote: 0 found`,
    );
  });
});
