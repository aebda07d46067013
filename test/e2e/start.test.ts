import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { registerCommands, startAdapters } from '../../adapters/index.js';
import { runCli } from '../../src/cli/index.js';
import { FIXTURE, startFakeDiscord } from '../fakes/discord/index.js';
import { startOllamaSimulator } from '../fakes/ollama/index.js';
import { startFakeSlack } from '../fakes/slack/index.js';

describe('normguard start with both adapters configured', () => {
  it('starts the HTTP API, the Discord bot and the Slack app in one process, and stops cleanly', async () => {
    const sim = await startOllamaSimulator();
    const discord = await startFakeDiscord();
    const slack = await startFakeSlack();
    let stop!: () => void;
    const stopSignal = new Promise<void>((resolve) => (stop = resolve));
    let out = '';
    let err = '';
    const running = runCli(['start'], {
      env: {
        OLLAMA_HOST: sim.url,
        LOG_LEVEL: 'silent',
        NORMGUARD_DATA_DIR: mkdtempSync(join(tmpdir(), 'ng-start-')),
        NORMGUARD_HTTP_PORT: '0',
        DISCORD_TOKEN: 'start-test-token.abc.def',
        DISCORD_API_URL: discord.apiUrl,
        SLACK_BOT_TOKEN: 'xoxb-start-test',
        SLACK_SIGNING_SECRET: 'start-test-signing-secret',
        SLACK_API_URL: slack.apiUrl,
        SLACK_HOST: '127.0.0.1',
        SLACK_PORT: '0',
      },
      cwd: mkdtempSync(join(tmpdir(), 'ng-start-cwd-')),
      stdout: (t) => (out += t),
      stderr: (t) => (err += t),
      stopSignal,
      adapters: { start: startAdapters, register: registerCommands },
    });
    for (let i = 0; i < 500 && !out.includes('chat adapters running'); i++) await new Promise((r) => setTimeout(r, 20));
    expect(err).toBe('');
    expect(out).toMatch(/normguard listening on http:\/\/127\.0\.0\.1:\d+/);
    expect(out).toMatch(/chat adapters running: discord, slack \(http :\d+\)/);
    expect(discord.identifyCount()).toBe(1);
    expect(slack.callsTo('auth.test').length).toBeGreaterThan(0);
    stop();
    expect(await running).toBe(0);
    expect(discord.connectedCount()).toBe(0);
    await Promise.all([slack.close(), discord.close(), sim.close()]);
  });

  it('register discord overwrites the commands through the CLI', async () => {
    const discord = await startFakeDiscord();
    let out = '';
    const code = await runCli(['register', 'discord', '--guild', FIXTURE.guildId], {
      env: { LOG_LEVEL: 'silent', DISCORD_TOKEN: 'start-test-token.abc.def', DISCORD_API_URL: discord.apiUrl },
      cwd: mkdtempSync(join(tmpdir(), 'ng-reg-')),
      stdout: (t) => (out += t),
      stderr: () => undefined,
      adapters: { start: startAdapters, register: registerCommands },
    });
    expect(code).toBe(0);
    expect(out).toMatch(new RegExp(`^registered 3 commands for application ${FIXTURE.applicationId} \\(guild ${FIXTURE.guildId}\\)`));
    await discord.close();
  });
});
