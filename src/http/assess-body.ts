import { z } from 'zod';
import { STRATEGIES, verdictMethodSchema } from '../assessment/types.js';

/** The command names each strategy is also known by, as in `/ethics advise` or `normguard check`. */
export const STRATEGY_ALIASES: Readonly<Record<string, (typeof STRATEGIES)[number]>> = {
  advise: 'guidance',
  evaluate: 'evaluation',
  check: 'permissibility',
  why: 'norm-rationale',
};

const STRATEGY_NAMES = [...STRATEGIES, ...Object.keys(STRATEGY_ALIASES)].join(', ');

/** "is required" for an absent field, "must be …" for one of the wrong type: never the field's name, which `field` carries. */
const text = () =>
  z.string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be a string') }).max(20_000, 'is too long (20000 characters at most)');

/** The body of POST /v1/assess. Field checks beyond shape (required per frame) happen in buildFrame. */
export const assessBodySchema = z.strictObject(
  {
    strategy: z.preprocess(
      (v) => (typeof v === 'string' ? (STRATEGY_ALIASES[v] ?? v) : v),
      z.enum(STRATEGIES, { error: (issue) => (issue.input === undefined ? 'is required' : `must be one of ${STRATEGY_NAMES}`) }),
    ),
    situation: text(),
    intent: text().optional(),
    action: text().optional(),
    norm: text().optional(),
    method: z.enum(verdictMethodSchema.options, { error: `must be one of ${verdictMethodSchema.options.join(', ')}` }).optional(),
  },
  {
    error: (issue) => {
      if (issue.code === 'unrecognized_keys') return `has unknown fields: ${issue.keys.join(', ')} (known: strategy, situation, intent, action, norm, method)`;
      return issue.input === undefined ? 'is required' : 'must be a JSON object';
    },
  },
);
export type AssessBody = z.infer<typeof assessBodySchema>;
