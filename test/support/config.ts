import { parseConfig, type Config } from '../../src/config.js';

/** A parsed config for tests: quiet logs, short timeouts, fast breaker; override what a test needs. */
export function testConfig(env: Record<string, string> = {}): Config {
  return parseConfig({
    LOG_LEVEL: 'silent',
    NORMGUARD_REQUEST_TIMEOUT_MS: '3000',
    NORMGUARD_COLD_START_TIMEOUT_MS: '5000',
    NORMGUARD_INTERACTIVE_DEADLINE_MS: '4000',
    NORMGUARD_PASSIVE_DEADLINE_MS: '5000',
    NORMGUARD_CONNECT_TIMEOUT_MS: '1000',
    NORMGUARD_BREAKER_COOLDOWN_MS: '500',
    NORMGUARD_SLOTS: '4',
    ...env,
  });
}
