import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startSlackAdapter, type SlackAdapter } from '../../adapters/slack/index.js';
import { createApp, type App } from '../../src/app.js';
import { silentLogger } from '../../src/logger.js';
import { startOllamaSimulator, type OllamaSimulator } from '../fakes/ollama/index.js';
import { eventCallback, SLACK_FIXTURE, slashCommandBody, startFakeSlack, type FakeSlack } from '../fakes/slack/index.js';
import { testConfig } from '../support/config.js';
import { answerOf } from './slack-harness.js';

const { users, channels, teamId } = SLACK_FIXTURE;
let sim: OllamaSimulator;
let slack: FakeSlack;
let core: App;
let adapter: SlackAdapter;

afterEach(async () => {
  await adapter?.stop();
  await core?.close();
  await slack?.close();
  await sim?.close();
});

describe('Slack adapter in Socket Mode', () => {
  it('connects with the app token and serves commands and monitoring over the socket', async () => {
    sim = await startOllamaSimulator();
    slack = await startFakeSlack();
    core = await createApp(testConfig({ OLLAMA_HOST: sim.url, NORMGUARD_DATA_DIR: mkdtempSync(join(tmpdir(), 'ng-sock-')) }), { logger: silentLogger() });
    adapter = await startSlackAdapter(core, { botToken: 'xoxb-socket-bot', appToken: 'xapp-socket-app', apiUrl: slack.apiUrl, host: '127.0.0.1', port: 0, retries: 0 });
    expect(adapter.port).toBeNull();
    expect(slack.socketMode.connected()).toBe(true);
    expect(slack.callsTo('apps.connections.open')[0]?.token).toBe('xapp-socket-app');

    const { url, id } = slack.newResponseUrl();
    await slack.socketMode.sendEnvelope('slash_commands', slashCommandBody({ text: 'check situation: a game chat | intent: win | action: Tom calls him an idiot', userId: users.alice.id, channelId: channels.general.id, responseUrl: url }));
    const reply = await answerOf(slack, id);
    expect(JSON.stringify(reply.blocks)).toMatch(/Impermissible/);

    await core.store.repos.settings.update(teamId, (s) => ({ ...s, channels: { [channels.general.id]: { mode: 'flag', unclearToReview: false } }, reviewChannelId: channels.mods.id }));
    const said = slack.postUserMessage({ channel: channels.general.id, user: users.alice.id, text: 'You are a stupid idiot and everyone here knows it' });
    await slack.socketMode.sendEnvelope('events_api', eventCallback({ event: { type: 'message', channel: channels.general.id, user: users.alice.id, text: said.text, ts: said.ts, channel_type: 'channel' }, eventId: 'EvSock1' }));
    await slack.waitFor(() => slack.messages(channels.mods.id).some((m) => /^Case c_/.test(m.text)), { what: 'the case card' });
    await adapter.stop();
    expect(slack.socketMode.connected()).toBe(false);
  });
});
