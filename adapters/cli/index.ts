import { parseArgs } from 'node:util';
import { engineDeps } from '../../commands/deps.js';
import { COMMANDS, type Command } from '../../commands/index.js';
import { createEngine } from '../../src/app.js';
import { verdictMethodSchema } from '../../src/assessment/types.js';
import type { CliCommands, CliIo } from '../../src/cli/index.js';
import { EXIT, exitCodeOf, failureJson } from '../../src/cli/exit.js';
import { formatAssessment } from '../../src/cli/output.js';
import type { Config } from '../../src/config.js';
import { NormguardError, describeError, isModelUnavailable } from '../../src/errors.js';
import { createLogger } from '../../src/logger.js';
import { secretsOf } from '../../src/config.js';
import { cliOptions, commandHelp, SHORT } from './help.js';

const LOCAL = COMMANDS.filter((c) => c.local !== undefined);

/** The registry's model-only commands as CLI subcommands: flags, --help and exit codes derived from it. */
export const cliCommands: CliCommands = {
  has: (name) => LOCAL.some((c) => c.name === name),
  run: (name, args, config, io) => runLocal(LOCAL.find((c) => c.name === name) as Command, args, config, io),
};

async function runLocal(command: Command, args: string[], config: Config, io: CliIo): Promise<number> {
  const json = args.includes('--json');
  const fail = (code: string, message: string, extra: Record<string, unknown> = {}) => {
    io.stderr(json ? `${JSON.stringify(failureJson(code, message, extra))}\n` : `normguard: ${message}\n`);
    return code === 'BAD_INPUT' ? EXIT.badInput : EXIT.modelUnavailable;
  };
  let values: Record<string, string | boolean | undefined>;
  try {
    const options = Object.fromEntries(cliOptions(command).map((o) => [o.name, { type: o.kind === 'boolean' ? ('boolean' as const) : ('string' as const), ...(SHORT[o.name] ? { short: SHORT[o.name] } : {}) }]));
    ({ values } = parseArgs({ args, options: { ...options, json: { type: 'boolean' }, method: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, strict: true, allowPositionals: false }));
  } catch (err) {
    return fail('BAD_INPUT', `${(err as Error).message} (see normguard ${command.name} --help)`);
  }
  if (values.help) {
    io.stdout(commandHelp(command));
    return EXIT.ok;
  }
  const method = values.method === undefined ? undefined : verdictMethodSchema.safeParse(values.method);
  if (method && !method.success) return fail('BAD_INPUT', `--method must be one of ${verdictMethodSchema.options.join(', ')} (got "${String(values.method)}")`);
  const input: Record<string, unknown> = {};
  for (const o of cliOptions(command)) if (values[o.name] !== undefined) input[o.name] = o.kind === 'integer' ? Number(values[o.name]) : values[o.name];
  // A one-shot command keeps no state (no store, no cache) and logs only problems unless asked.
  const logger = createLogger({ level: config.LOG_LEVEL === 'info' ? 'error' : config.LOG_LEVEL, secrets: secretsOf(config, io.env) });
  const engine = createEngine(method?.data ? { ...config, NORMGUARD_VERDICT_METHOD: method.data } : config, { logger, awaitCalibration: true });
  const outcome = await (command.local as NonNullable<Command['local']>)(input, engineDeps(engine));
  await engine.close();
  switch (outcome.kind) {
    case 'reply':
      if (outcome.reply.kind !== 'assessment') return fail('BAD_INPUT', 'this command has no terminal answer');
      io.stdout(json ? `${JSON.stringify(outcome.reply.assessment, null, 2)}\n` : formatAssessment(outcome.reply.assessment));
      return EXIT.ok;
    case 'invalid':
      return fail('BAD_INPUT', `bad input:\n${outcome.problems.map((p) => `  --${p.option} ${p.message.replace(new RegExp(`^${p.option} `), '')}`).join('\n')}`, { problems: outcome.problems });
    case 'refused':
      return fail('BAD_INPUT', outcome.message);
    case 'failed': {
      const err = outcome.error;
      if (!(err instanceof NormguardError)) logger.error({ err }, 'unexpected failure');
      const label = err instanceof NormguardError ? err.code : 'UNEXPECTED';
      const message = err instanceof NormguardError ? err.message : describeError(err);
      const prefix = isModelUnavailable(err) ? `model unavailable (${label}): ` : err instanceof NormguardError ? `${label}: ` : '';
      io.stderr(json ? `${JSON.stringify(failureJson(label, message))}\n` : `normguard: ${prefix}${message}\n`);
      return exitCodeOf(err);
    }
  }
}
