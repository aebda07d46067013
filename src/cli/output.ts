import type { Assessment } from '../assessment/types.js';

const VERDICT_WORDS: Record<Assessment['verdict'], string> = {
  permissible: 'PERMISSIBLE',
  impermissible: 'IMPERMISSIBLE',
  unclear: 'UNCLEAR',
};

/** The short readable answer printed without --json. */
export function formatAssessment(a: Assessment): string {
  const lines: string[] = [];
  // S1 and S4 ask for guidance or a rationale, not a verdict: no headline for them.
  if (a.method !== 'prose') {
    const severity = a.verdict === 'impermissible' ? ` (severity ${a.severity})` : '';
    lines.push(`Verdict: ${VERDICT_WORDS[a.verdict]}${severity}`);
    if (typeof a.score === 'number') lines.push(`Score: ${a.score.toFixed(2)} (calibrated probability that it is impermissible)`);
  }
  if (a.fallback) lines.push(`Method: ${a.method}, because ${a.fallback}`);
  if (a.norm) lines.push(`Norm: ${a.norm}`);
  if (a.summary) lines.push(`Summary: ${a.summary}`);
  if (a.text) lines.push(...(lines.length > 0 ? [''] : []), a.text.trim());
  if (a.raw !== undefined) lines.push('', 'The model’s verdict could not be read; run with --json to see its raw output.');
  const cached = a.cached ? ' · cached' : '';
  lines.push('', `${a.model} · ${a.method} · ${Math.round(a.latencyMs)} ms · ${a.usage.promptTokens}+${a.usage.completionTokens} tokens${cached}`);
  return `${lines.join('\n')}\n`;
}
