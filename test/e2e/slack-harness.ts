import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSlackAdapter, type SlackAdapter } from '../../adapters/slack/index.js';
import { createApp, type App } from '../../src/app.js';
import { createLogger, silentLogger } from '../../src/logger.js';
import type { WorkspaceSettings } from '../../src/policy/settings.js';
import { startOllamaSimulator, type OllamaSimulator } from '../fakes/ollama/index.js';
import { createSlackSender, SLACK_FIXTURE, startFakeSlack, type FakeSlack, type SlackSender } from '../fakes/slack/index.js';
import { testConfig } from '../support/config.js';

export const SIGNING_SECRET = 'e2e-signing-secret';
export const BOT_TOKEN = 'xoxb-e2e-bot-token-0000';

/** The whole product on Slack: simulator, real core on SQLite, real Bolt app, fake Slack. */
export interface SlackWorld {
  sim: OllamaSimulator;
  slack: FakeSlack;
  core: App;
  adapter: SlackAdapter;
  send: SlackSender;
  dataDir: string;
  /** Stops the adapter and core and starts new ones on the same data (a bot restart). */
  restart(): Promise<void>;
  configure(change: (s: WorkspaceSettings) => WorkspaceSettings): Promise<void>;
  close(): Promise<void>;
}

/** A response still showing the prose as it is written (the final answer replaces it). */
export const isDraft = (body: unknown) => /normguard is writing/.test(JSON.stringify(body ?? null));

/** The answer a member is left with on a response_url: the first POST that is not a streamed draft. */
export async function answerOf(slack: FakeSlack, id: string): Promise<Record<string, any>> {
  for (let count = 1; ; count++) {
    const bodies = await slack.waitForResponse(id, { count });
    const last = bodies.at(-1) as Record<string, any>;
    if (!isDraft(last)) return last;
  }
}

export async function startSlackWorld(env: Record<string, string> = {}, simOptions: Parameters<typeof startOllamaSimulator>[0] = {}): Promise<SlackWorld> {
  const sim = await startOllamaSimulator(simOptions);
  // Trigger ids expire after 3 s on Slack (tested in the fake's own suite); a loaded CI machine
  // must not turn a slow views.open into a failure here.
  const slack = await startFakeSlack({ triggerTtlMs: 15_000 });
  const dataDir = mkdtempSync(join(tmpdir(), 'ng-slack-'));
  const boot = async () => {
    const core = await createApp(testConfig({ OLLAMA_HOST: sim.url, NORMGUARD_DATA_DIR: dataDir, NORMGUARD_MAX_RETRIES: '0', ...env }), { logger: process.env.E2E_LOG ? createLogger({ level: 'debug' }) : silentLogger() });
    const adapter = await startSlackAdapter(core, {
      botToken: BOT_TOKEN,
      signingSecret: SIGNING_SECRET,
      apiUrl: slack.apiUrl,
      host: '127.0.0.1',
      port: 0,
      unhandledRequestTimeoutMillis: 3000,
      retries: 0,
      ...(env.SLACK_ADMIN_USER_TOKEN ? { adminUserToken: env.SLACK_ADMIN_USER_TOKEN } : {}),
    });
    const send = createSlackSender({ url: `http://127.0.0.1:${adapter.port}/slack/events`, signingSecret: SIGNING_SECRET, teamId: SLACK_FIXTURE.teamId });
    return { core, adapter, send };
  };
  let parts = await boot();
  // Calibrate as start-up would, before any scenario; the probes are not what the tests count.
  await parts.core.calibration.ensure();
  sim.requests.length = 0;
  const world: SlackWorld = {
    sim,
    slack,
    dataDir,
    get core() {
      return parts.core;
    },
    get adapter() {
      return parts.adapter;
    },
    get send() {
      return parts.send;
    },
    restart: async () => {
      await parts.adapter.stop();
      await parts.core.close();
      parts = await boot();
    },
    configure: async (change) => {
      await parts.core.store.repos.settings.update(SLACK_FIXTURE.teamId, change);
    },
    close: async () => {
      await parts.adapter.stop();
      await parts.core.close();
      await slack.close();
      await sim.close();
    },
  };
  return world;
}
