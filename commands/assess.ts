import type { Assessor } from '../src/assessment/assessor.js';
import type { Strategy } from '../src/assessment/types.js';
import type { BufferedMessage } from '../src/moderation/conversation-buffer.js';
import { auditFields, type AuditSubject } from '../src/moderation/situation.js';
import { z } from 'zod';
import { defineCommand, quotaRefusal, replyOf, type Command, type CommandContext } from './define.js';
import type { CommandDeps, EngineDeps } from './deps.js';
import { flag, text } from './options.js';
import { errorReply, type Reply } from './replies.js';
import { splitSections } from './sections.js';

/** Field lengths: generous for people, far inside the model's context (see strategies/sanitize.ts). */
const situation = text('What is going on: the setting and who is involved', { name: 'situation', max: 1000, multiline: true });
const intent = text('What the person wants to achieve', { name: 'intent', max: 300 });
const action = text('The action to judge', { name: 'action', max: 600, multiline: true });
const norm = text('The norm or guideline to explain, e.g. "You should not insult people."', { name: 'norm', max: 300 });
const isPublic = flag('Show the answer to the whole channel (default: only you)').optional();

interface Fields {
  situation: string;
  intent?: string;
  action?: string;
  norm?: string;
  public?: boolean;
}

async function assessReply(title: string, strategy: Strategy, v: Fields, deps: EngineDeps, ctx: Pick<CommandContext, 'signal' | 'onProse'>): Promise<Reply> {
  const request: Parameters<Assessor['assess']>[0] = {
    strategy,
    fields: { situation: v.situation, intent: v.intent, action: v.action, norm: v.norm },
    priority: 'interactive',
    signal: ctx.signal,
    ...(ctx.onProse ? { onProse: ctx.onProse } : {}),
  };
  const assessment = await deps.assessor.assess(request);
  return { kind: 'assessment', title, assessment, sections: splitSections(assessment.text), ephemeral: v.public !== true };
}

const assessing = (title: string, strategy: Strategy) => (args: Fields, ctx: CommandContext, deps: EngineDeps) => assessReply(title, strategy, args, deps, ctx);
const SITUATION = 'A game chat; Tom lost a close match.';
const common = { rateLimited: true, cli: true } as const;

/** `/ethics advise|evaluate|check|why`: frames S1, S2, S3, S4 (DESIGN.md §2). */
export const ASSESS_COMMANDS: readonly Command[] = [
  defineCommand({
    ...common,
    name: 'advise',
    description: 'Get an ethical assessment and an action plan for a situation',
    example: { situation: SITUATION, intent: 'Tom wants to win the rematch' },
    options: z.object({ situation, intent, public: isPublic }),
    run: assessing('Ethical guidance', 'guidance'),
  }),
  defineCommand({
    ...common,
    name: 'evaluate',
    description: 'Get a moral evaluation of an action in a situation',
    example: { situation: SITUATION, intent: 'Tom wants a rematch', action: 'Tom congratulates the winner' },
    options: z.object({ situation, intent, action, public: isPublic }),
    run: assessing('Moral evaluation', 'evaluation'),
  }),
  defineCommand({
    ...common,
    name: 'check',
    description: 'Ask whether an action is permissible in a situation',
    example: { situation: SITUATION, intent: 'Tom wants to vent', action: 'Tom calls the winner an idiot' },
    options: z.object({ situation, intent, action, public: isPublic }),
    run: assessing('Permissibility check', 'permissibility'),
  }),
  defineCommand({
    ...common,
    name: 'why',
    description: 'Ask why a norm should be kept in a situation',
    example: { norm: 'You should not insult people.', situation: SITUATION },
    options: z.object({ norm, situation, public: isPublic }),
    run: assessing('Why this norm matters', 'norm-rationale'),
  }),
];

/** The message action "Check this message": S3 on the chosen message with its surroundings. */
export const CHECK_MESSAGE_ACTION = { name: 'Check this message' } as const;

/** "Check this message": the same quota as the commands, then S3 with the conversation as context. */
export async function runCheckMessage(subject: AuditSubject, context: readonly BufferedMessage[], ctx: CommandContext, deps: CommandDeps): Promise<Reply> {
  if (subject.text.trim().length === 0) return errorReply('That message has no text to check.');
  const limited = await quotaRefusal(ctx, deps);
  if (limited) return errorReply(limited);
  const { excerpt: _excerpt, ...fields } = auditFields(subject, context);
  try {
    const assessment = await deps.assessor.assess({ strategy: 'permissibility', fields, priority: 'interactive', signal: ctx.signal, ...(ctx.onProse ? { onProse: ctx.onProse } : {}) });
    return { kind: 'assessment', title: 'Check this message', assessment, sections: splitSections(assessment.text), ephemeral: true };
  } catch (error) {
    return replyOf({ kind: 'failed', error }, deps);
  }
}
