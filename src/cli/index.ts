import { parseArgs } from 'node:util';
import { createCore, startService, type AdapterStarter } from '../app.js';
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
  };
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
  if (command === 'start') return runStart(config, logger, io);
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
  const core = await createCore(config, { logger, withStore: false });
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

async function runStart(config: Config, logger: Logger, io: CliIo): Promise<number> {
  let core;
  try {
    core = await createCore(config, { logger, withStore: true });
  } catch (err) {
    if (err instanceof NormguardError) {
      io.stderr(`normguard: cannot start: ${err.message}\n`);
      return EXIT.badInput;
    }
    throw err;
  }
  const service = await startService(core, io.adapters?.start).catch(async (err: Error) => {
    io.stderr(`normguard: cannot start: ${err.message}\n`);
    await core.close();
    return null;
  });
  if (!service) return EXIT.badInput;
  if (service.address) io.stdout(`normguard listening on http://${service.address.address}:${service.address.port}\n`);
  if (service.adapters.length > 0) io.stdout(`chat adapters running: ${service.adapters.join(', ')}\n`);
  else io.stdout('no chat adapter configured (set DISCORD_TOKEN and/or SLACK_BOT_TOKEN); serving the HTTP API only\n');
  await (io.stopSignal ?? new Promise<void>(() => {}));
  logger.info('stopping');
  await service.stop();
  return EXIT.ok;
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
