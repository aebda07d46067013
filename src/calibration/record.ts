import { z } from 'zod';
import { verdictMethodSchema } from '../assessment/types.js';

export const CALIBRATED_FRAMES = ['S2', 'S3'] as const;
export type CalibratedFrame = (typeof CALIBRATED_FRAMES)[number];

export const frameCalibrationSchema = z.object({
  /** Mean log-odds of "impermissible" on content-free probes: the frame's lean, in logits. */
  bias: z.number().refine(Number.isFinite),
  probes: z.number().int().nonnegative(),
  /** Set by `normguard calibrate`, on a balanced labelled probe set. */
  falseRefusalRate: z.number().min(0).max(1).optional(),
  falseValidationRate: z.number().min(0).max(1).optional(),
  auroc: z.number().min(0).max(1).nullable().optional(),
});
export type FrameCalibration = z.infer<typeof frameCalibrationSchema>;

/** What calibration knows about one model, stored under its digest (a re-pulled model is measured again). */
export const calibrationRecordSchema = z.object({
  model: z.string(),
  digest: z.string().nullable(),
  measuredAt: z.number(),
  /** Whether the server returned token logprobs; without them the calibrated score is unavailable. */
  logprobs: z.boolean(),
  frames: z.object({ S2: frameCalibrationSchema.optional(), S3: frameCalibrationSchema.optional() }),
  /** The calibrated score at which a message counts as impermissible (default 0.5). */
  threshold: z.number().min(0).max(1).optional(),
  recommendedMethod: verdictMethodSchema.optional(),
  /** Where the threshold came from: content-free probes only, the labelled probe set, or moderators' decisions. */
  source: z.enum(['probes', 'labelled', 'cases']).default('probes'),
});
export type CalibrationRecord = z.infer<typeof calibrationRecordSchema>;

export const DEFAULT_THRESHOLD = 0.5;
