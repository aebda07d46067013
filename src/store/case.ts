import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { assessmentSchema } from '../assessment/types.js';

/** `c_` + 10 base32 characters (50 random bits): short enough for a button's custom id. */
export const CASE_ID_PATTERN = /^c_[a-z2-7]{10}$/;
const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

export function newCaseId(): string {
  // 256 is a multiple of 32, so `byte & 31` is uniform.
  return `c_${Array.from(randomBytes(10), (b) => BASE32[b & 31]).join('')}`;
}

export function isCaseId(value: string): boolean {
  return CASE_ID_PATTERN.test(value);
}

export const CASE_STATUSES = ['open', 'upheld', 'dismissed'] as const;
export const caseStatusSchema = z.enum(CASE_STATUSES);
export type CaseStatus = z.infer<typeof caseStatusSchema>;

export const CASE_ACTIONS = [
  'opened',
  'reported',
  'upheld',
  'dismissed',
  'reopened',
  'rationale',
  'note',
  'enforced',
  'undone',
  'notified',
  'appealed',
  'appeal-accepted',
  'appeal-denied',
  'appeal-expired',
] as const;
export const caseActionSchema = z.enum(CASE_ACTIONS);
export type CaseAction = z.infer<typeof caseActionSchema>;

export const caseHistoryEntrySchema = z.object({
  at: z.number().int().nonnegative(),
  /** A platform user id, or 'normguard' for the bot itself. */
  actor: z.string().min(1),
  action: caseActionSchema,
  reason: z.string().nullable(),
});
export type CaseHistoryEntry = z.infer<typeof caseHistoryEntrySchema>;

/** Where the case card was posted, so it can be edited in place after a decision. */
export const caseCardSchema = z.object({
  channelId: z.string().min(1),
  messageId: z.string().min(1),
  threadId: z.string().min(1).nullable(),
});
export type CaseCard = z.infer<typeof caseCardSchema>;

/** What the case did to the platform through its buttons, so Dismiss knows what to undo. */
export const enforcementSchema = z.object({
  messageDeleted: z.boolean().default(false),
  /** When an active timeout of the author ends (ms), or null. */
  timeoutUntil: z.number().int().nullable().default(null),
});
export type Enforcement = z.infer<typeof enforcementSchema>;

export const APPEAL_STATUSES = ['open', 'accepted', 'denied', 'expired'] as const;
export const appealSchema = z.object({
  status: z.enum(APPEAL_STATUSES),
  /** The author's side, in their words. */
  text: z.string(),
  at: z.number().int().nonnegative(),
  expiresAt: z.number().int().nonnegative(),
  decidedBy: z.string().nullable().default(null),
  decidedAt: z.number().int().nullable().default(null),
  /** A denial's reason, which the author sees. */
  reason: z.string().nullable().default(null),
});
export type Appeal = z.infer<typeof appealSchema>;

export const platformSchema = z.enum(['discord', 'slack', 'api']);
export type Platform = z.infer<typeof platformSchema>;

/** A review case: one flagged message, what the model said, and every human decision on it. */
export const reviewCaseSchema = z.object({
  id: z.string().regex(CASE_ID_PATTERN),
  workspaceId: z.string().min(1),
  platform: platformSchema,
  channelId: z.string().min(1),
  messageId: z.string().min(1).nullable(),
  messageUrl: z.string().min(1).nullable(),
  authorId: z.string().min(1),
  /** Display name when the case was opened; defaults keep records written before it parseable. */
  authorName: z.string().default(''),
  /** The author had joined recently when the case was opened (shown on the card). */
  authorIsNew: z.boolean().default(false),
  messageText: z.string(),
  /** The conversation excerpt the model saw as the situation. */
  context: z.string(),
  assessment: assessmentSchema,
  /** Which policy rule fired. */
  rule: z.string().min(1),
  status: caseStatusSchema,
  createdAt: z.number().int().nonnegative(),
  updatedAt: z.number().int().nonnegative(),
  card: caseCardSchema.nullable(),
  history: z.array(caseHistoryEntrySchema),
  /** How the case came about: the passive monitor, a member's report, or the API. */
  source: z.enum(['monitor', 'report', 'api']).default('monitor'),
  reporterId: z.string().nullable().default(null),
  reporterNote: z.string().nullable().default(null),
  enforcement: enforcementSchema.default({ messageDeleted: false, timeoutUntil: null }),
  appeal: appealSchema.nullable().default(null),
  /** The flood window this case was grouped into (a digest card), or null for its own card. */
  digest: z.string().nullable().default(null),
});
export type ReviewCase = z.infer<typeof reviewCaseSchema>;

/** What `CaseRepository.create` takes: the case without what the repository assigns. */
export const newReviewCaseSchema = reviewCaseSchema
  .omit({ id: true, status: true, createdAt: true, updatedAt: true, history: true, enforcement: true, appeal: true })
  .extend({ card: caseCardSchema.nullable().default(null) });
export type NewReviewCase = z.input<typeof newReviewCaseSchema>;
