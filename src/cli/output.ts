import type { Assessment } from '../assessment/types.js';

const VERDICT_WORDS: Record<Assessment['verdict'], string> = {
  permissible: 'PERMISSIBLE',
  impermissible: 'IMPERMISSIBLE',
  unclear: 'UNCLEAR',
};

/** The short readable answer printed without --json. */
export function formatAssessment(a: Assessment): string {
  const lines: string[] = [];
  const severity = a.verdict === 'impermissible' ? ` (severity ${a.severity})` : '';
  lines.push(`Verdict: ${VERDICT_WORDS[a.verdict]}${severity}`);
  if (a.norm) lines.push(`Norm: ${a.norm}`);
  if (a.summary) lines.push(`Summary: ${a.summary}`);
  if (a.text) lines.push('', a.text.trim());
  if (a.raw !== undefined) lines.push('', 'The model’s verdict could not be read; run with --json to see its raw output.');
  const cached = a.cached ? ' · cached' : '';
  lines.push('', `${a.model} · ${a.method} · ${Math.round(a.latencyMs)} ms · ${a.usage.promptTokens}+${a.usage.completionTokens} tokens${cached}`);
  return `${lines.join('\n')}\n`;
}
