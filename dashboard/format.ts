import type { ReviewCase } from '../src/store/case.js';

/** A case's calibrated score (0–1) when the assessment carries one; null for older cases and models without it. */
export function scoreOf(c: Pick<ReviewCase, 'assessment'>): number | null {
  const score = (c.assessment as { score?: number | null }).score;
  return typeof score === 'number' && Number.isFinite(score) ? score : null;
}

export function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** "2026-12-04 15:03 UTC": one unambiguous form for every reader, whatever their time zone. */
export function when(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

export function duration(ms: number): string {
  const m = Math.round(ms / 60_000);
  if (m < 60) return `${m} min`;
  const h = ms / 3_600_000;
  return h < 48 ? `${h.toFixed(1)} h` : `${(h / 24).toFixed(1)} days`;
}

export function percent(x: number | null): string {
  return x === null ? '—' : `${Math.round(x * 100)}%`;
}

/** Who decided a case and when, from its history. */
export function decisionOf(c: ReviewCase): { actor: string; at: number; reason: string | null } | null {
  const d = [...c.history].reverse().find((h) => h.action === 'upheld' || h.action === 'dismissed');
  return d ? { actor: d.actor, at: d.at, reason: d.reason } : null;
}
