import type { ReviewCase } from '../store/case.js';
import type { CaseEvent } from './lifecycle.js';

export type DecisionResult = { ok: true; case: ReviewCase; problems: string[] } | { ok: false; message: string };

/**
 * How a chat platform carries out a decision taken outside chat (the web dashboard): the
 * lifecycle transition, its effects (delete, timeout, notices) and the card edited in place,
 * exactly as its buttons do. Each running adapter registers one for its platform.
 */
export interface CaseReviewer {
  decide(caseId: string, event: CaseEvent): Promise<DecisionResult>;
}

export type CaseReviewers = Map<ReviewCase['platform'], CaseReviewer>;
