import type { DecisionCounters } from '../src/moderation/activity-log.js';
import type { ReviewCase } from '../src/store/case.js';
import { decisionOf, isoDate, scoreOf } from './format.js';

const DAY_MS = 24 * 60 * 60_000;
const HOUR_MS = 3_600_000;

export interface Bar {
  label: string;
  value: number;
}

export interface ReliabilityBin {
  label: string;
  /** Mean score of the decided cases in the bin. */
  predicted: number;
  /** Share of them moderators upheld. */
  upheld: number;
  n: number;
}

export interface DashboardStats {
  days: number;
  total: number;
  perDay: Bar[];
  /** Upheld share of the cases decided each day; days without decisions are left out. */
  upheldRate: Array<Bar & { n: number }>;
  timeToDecision: Bar[];
  norms: Bar[];
  scores: Bar[];
  reliability: ReliabilityBin[];
  withoutScore: number;
  shadow: { wouldFlag: number; wouldExplain: number; flagged: number; explained: number };
}

const DECISION_BUCKETS: Array<[number, string]> = [
  [HOUR_MS, 'under 1 h'],
  [4 * HOUR_MS, '1–4 h'],
  [12 * HOUR_MS, '4–12 h'],
  [DAY_MS, '12–24 h'],
  [3 * DAY_MS, '1–3 days'],
  [Infinity, 'over 3 days'],
];

/** Pure: everything the Stats page draws, from the period's cases and the monitor's counters. */
export function dashboardStats(cases: readonly ReviewCase[], counters: DecisionCounters, now: number, days: number): DashboardStats {
  const since = now - days * DAY_MS;
  const inPeriod = cases.filter((c) => c.createdAt >= since);
  const perDay = new Map<string, number>();
  for (let d = Math.floor(since / DAY_MS); d <= Math.floor(now / DAY_MS); d++) perDay.set(isoDate(d * DAY_MS), 0);
  for (const c of inPeriod) perDay.set(isoDate(c.createdAt), (perDay.get(isoDate(c.createdAt)) ?? 0) + 1);

  const decidedByDay = new Map<string, { upheld: number; n: number }>();
  const waits = DECISION_BUCKETS.map(([, label]) => ({ label, value: 0 }));
  for (const c of inPeriod) {
    const d = decisionOf(c);
    if (!d || c.status === 'open') continue;
    const day = decidedByDay.get(isoDate(d.at)) ?? { upheld: 0, n: 0 };
    day.n++;
    if (c.status === 'upheld') day.upheld++;
    decidedByDay.set(isoDate(d.at), day);
    const wait = d.at - c.createdAt;
    waits[DECISION_BUCKETS.findIndex(([limit]) => wait < limit)]!.value++;
  }

  const norms = new Map<string, number>();
  for (const c of inPeriod) norms.set(c.assessment.norm ?? '(no norm named)', (norms.get(c.assessment.norm ?? '(no norm named)') ?? 0) + 1);

  const bins = Array.from({ length: 10 }, (_, i) => ({ label: `${(i / 10).toFixed(1)}–${((i + 1) / 10).toFixed(1)}`, value: 0, sum: 0, decided: 0, upheld: 0 }));
  let withoutScore = 0;
  for (const c of inPeriod) {
    const s = scoreOf(c);
    if (s === null) {
      withoutScore++;
      continue;
    }
    const bin = bins[Math.min(9, Math.floor(s * 10))]!;
    bin.value++;
    if (c.status !== 'open') {
      bin.decided++;
      bin.sum += s;
      if (c.status === 'upheld') bin.upheld++;
    }
  }

  return {
    days,
    total: inPeriod.length,
    perDay: [...perDay].map(([label, value]) => ({ label, value })),
    upheldRate: [...decidedByDay].sort(([a], [b]) => a.localeCompare(b)).map(([label, d]) => ({ label, value: d.upheld / d.n, n: d.n })),
    timeToDecision: waits,
    norms: [...norms].sort((a, b) => b[1] - a[1]).slice(0, 10).map(([label, value]) => ({ label, value })),
    scores: bins.map(({ label, value }) => ({ label, value })),
    reliability: bins.filter((b) => b.decided > 0).map((b) => ({ label: b.label, predicted: b.sum / b.decided, upheld: b.upheld / b.decided, n: b.decided })),
    withoutScore,
    shadow: { wouldFlag: counters.shadowFlag, wouldExplain: counters.shadowExplain, flagged: counters.flag, explained: counters.explain },
  };
}
