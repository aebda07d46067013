import { z } from 'zod';
import { severitySchema, verdictMethodSchema, verdictSchema, type Strategy, type VerdictMethod } from '../assessment/types.js';

/** What a labelled item says the right verdict is; `unclear` is never a label. */
export const LABELS = ['permissible', 'impermissible'] as const;
export const labelSchema = z.enum(LABELS);
export type Label = z.infer<typeof labelSchema>;

/** The frames an evaluation may ask in: S3 (`check`) or S2 (`evaluate`), as the CLI names them. */
export const EVAL_FRAMES = { check: 'permissibility', evaluate: 'evaluation' } as const satisfies Record<string, Strategy>;
export const evalFrameSchema = z.enum(['check', 'evaluate']);
export type EvalFrame = z.infer<typeof evalFrameSchema>;
/** Both frames, S2 first: every item is asked in each (the cross-frame cells the model never saw in training). */
export const ALL_EVAL_FRAMES: readonly EvalFrame[] = ['evaluate', 'check'];
export const FRAME_IDS: Record<EvalFrame, 'S2' | 'S3'> = { evaluate: 'S2', check: 'S3' };

/** One labelled action to audit. */
export interface EvalItem {
  /** Stable across runs: resuming matches finished work by it. */
  id: string;
  label: Label;
  /** The norm the item is about: Moral Stories' own norm, for a case the norm named when it was flagged, for a labelled chat item its kind. */
  norm: string;
  fields: { situation: string; intent: string; action: string };
}

export const SET_KINDS = ['moral-stories', 'cases', 'labelled'] as const;
export type SetKind = (typeof SET_KINDS)[number];

/** The labelled set an evaluation runs over. */
export interface EvalSet {
  kind: SetKind;
  /** Where it came from, for people: a file path, or a workspace. */
  description: string;
  /** What must not change between a run and its resumption: the file's hash, or the workspace id. */
  identity: string;
  /** Stories or cases read (each story yields two items). */
  records: number;
  items: EvalItem[];
}

/** One line of items.jsonl: what one verdict method said about one item. */
export const itemResultSchema = z.object({
  id: z.string().min(1),
  frame: evalFrameSchema,
  method: verdictMethodSchema,
  label: labelSchema,
  norm: z.string(),
  /** Null when the item failed (see `error`). */
  prediction: verdictSchema.nullable(),
  severity: severitySchema.nullable(),
  /** The calibrated P(impermissible) the method gave, or null when it gives none. */
  score: z.number().min(0).max(1).nullable().default(null),
  latencyMs: z.number().nonnegative(),
  tokens: z.object({ prompt: z.number().int().nonnegative(), completion: z.number().int().nonnegative() }),
  /** The method that answered when it is not the one asked for (e.g. `contrast` without logprobs), and why. */
  answeredBy: z.string().optional(),
  fallback: z.string().optional(),
  /** The norm the model named, to read a misjudgement by. */
  modelNorm: z.string().nullable().optional(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
  /** When the answer arrived (ms since the epoch). */
  at: z.number().int().nonnegative(),
});
export type ItemResult = z.infer<typeof itemResultSchema>;

/** A result that has a verdict (the item did not fail). */
export type AnsweredResult = ItemResult & { prediction: NonNullable<ItemResult['prediction']>; severity: NonNullable<ItemResult['severity']> };

export function isAnswered(r: ItemResult): r is AnsweredResult {
  return r.error === undefined && r.prediction !== null && r.severity !== null;
}

export function resultKey(id: string, frame: EvalFrame, method: VerdictMethod): string {
  return `${method}\u0000${frame}\u0000${id}`;
}

/** run.json: what a run measured, so a resumption cannot mix in answers to a different question. */
export const runManifestSchema = z.object({
  version: z.literal(2),
  set: z.object({ kind: z.enum(SET_KINDS), identity: z.string(), description: z.string() }),
  frames: z.array(evalFrameSchema).min(1),
  methods: z.array(verdictMethodSchema).min(1),
  model: z.string(),
  createdAt: z.number().int().nonnegative(),
});
export type RunManifest = z.infer<typeof runManifestSchema>;
