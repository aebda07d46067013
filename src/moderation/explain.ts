import type { Assessment } from '../assessment/types.js';

/**
 * The short, polite note coach mode posts (DESIGN.md §1): what the model noticed and the norm,
 * never the raw model output and never a verdict word that reads as an accusation.
 */
export function explanationText(assessment: Assessment): string {
  const norm = assessment.norm ? ` A norm worth keeping in mind: ${assessment.norm}` : '';
  const summary = assessment.summary.length > 0 ? assessment.summary : 'This message may come across as hurtful.';
  return `A gentle note from normguard: ${summary}${norm}`;
}
