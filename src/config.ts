import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { z } from 'zod';
import { ConfigError } from './errors.js';
import { verdictMethodSchema } from './assessment/types.js';

/**
 * The one place that reads the environment. Everything else receives a parsed `Config`.
 * Each entry carries an example of a good value, used in the error message on start-up.
 */
const positiveInt = (example: string) =>
  z.coerce.number({ error: `must be a whole number, e.g. ${example}` }).int(`must be a whole number, e.g. ${example}`).positive(`must be above 0, e.g. ${example}`);

const urlList = z
  .string()
  .transform((value, ctx) => {
    const hosts = value
      .split(',')
      .map((h) => h.trim())
      .filter((h) => h.length > 0)
      .map((h) => (/^https?:\/\//i.test(h) ? h : `http://${h}`))
      .map((h) => h.replace(/\/+$/, ''));
    if (hosts.length === 0) {
      ctx.addIssue({ code: 'custom', message: 'must name at least one host, e.g. http://127.0.0.1:11434' });
      return z.NEVER;
    }
    for (const h of hosts) {
      try {
        const u = new URL(h);
        if (u.pathname !== '/' && u.pathname !== '') throw new Error('path');
      } catch {
        ctx.addIssue({ code: 'custom', message: `"${h}" is not a host URL, e.g. http://127.0.0.1:11434 (no path, no /v1)` });
        return z.NEVER;
      }
    }
    return hosts;
  });

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

const boolFlag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'must be true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

export const configSchema = z.object({
  OLLAMA_HOST: urlList.default(['http://127.0.0.1:11434']),
  NORMGUARD_MODEL: z.string().trim().min(1, 'must name the Ollama model, e.g. normguard').default('normguard'),
  NORMGUARD_VERDICT_METHOD: verdictMethodSchema.default('calibrated'),
  NORMGUARD_MAX_TOKENS: positiveInt('512').max(8192, 'must be at most 8192, e.g. 512').default(512),
  NORMGUARD_VERDICT_MAX_TOKENS: positiveInt('160').max(2048, 'must be at most 2048, e.g. 160').default(160),
  NORMGUARD_REQUEST_TIMEOUT_MS: positiveInt('60000').default(60_000),
  NORMGUARD_INTERACTIVE_DEADLINE_MS: positiveInt('45000').default(45_000),
  NORMGUARD_PASSIVE_DEADLINE_MS: positiveInt('300000').default(300_000),
  NORMGUARD_COLD_START_TIMEOUT_MS: positiveInt('180000').default(180_000),
  NORMGUARD_CONNECT_TIMEOUT_MS: positiveInt('3000').default(3_000),
  NORMGUARD_MAX_RETRIES: z.coerce.number({ error: 'must be a whole number, e.g. 2' }).int().min(0).max(10).default(2),
  NORMGUARD_SLOTS: positiveInt('1').max(64).default(1),
  NORMGUARD_PASSIVE_QUEUE: positiveInt('200').default(200),
  NORMGUARD_BREAKER_THRESHOLD: positiveInt('3').default(3),
  NORMGUARD_BREAKER_COOLDOWN_MS: positiveInt('15000').default(15_000),
  NORMGUARD_KEEP_ALIVE: z.string().trim().regex(/^(-1|0|\d+[smh]?)$/, 'must be an Ollama duration, e.g. 30m or -1').default('30m'),
  NORMGUARD_CACHE_TTL_MS: z.coerce.number({ error: 'must be a whole number, e.g. 3600000' }).int().min(0).default(60 * 60_000),
  NORMGUARD_DATA_DIR: z.string().trim().min(1).default('./data'),
  NORMGUARD_RETENTION_DAYS: z.coerce.number({ error: 'must be a whole number of days, e.g. 180 (0 keeps closed cases forever)' }).int().min(0).max(3650).default(180),
  REDIS_URL: optionalString.pipe(
    z.string().regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL, e.g. redis://127.0.0.1:6379').optional(),
  ),
  /** Prefix of every Redis key and BullMQ queue; lets several deployments (or test runs) share one Redis. */
  NORMGUARD_REDIS_NAMESPACE: z.string().trim().regex(/^[A-Za-z0-9_.-]+$/, 'must be letters, digits, dot, dash or underscore, e.g. normguard').default('normguard'),
  /** Scale-out roles (src/scale): how often a queued audit is tried before it is dead-lettered. */
  NORMGUARD_QUEUE_ATTEMPTS: positiveInt('5').max(50).default(5),
  /** First retry delay of a queued audit; each retry doubles it (BullMQ exponential backoff). */
  NORMGUARD_QUEUE_BACKOFF_MS: positiveInt('2000').default(2_000),
  /** How long a worker's claim on a job lasts without renewal: a killed worker's job is retried after about this long. */
  NORMGUARD_QUEUE_LOCK_MS: positiveInt('30000').default(30_000),
  /** How often workers look for jobs whose worker died (BullMQ stalled-job check). */
  NORMGUARD_QUEUE_STALLED_MS: positiveInt('30000').default(30_000),
  /** How long a gateway waits for a queued audit's outcome before giving up on rendering it. */
  NORMGUARD_QUEUE_WAIT_MS: positiveInt('600000').default(600_000),
  /** A gateway refreshes its liveness this often; another gateway renders its outcomes once it has missed three. */
  NORMGUARD_GATEWAY_HEARTBEAT_MS: positiveInt('5000').default(5_000),
  /** `--shards`: wait between Discord shard start-ups (Discord allows one IDENTIFY per 5 s per bucket). */
  NORMGUARD_SHARD_SPAWN_DELAY_MS: z.coerce.number({ error: 'must be a whole number of ms, e.g. 5500' }).int().min(0).default(5_500),
  NORMGUARD_HTTP_HOST: z.string().trim().min(1).default('127.0.0.1'),
  NORMGUARD_HTTP_PORT: z.coerce
    .number({ error: 'must be a port number, e.g. 8787' })
    .int('must be a port number, e.g. 8787')
    .min(0, 'must be a port number, e.g. 8787')
    .max(65535, 'must be a port number, e.g. 8787')
    .default(8787),
  NORMGUARD_HTTP_ENABLED: boolFlag.default(true),
  NORMGUARD_API_TOKEN: optionalString.pipe(z.string().min(16, 'must be at least 16 characters, e.g. the output of `openssl rand -hex 24`').optional()),
  NORMGUARD_PASSIVE_METHOD: verdictMethodSchema.default('calibrated'),
  DISCORD_TOKEN: optionalString,
  DISCORD_API_URL: optionalString.pipe(z.url({ error: 'must be a URL, e.g. http://127.0.0.1:8080/api' }).optional()),
  SLACK_BOT_TOKEN: optionalString.pipe(z.string().startsWith('xoxb-', 'must be a bot token starting with xoxb-').optional()),
  SLACK_SIGNING_SECRET: optionalString,
  SLACK_APP_TOKEN: optionalString.pipe(z.string().startsWith('xapp-', 'must be an app-level token starting with xapp-').optional()),
  SLACK_ADMIN_USER_TOKEN: optionalString.pipe(z.string().startsWith('xoxp-', 'must be a user token starting with xoxp- (a workspace admin’s)').optional()),
  SLACK_API_URL: optionalString.pipe(z.url({ error: 'must be a URL, e.g. https://slack.com/api/' }).optional()),
  SLACK_HOST: z.string().trim().min(1).default('0.0.0.0'),
  SLACK_PORT: z.coerce
    .number({ error: 'must be a port number, e.g. 3000' })
    .int('must be a port number, e.g. 3000')
    .min(0, 'must be a port number, e.g. 3000')
    .max(65535, 'must be a port number, e.g. 3000')
    .default(3000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { error: 'must be one of fatal, error, warn, info, debug, trace, silent' }).default('info'),
});

export type Config = z.infer<typeof configSchema>;

/** Parses the environment (and nothing else), collecting every problem into one ConfigError. */
export function parseConfig(env: Record<string, string | undefined>): Config {
  // Empty strings mean "unset", as in most .env files with `KEY=`.
  const cleaned: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && v !== '') cleaned[k] = v;
  const result = configSchema.safeParse(cleaned);
  if (result.success) {
    const config = result.data;
    const problems = crossFieldProblems(config);
    if (problems.length > 0) throw new ConfigError(problems);
    return config;
  }
  const problems = result.error.issues.map((issue) => {
    const variable = String(issue.path[0] ?? '(environment)');
    const given = cleaned[variable];
    const shown = given === undefined || isSecretName(variable) ? '' : ` (got "${given}")`;
    return `${variable}${shown}: ${issue.message}`;
  });
  throw new ConfigError(problems);
}

function crossFieldProblems(config: Config): string[] {
  const problems: string[] = [];
  if (config.NORMGUARD_HTTP_ENABLED && !isLoopback(config.NORMGUARD_HTTP_HOST) && !config.NORMGUARD_API_TOKEN) {
    problems.push(
      `NORMGUARD_API_TOKEN: required when NORMGUARD_HTTP_HOST (${config.NORMGUARD_HTTP_HOST}) is not a loopback address; ` +
        'set a token of at least 16 characters, or bind NORMGUARD_HTTP_HOST=127.0.0.1',
    );
  }
  if (config.SLACK_BOT_TOKEN && !config.SLACK_SIGNING_SECRET && !config.SLACK_APP_TOKEN) {
    problems.push('SLACK_SIGNING_SECRET: required with SLACK_BOT_TOKEN for HTTP mode (from the app\'s Basic Information page), or set SLACK_APP_TOKEN (xapp-…) for Socket Mode');
  }
  if ((config.SLACK_SIGNING_SECRET || config.SLACK_APP_TOKEN) && !config.SLACK_BOT_TOKEN) {
    problems.push('SLACK_BOT_TOKEN: required when SLACK_SIGNING_SECRET or SLACK_APP_TOKEN is set, e.g. xoxb-… from OAuth & Permissions');
  }
  if (config.NORMGUARD_INTERACTIVE_DEADLINE_MS > config.NORMGUARD_COLD_START_TIMEOUT_MS) {
    problems.push('NORMGUARD_INTERACTIVE_DEADLINE_MS: must not exceed NORMGUARD_COLD_START_TIMEOUT_MS, e.g. 45000');
  }
  return problems;
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

function isSecretName(name: string): boolean {
  return /TOKEN|SECRET|PASSWORD|KEY/.test(name);
}

/** Values that must never be logged; the logger scrubs them from every line. */
export function secretsOf(config: Config, env: Record<string, string | undefined> = {}): string[] {
  const fromEnv = Object.entries(env)
    .filter(([k, v]) => isSecretName(k) && v !== undefined && v.length >= 8)
    .map(([, v]) => v as string);
  const redisPassword = config.REDIS_URL ? safePassword(config.REDIS_URL) : undefined;
  return [config.NORMGUARD_API_TOKEN, config.DISCORD_TOKEN, config.SLACK_BOT_TOKEN, config.SLACK_SIGNING_SECRET, config.SLACK_APP_TOKEN, config.SLACK_ADMIN_USER_TOKEN, redisPassword, ...fromEnv].filter((s): s is string => typeof s === 'string' && s.length > 0);
}

function safePassword(url: string): string | undefined {
  try {
    const p = new URL(url).password;
    return p ? decodeURIComponent(p) : undefined;
  } catch {
    return undefined;
  }
}

/** Reads `.env` from the working directory when present; real environment variables win. */
export function loadEnv(cwd: string, env: Record<string, string | undefined>): Record<string, string | undefined> {
  const file = join(cwd, '.env');
  if (!existsSync(file)) return { ...env };
  const fromFile = parseEnv(readFileSync(file, 'utf8'));
  return { ...fromFile, ...env };
}
