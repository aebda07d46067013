import { parseArgs } from 'node:util';
import type { App } from '../app.js';
import type { Role } from '../scale/index.js';
import type { AdapterStarter } from '../service.js';
import type { Config } from '../config.js';
import { ConfigError, NormguardError } from '../errors.js';
import type { Logger } from '../logger.js';
import { EXIT, isNetworkFailure } from './exit.js';
import { USAGE } from './usage.js';

// Only what `--help` needs is imported up front; each command loads its own modules (zod, pino,
// the openai SDK, the store, bullmq…) when it runs, so help answers in a fraction of the time.
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
  /** The registry's model-only commands (check, evaluate, advise, why), loaded when one runs. */
  commands?: () => Promise<CliCommands>;
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

export { EXIT } from './exit.js';

/**
 * The registry's commands that need only the model, plugged in by the entry point like the
 * adapters: their flags, --help and exit codes come from commands/ (src/ never imports it).
 */
export interface CliCommands {
  has(name: string): boolean;
  run(name: string, args: string[], config: Config, io: CliIo): Promise<number>;
}

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    io.stdout(USAGE);
    return command === undefined ? EXIT.badInput : EXIT.ok;
  }
  const { loadEnv, parseConfig, secretsOf } = await import('../config.js');
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
  const { createLogger } = await import('../logger.js');
  const logger = createLogger({ level: config.LOG_LEVEL, secrets: secretsOf(config, io.env) });
  if (command === 'doctor') return (await import('./doctor.js')).runDoctor(config, logger, io);
  if (command === 'eval') return (await import('../eval/index.js')).runEval(rest, config, io);
  if (command === 'calibrate') return (await import('../calibration/command.js')).runCalibrate(rest, config, io);
  if (command === 'start') return runStart(rest, config, logger, io);
  if (command === 'register') return runRegister(rest, config, io);
  const registry = await io.commands?.();
  if (registry?.has(command)) return registry.run(command, rest, config, io);
  io.stderr(`normguard: unknown command "${command}"\n\n${USAGE}`);
  return EXIT.badInput;
}

async function runStart(args: string[], given: Config, logger: Logger, io: CliIo): Promise<number> {
  const [{ checkRoleConfig, ROLES, startRole }, { createApp }] = await Promise.all([import('../scale/index.js'), import('../app.js')]);
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
  let core: App;
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
  const service = await startRole(role, core, adapters).catch(async (err: Error) => {
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
    // Discord unreachable is "could not reach a server" (3), like Ollama; a refusal is bad input.
    return isNetworkFailure(err) ? EXIT.modelUnavailable : EXIT.badInput;
  }
}
