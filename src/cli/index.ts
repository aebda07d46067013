import { parseArgs } from 'node:util';
import { createApp, createEngine } from '../app.js';
import type { AdapterStarter, WebStarter } from '../service.js';
import { checkRoleConfig, ROLES, startRole, type Role } from '../scale/index.js';
import type { Strategy } from '../assessment/types.js';
import { verdictMethodSchema } from '../assessment/types.js';
import { loadEnv, parseConfig, secretsOf, type Config } from '../config.js';
import { BadInputError, ConfigError, NormguardError, isModelUnavailable } from '../errors.js';
import { createLogger, type Logger } from '../logger.js';
import { runEval } from '../eval/index.js';
import { runDoctor } from './doctor.js';
import { formatAssessment } from './output.js';
import { USAGE } from './usage.js';

export interface CliIo {
  env: Record<string, string | undefined>;
  cwd: string;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Resolves when the process is asked to stop (SIGINT/SIGTERM); `start` waits on it. */
  stopSignal?: Promise<void>;
  /** The chat adapters, passed in by the entry point so the core never imports them. */
  adapters?: {
    start: AdapterStarter;
    register(platform: string, options: { guildId?: string }, config: Config): Promise<string>;
    /** `start --shards`: Discord sharding with discord.js's ShardingManager (adapters/discord/shards.ts). */
    shards?(options: ShardOptions): Promise<{ count: number; stop(): Promise<void> }>;
  };
  /** The web dashboard, plugged in by the entry point like the adapters; it serves only with NORMGUARD_PUBLIC_URL. */
  web?: WebStarter;
  /** This program as a shard process runs it: the entry file and the Node flags (e.g. tsx's loader). */
  entry?: { file: string; execArgv: string[] };
}

/** What `start --shards` hands the Discord adapter's sharding (the adapter implements it). */
export interface ShardOptions {
  /** The entry point each shard process runs (src/main.ts), with `args` after it. */
  file: string;
  args: string[];
  /** Node flags for the shard processes, e.g. tsx's loader. */
  execArgv: string[];
  token: string;
  /** A number, or 'auto' for Discord's recommendation (GET /gateway/bot). */
  shards: number | 'auto';
  /** REST base for 'auto' when DISCORD_API_URL points elsewhere (a proxy, or a fake in tests). */
  apiUrl?: string;
  /**
   * Wait between shard start-ups. Discord allows one IDENTIFY per 5 s per bucket
   * (max_concurrency, usually 1), hence discord.js's default of 5.5 s; tests lower it.
   */
  spawnDelayMs?: number;
  logger: Logger;
}

export const EXIT = { ok: 0, failure: 1, badInput: 2, modelUnavailable: 3 } as const;

const ASSESS_COMMANDS: Record<string, Strategy> = {
  check: 'permissibility',
  evaluate: 'evaluation',
  advise: 'guidance',
  why: 'norm-rationale',
};

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    io.stdout(USAGE);
    return command === undefined ? EXIT.badInput : EXIT.ok;
  }
  let config: Config;
  try {
    config = parseConfig(loadEnv(io.cwd, io.env));
  } catch (err) {
    if (err instanceof ConfigError) {
      io.stderr(`normguard: ${err.message}\n`);
      return EXIT.badInput;
    }
    throw err;
  }
  const logger = createLogger({ level: config.LOG_LEVEL, secrets: secretsOf(config, io.env) });
  const strategy = ASSESS_COMMANDS[command];
  if (strategy) return runAssess(strategy, rest, config, io);
  if (command === 'doctor') return runDoctor(config, logger, io);
  if (command === 'eval') return runEval(rest, config, io);
  if (command === 'start') return runStart(rest, config, logger, io);
  if (command === 'register') return runRegister(rest, config, io);
  io.stderr(`normguard: unknown command "${command}"\n\n${USAGE}`);
  return EXIT.badInput;
}

async function runAssess(strategy: Strategy, args: string[], config: Config, io: CliIo): Promise<number> {
  let values: { situation?: string; intent?: string; action?: string; norm?: string; json?: boolean; method?: string };
  try {
    ({ values } = parseArgs({
      args,
      options: {
        situation: { type: 'string', short: 's' },
        intent: { type: 'string', short: 'i' },
        action: { type: 'string', short: 'a' },
        norm: { type: 'string', short: 'n' },
        json: { type: 'boolean' },
        method: { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    io.stderr(`normguard: ${(err as Error).message}\n\n${USAGE}`);
    return EXIT.badInput;
  }
  const method = values.method === undefined ? undefined : verdictMethodSchema.safeParse(values.method);
  if (method && !method.success) {
    io.stderr(`normguard: --method must be structured or fast (got "${values.method}")\n`);
    return EXIT.badInput;
  }
  // A one-shot command keeps no state (no store, no cache) and logs only problems unless asked.
  const logger = createLogger({ level: config.LOG_LEVEL === 'info' ? 'error' : config.LOG_LEVEL, secrets: secretsOf(config, io.env) });
  const core = createEngine(config, { logger });
  try {
    const assessment = await core.assessor.assess({
      strategy,
      fields: { situation: values.situation ?? '', intention: values.intent, action: values.action, norm: values.norm },
      method: method?.data,
      priority: 'interactive',
    });
    io.stdout(values.json ? `${JSON.stringify(assessment, null, 2)}\n` : formatAssessment(assessment));
    return EXIT.ok;
  } catch (err) {
    if (err instanceof BadInputError) {
      const flags = err.problems.map((p) => `  --${p.field === 'intention' ? 'intent' : p.field} ${p.message}`).join('\n');
      io.stderr(`normguard: bad input:\n${flags}\n`);
      return EXIT.badInput;
    }
    if (isModelUnavailable(err)) {
      io.stderr(`normguard: model unavailable (${err.code}): ${err.message}\n`);
      return EXIT.modelUnavailable;
    }
    if (err instanceof NormguardError) {
      io.stderr(`normguard: ${err.code}: ${err.message}\n`);
      return err.code === 'BAD_INPUT' ? EXIT.badInput : EXIT.modelUnavailable;
    }
    logger.error({ err }, 'unexpected failure');
    io.stderr(`normguard: unexpected failure: ${(err as Error).message}\n`);
    return EXIT.failure;
  } finally {
    await core.close();
  }
}

async function runStart(args: string[], given: Config, logger: Logger, io: CliIo): Promise<number> {
  let role: Role = 'all';
  let shards: number | 'auto' | null = null;
  let shardChild = false;
  try {
    const { values } = parseArgs({
      args,
      options: { role: { type: 'string' }, shards: { type: 'string' }, 'discord-shard': { type: 'boolean' } },
      strict: true,
      allowPositionals: false,
    });
    if (values.role !== undefined) {
      if (!(ROLES as readonly string[]).includes(values.role)) throw new Error(`--role must be one of ${ROLES.join(', ')} (got "${values.role}")`);
      role = values.role as Role;
    }
    shardChild = values['discord-shard'] === true;
    if (values.shards !== undefined) shards = parseShards(values.shards, role, given);
    // Fail before opening anything: roles and shards share the queue and state through Redis.
    checkRoleConfig(role, { config: given });
  } catch (err) {
    io.stderr(`normguard: ${(err as Error).message}\n\n${err instanceof ConfigError ? '' : USAGE}`);
    return EXIT.badInput;
  }
  // With --shards this process keeps Slack and the HTTP API and leaves Discord to one child per
  // shard; a shard child (--discord-shard, set by the manager) runs Discord only.
  const config: Config = shards !== null ? { ...given, DISCORD_TOKEN: undefined } : shardChild ? withoutSlackAndHttp(given) : given;
  let core;
  try {
    core = await createApp(config, { logger });
  } catch (err) {
    if (err instanceof NormguardError) {
      io.stderr(`normguard: cannot start: ${err.message}\n`);
      return EXIT.badInput;
    }
    throw err;
  }
  // A worker runs no chat adapter: it only audits what gateways queue.
  const adapters = role === 'worker' ? undefined : io.adapters?.start;
  const service = await startRole(role, core, adapters, role === 'worker' ? {} : { web: io.web }).catch(async (err: Error) => {
    io.stderr(`normguard: cannot start: ${err.message}\n`);
    await core.close();
    return null;
  });
  if (!service) return EXIT.badInput;
  let sharded: { count: number; stop(): Promise<void> } | null = null;
  if (shards !== null) {
    try {
      if (!io.adapters?.shards || !io.entry) throw new Error('sharding is not available from this entry point');
      sharded = await io.adapters.shards({
        file: io.entry.file,
        args: ['start', '--role', role, '--discord-shard'],
        execArgv: io.entry.execArgv,
        token: given.DISCORD_TOKEN as string,
        shards,
        apiUrl: given.DISCORD_API_URL,
        spawnDelayMs: given.NORMGUARD_SHARD_SPAWN_DELAY_MS,
        logger,
      });
    } catch (err) {
      io.stderr(`normguard: cannot start the Discord shards: ${(err as Error).message}\n`);
      await service.stop();
      return EXIT.badInput;
    }
  }
  if (service.address) io.stdout(`normguard listening on http://${service.address.address}:${service.address.port}\n`);
  if (role !== 'all') io.stdout(`role: ${service.summary}\n`);
  if (sharded) io.stdout(`discord: ${sharded.count} shard process(es) running (discord.js ShardingManager)\n`);
  if (service.adapters.length > 0) io.stdout(`chat adapters running: ${service.adapters.join(', ')}\n`);
  else if (role !== 'worker' && !sharded) io.stdout('no chat adapter configured (set DISCORD_TOKEN and/or SLACK_BOT_TOKEN); serving the HTTP API only\n');
  await (io.stopSignal ?? new Promise<void>(() => {}));
  logger.info('stopping');
  await sharded?.stop();
  await service.stop();
  return EXIT.ok;
}

function parseShards(value: string, role: Role, config: Config): number | 'auto' {
  if (role === 'worker') throw new Error('--shards is for processes that run Discord (--role gateway or all), not workers');
  if (!config.DISCORD_TOKEN) throw new Error('--shards needs DISCORD_TOKEN: it runs one Discord shard per child process');
  if (!config.REDIS_URL) {
    throw new ConfigError(['REDIS_URL: required with --shards (the shard processes share cases, dedupe and the queue through Redis), e.g. redis://127.0.0.1:6379']);
  }
  if (value === 'auto') return 'auto';
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--shards must be auto or a whole number of shards, e.g. 2 (got "${value}")`);
  return n;
}

function withoutSlackAndHttp(config: Config): Config {
  return { ...config, SLACK_BOT_TOKEN: undefined, SLACK_APP_TOKEN: undefined, SLACK_SIGNING_SECRET: undefined, NORMGUARD_HTTP_ENABLED: false };
}

async function runRegister(args: string[], config: Config, io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args, options: { guild: { type: 'string' } }, allowPositionals: true, strict: true });
  } catch (err) {
    io.stderr(`normguard: ${(err as Error).message}\n`);
    return EXIT.badInput;
  }
  const platform = parsed.positionals[0];
  if (!platform || !io.adapters) {
    io.stderr('normguard: usage: normguard register discord [--guild ID]\n');
    return EXIT.badInput;
  }
  try {
    io.stdout(`${await io.adapters.register(platform, { guildId: parsed.values.guild }, config)}\n`);
    return EXIT.ok;
  } catch (err) {
    io.stderr(`normguard: register failed: ${(err as Error).message}\n`);
    return EXIT.badInput;
  }
}
