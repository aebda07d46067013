import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDiscordAdapter, type DiscordAdapter } from '../../adapters/discord/index.js';
import { createApp, type App } from '../../src/app.js';
import { createLogger, silentLogger } from '../../src/logger.js';
import type { WorkspaceSettings } from '../../src/policy/settings.js';
import { startOllamaSimulator, type OllamaSimulator } from '../fakes/ollama/index.js';
import { FIXTURE, startFakeDiscord, type FakeDiscord } from '../fakes/discord/index.js';
import { testConfig } from '../support/config.js';

export const DISCORD_TOKEN = 'e2e-discord-token.0000.0000';

/** The whole product on Discord: simulator, real core on SQLite, real discord.js client, fake Discord. */
export interface DiscordWorld {
  sim: OllamaSimulator;
  discord: FakeDiscord;
  core: App;
  adapter: DiscordAdapter;
  restart(): Promise<void>;
  configure(change: (s: WorkspaceSettings) => WorkspaceSettings): Promise<void>;
  close(): Promise<void>;
}

export async function startDiscordWorld(env: Record<string, string> = {}, simOptions: Parameters<typeof startOllamaSimulator>[0] = {}): Promise<DiscordWorld> {
  const sim = await startOllamaSimulator(simOptions);
  // Discord's real 3 s interaction deadline is tested in the fake's own suite; here a loaded CI
  // machine must not turn a slow defer into a failure.
  const discord = await startFakeDiscord({ interactionDeadlineMs: 15_000 });
  const dataDir = mkdtempSync(join(tmpdir(), 'ng-discord-'));
  const boot = async () => {
    const core = await createApp(testConfig({ OLLAMA_HOST: sim.url, NORMGUARD_DATA_DIR: dataDir, NORMGUARD_MAX_RETRIES: '0', ...env }), {
      logger: process.env.E2E_LOG ? createLogger({ level: 'debug' }) : silentLogger() });
    const adapter = await startDiscordAdapter(core, { token: DISCORD_TOKEN, apiUrl: discord.apiUrl, loginTimeoutMs: 5000 });
    return { core, adapter };
  };
  let parts = await boot();
  // Calibrate as start-up would, before any scenario; the probes are not what the tests count.
  await parts.core.calibration.ensure();
  sim.requests.length = 0;
  return {
    sim,
    discord,
    get core() {
      return parts.core;
    },
    get adapter() {
      return parts.adapter;
    },
    restart: async () => {
      await parts.adapter.stop();
      await parts.core.close();
      parts = await boot();
    },
    configure: async (change) => {
      await parts.core.store.repos.settings.update(FIXTURE.guildId, change);
    },
    close: async () => {
      await parts.adapter.stop();
      await parts.core.close();
      await discord.close();
      await sim.close();
    },
  };
}
