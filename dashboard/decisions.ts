import type { CaseService } from '../src/moderation/cases.js';
import type { CaseEvent } from '../src/moderation/lifecycle.js';
import type { CaseReviewer, DecisionResult } from '../src/moderation/reviewers.js';
import type { ReviewCase } from '../src/store/case.js';

/** The port the dashboard decides through: the one place to point at another review flow. */
export interface CaseDecisions {
  decide(c: ReviewCase, event: CaseEvent): Promise<DecisionResult>;
}

/**
 * Decisions through the platform's reviewer when its adapter runs in this process; otherwise the
 * bare lifecycle transition, with a note that the card and effects wait for the adapter.
 */
export function lifecycleDecisions(cases: CaseService, reviewers: ReadonlyMap<string, CaseReviewer>): CaseDecisions {
  return {
    async decide(c, event) {
      const reviewer = reviewers.get(c.platform);
      if (reviewer) return reviewer.decide(c.id, event);
      const result = await cases.apply(c.id, event);
      if (!result.ok) return { ok: false, message: result.message };
      const problems = result.effects.length > 0 ? [`The ${c.platform} adapter is not running in this process: the decision is recorded, but the card and ${result.effects.map((e) => e.kind).join(', ')} were not carried out.`] : [];
      return { ok: true, case: result.case, problems };
    },
  };
}
