import type { z } from 'zod';
import type { Actor, PreconditionResult } from '../src/moderation/preconditions.js';
import type { CommandDeps, EngineDeps } from './deps.js';
import { BadInputError, describeError } from '../src/errors.js';
import { problemsOf, problemsText, type OptionProblem, type Options } from './options.js';
import { errorReply, type Reply } from './replies.js';

/** Where a command runs: wording (permission names) and what the platform can show differ. */
export type Surface = 'discord' | 'slack' | 'cli' | 'http';

export interface CommandContext {
  surface: Surface;
  workspaceId: string;
  channelId: string;
  userId: string;
  /** Who is acting; looked up only when a precondition needs it (Slack asks its API). */
  actor(): Promise<Actor>;
  signal?: AbortSignal;
  /** Where the surface shows an answer's prose while it is written (a ProseStream); absent: only the final reply. */
  onProse?: (soFar: string) => void;
}

/** A named check before a handler runs (Sapphire-style): "is a moderator", "is an admin". */
export interface Precondition {
  name: string;
  check(ctx: CommandContext, deps: CommandDeps): Promise<PreconditionResult>;
}

interface CommandBase<O extends Options> {
  name: string;
  /** ≤ 100 characters: Discord shows it under the command. */
  description: string;
  /** A whole invocation's options, for --help and Slack's hints. */
  example: Record<string, string | number | boolean>;
  options: O;
  /** The option a bare value fills in text forms (`/ethics case c_abc…`, `/ethics stats 7`). */
  positional?: keyof z.infer<O> & string;
  preconditions?: readonly Precondition[];
  /** Costs a model call: per-member and per-channel quotas apply. */
  rateLimited?: boolean;
}

/** A command about a workspace's state: chat platforms only. */
interface ChatCommandDef<O extends Options> extends CommandBase<O> {
  cli?: false;
  run(args: z.infer<O>, ctx: CommandContext, deps: CommandDeps): Promise<Reply>;
}

/** A command that needs only the model: also a CLI subcommand and an HTTP route. */
interface AnywhereCommandDef<O extends Options> extends CommandBase<O> {
  cli: true;
  run(args: z.infer<O>, ctx: CommandContext, deps: EngineDeps): Promise<Reply>;
}

export type CommandDef<O extends Options> = ChatCommandDef<O> | AnywhereCommandDef<O>;

/** What running a command came to, before any platform says it. */
export type Outcome =
  | { kind: 'reply'; reply: Reply }
  | { kind: 'refused'; message: string }
  | { kind: 'invalid'; problems: OptionProblem[] }
  | { kind: 'failed'; error: unknown };

/** A command in the registry: its declaration, and the one way to run it. */
export interface Command {
  name: string;
  description: string;
  example: Record<string, string | number | boolean>;
  options: Options;
  positional?: string;
  preconditions: readonly Precondition[];
  rateLimited: boolean;
  /** Preconditions, then the options, then the quota, then the handler: the same on every chat platform. */
  execute(input: Record<string, unknown>, ctx: CommandContext, deps: CommandDeps): Promise<Outcome>;
  /** Present on commands that need only the model: the CLI and HTTP run them without a store. */
  local?(input: Record<string, unknown>, deps: EngineDeps): Promise<Outcome>;
}

/** Declares a command; its handler's arguments are typed by its options (no casts). */
export function defineCommand<O extends Options>(def: CommandDef<O>): Command {
  const parse = (input: Record<string, unknown>): { args: z.infer<O> } | { outcome: Outcome } => {
    const parsed = def.options.safeParse(input);
    return parsed.success ? { args: parsed.data } : { outcome: { kind: 'invalid', problems: problemsOf(parsed.error, input) } };
  };
  const command: Command = {
    name: def.name,
    description: def.description,
    example: def.example,
    options: def.options,
    ...(def.positional ? { positional: def.positional } : {}),
    preconditions: def.preconditions ?? [],
    rateLimited: def.rateLimited ?? false,
    async execute(input, ctx, deps) {
      for (const p of command.preconditions) {
        const allowed = await p.check(ctx, deps);
        if (!allowed.ok) return { kind: 'refused', message: allowed.message };
      }
      const parsed = parse(input);
      if ('outcome' in parsed) return parsed.outcome;
      const limited = command.rateLimited ? await quotaRefusal(ctx, deps) : null;
      if (limited) return { kind: 'refused', message: limited };
      return attempt(() => def.run(parsed.args, ctx, deps));
    },
  };
  if (def.cli) {
    const anywhere = def;
    const ctx: CommandContext = { surface: 'cli', workspaceId: '', channelId: '', userId: 'cli', actor: () => Promise.reject(new Error('the CLI acts as nobody')) };
    command.local = async (input, deps) => {
      const parsed = parse(input);
      return 'outcome' in parsed ? parsed.outcome : attempt(() => anywhere.run(parsed.args, ctx, deps));
    };
  }
  return command;
}

async function attempt(run: () => Promise<Reply>): Promise<Outcome> {
  try {
    return { kind: 'reply', reply: await run() };
  } catch (error) {
    if (error instanceof BadInputError) return { kind: 'invalid', problems: error.problems.map((p) => ({ option: p.field, message: p.message })) };
    return { kind: 'failed', error };
  }
}

/** An outcome as a chat reply: failures in the sentence for their error code, logged with it. */
export function replyOf(outcome: Outcome, deps: Pick<CommandDeps, 'logger'>): Reply {
  switch (outcome.kind) {
    case 'reply':
      return outcome.reply;
    case 'refused':
      return errorReply(outcome.message);
    case 'invalid':
      return errorReply(problemsText(outcome.problems));
    case 'failed':
      deps.logger.warn({ err: outcome.error, code: (outcome.error as { code?: unknown }).code }, 'command could not be answered');
      return errorReply(describeError(outcome.error));
  }
}

/** The rate-limit precondition for commands that cost a model call, with the wait in the answer. */
export async function quotaRefusal(ctx: CommandContext, deps: CommandDeps): Promise<string | null> {
  if (ctx.surface === 'cli') return null;
  const settings = await deps.settings.get(ctx.workspaceId);
  const quota = await deps.activity.takeCommandQuota(ctx.workspaceId, ctx.userId, ctx.channelId, settings.commandLimits);
  if (quota.ok) return null;
  const seconds = Math.max(1, Math.ceil(quota.retryInMs / 1000));
  const who = quota.scope === 'user' ? 'You have' : 'This channel has';
  return `${who} asked normguard a lot in the last minute. Please try again in ${seconds} s.`;
}
