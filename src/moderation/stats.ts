import type { ReviewCase } from '../store/case.js';
import type { DecisionCounters } from './activity-log.js';

export interface CaseStats {
  since: number;
  opened: number;
  upheld: number;
  dismissed: number;
  open: number;
  /** upheld / (upheld + dismissed): the bot's precision as moderators judge it; null before any decision. */
  upheldRate: number | null;
  medianTimeToDecisionMs: number | null;
  byNorm: Array<{ norm: string; opened: number; upheld: number; dismissed: number }>;
  decisions?: DecisionCounters;
}

/** Pure: the numbers `/ethics stats` and `GET /v1/stats` show, from the cases opened since `since`. */
export function caseStats(cases: readonly ReviewCase[], since: number, topNorms = 5): CaseStats {
  const inPeriod = cases.filter((c) => c.createdAt >= since);
  const upheld = inPeriod.filter((c) => c.status === 'upheld').length;
  const dismissed = inPeriod.filter((c) => c.status === 'dismissed').length;
  const decisionTimes = inPeriod
    .map((c) => {
      const decided = c.history.find((h) => h.action === 'upheld' || h.action === 'dismissed');
      return decided ? decided.at - c.createdAt : null;
    })
    .filter((t): t is number => t !== null)
    .sort((a, b) => a - b);
  const norms = new Map<string, { norm: string; opened: number; upheld: number; dismissed: number }>();
  for (const c of inPeriod) {
    const norm = c.assessment.norm ?? '(no norm named)';
    const key = norm.toLowerCase();
    const entry = norms.get(key) ?? { norm, opened: 0, upheld: 0, dismissed: 0 };
    entry.opened++;
    if (c.status === 'upheld') entry.upheld++;
    if (c.status === 'dismissed') entry.dismissed++;
    norms.set(key, entry);
  }
  return {
    since,
    opened: inPeriod.length,
    upheld,
    dismissed,
    open: inPeriod.filter((c) => c.status === 'open').length,
    upheldRate: upheld + dismissed === 0 ? null : upheld / (upheld + dismissed),
    medianTimeToDecisionMs: median(decisionTimes),
    byNorm: [...norms.values()].sort((a, b) => b.opened - a.opened || a.norm.localeCompare(b.norm)).slice(0, topNorms),
  };
}

function median(sorted: number[]): number | null {
  if (sorted.length === 0) return null;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}
