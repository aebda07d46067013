import { parseArgs } from 'node:util';
import { z } from 'zod';
import { verdictMethodSchema, type VerdictMethod } from '../assessment/types.js';
import { ALL_EVAL_FRAMES, evalFrameSchema, type EvalFrame } from './types.js';

export interface EvalOptions {
  source: { kind: 'moral-stories'; dataPath: string | undefined } | { kind: 'cases'; workspaceId: string };
  /** The frames every item is asked in: both by default, so S3 on moral and S2 on immoral actions are measured too. */
  frames: EvalFrame[];
  /** Undefined: the configured method (NORMGUARD_VERDICT_METHOD, or NORMGUARD_PASSIVE_METHOD for cases). */
  methods: VerdictMethod[] | undefined;
  limit: number | undefined;
  concurrency: number | undefined;
  outDir: string | undefined;
  targetPrecision: number | undefined;
}

const METHOD_CHOICES = `${verdictMethodSchema.options.join(', ')}, both (structured and fast) or all`;

const count = (flag: string) =>
  z
    .string()
    .regex(/^\d+$/, `${flag} must be a whole number, e.g. ${flag} 50`)
    .transform(Number)
    .pipe(z.number().int().positive(`${flag} must be at least 1`));

const optionsSchema = z
  .object({
    data: z.string().trim().min(1, '--data needs a file').optional(),
    'from-cases': z.boolean().optional(),
    workspace: z.string().trim().min(1, '--workspace needs an id').optional(),
    frame: z.enum([...evalFrameSchema.options, 'both'], { error: '--frame must be check (S3), evaluate (S2) or both' }).optional(),
    method: z.enum([...verdictMethodSchema.options, 'both', 'all'], { error: `--method must be ${METHOD_CHOICES}` }).optional(),
    limit: count('--limit').optional(),
    concurrency: count('--concurrency').optional(),
    out: z.string().trim().min(1, '--out needs a directory').optional(),
    'target-precision': z
      .string()
      .transform(Number)
      .pipe(z.number({ error: '--target-precision must be a number, e.g. 0.9' }).gt(0, '--target-precision must be above 0, e.g. 0.9').max(1, '--target-precision must be at most 1, e.g. 0.9'))
      .optional(),
  })
  .refine((o) => !(o.data && o['from-cases']), { message: '--data and --from-cases exclude each other: evaluate a file or the review cases, not both' })
  .refine((o) => !(o.workspace && !o['from-cases']), { message: '--workspace only applies with --from-cases' })
  .refine((o) => !(o['from-cases'] && !o.workspace), {
    message: '--from-cases needs --workspace ID (the Discord server id or Slack team id whose decided cases to use)',
  });

/** Parses `normguard eval` arguments; throws an Error whose message is meant for the user. */
export function parseEvalArgs(args: string[]): EvalOptions {
  const { values, positionals } = parseArgs({
    args,
    options: {
      data: { type: 'string' },
      'from-cases': { type: 'boolean' },
      workspace: { type: 'string' },
      frame: { type: 'string' },
      method: { type: 'string' },
      limit: { type: 'string' },
      concurrency: { type: 'string' },
      out: { type: 'string' },
      'target-precision': { type: 'string' },
    },
    strict: true,
    allowPositionals: true,
  });
  if (positionals.length > 0) throw new Error(`unexpected argument "${positionals[0]}"`);
  const parsed = optionsSchema.safeParse(values);
  if (!parsed.success) throw new Error(parsed.error.issues.map((i) => i.message).join('; '));
  const o = parsed.data;
  return {
    source: o['from-cases'] ? { kind: 'cases', workspaceId: o.workspace as string } : { kind: 'moral-stories', dataPath: o.data },
    frames: o.frame === undefined || o.frame === 'both' ? [...ALL_EVAL_FRAMES] : [o.frame],
    methods: methodsOf(o.method),
    limit: o.limit,
    concurrency: o.concurrency,
    outDir: o.out,
    targetPrecision: o['target-precision'],
  };
}

function methodsOf(choice: VerdictMethod | 'both' | 'all' | undefined): VerdictMethod[] | undefined {
  if (choice === undefined) return undefined;
  if (choice === 'all') return [...verdictMethodSchema.options];
  if (choice === 'both') return ['structured', 'fast'];
  return [choice];
}
