import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp, type App } from '../../src/app.js';
import { silentLogger } from '../../src/logger.js';
import { testConfig } from './config.js';

/** The real composition root on a fresh SQLite directory, pointed at a simulator. */
export async function testCore(ollamaUrl: string, env: Record<string, string> = {}): Promise<App> {
  const core = await createApp(
    testConfig({ OLLAMA_HOST: ollamaUrl, NORMGUARD_DATA_DIR: mkdtempSync(join(tmpdir(), 'ng-core-')), ...env }),
    { logger: silentLogger() },
  );
  // Calibrate now, as start-up would: the content-free probes are not part of what tests count.
  await core.calibration.ensure();
  return core;
}
