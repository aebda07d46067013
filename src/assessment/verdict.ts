import { z } from 'zod';
import { severitySchema, verdictSchema, type Severity, type Verdict } from './types.js';

/**
 * What the verdict turn must produce. `verdict` comes first: the calibrated method reads the
 * decision at its first token, and an early decision is not swayed by the model's own summary.
 */
export const verdictAnswerSchema = z.strictObject({
  verdict: verdictSchema,
  severity: severitySchema,
  norm: z.string(),
  summary: z.string(),
});

/** The JSON schema Ollama constrains the verdict turn to (response_format json_schema), derived from the zod schema. */
export const VERDICT_JSON_SCHEMA: Record<string, unknown> = (() => {
  const { $schema: _dialect, ...schema } = z.toJSONSchema(verdictAnswerSchema) as Record<string, unknown>;
  return schema;
})();

// Constrained decoding makes these exact for a well-behaved server, but a template mix-up or a
// proxy without schema support can still hand back near-misses: accept the obvious synonyms.
const VERDICT_SYNONYMS: Record<string, Verdict> = {
  permissible: 'permissible',
  acceptable: 'permissible',
  allowed: 'permissible',
  ok: 'permissible',
  fine: 'permissible',
  yes: 'permissible',
  impermissible: 'impermissible',
  'not permissible': 'impermissible',
  unacceptable: 'impermissible',
  forbidden: 'impermissible',
  wrong: 'impermissible',
  immoral: 'impermissible',
  no: 'impermissible',
  unclear: 'unclear',
  uncertain: 'unclear',
  unknown: 'unclear',
};
const SEVERITY_SYNONYMS: Record<string, Severity> = {
  none: 'none',
  no: 'none',
  low: 'low',
  minor: 'low',
  mild: 'low',
  medium: 'medium',
  moderate: 'medium',
  high: 'high',
  severe: 'high',
  critical: 'high',
  serious: 'high',
};

const word = (map: Record<string, string>) =>
  z.string().transform((s, ctx) => {
    const key = s.trim().toLowerCase().replace(/[\s_-]+/g, ' ');
    const hit = map[key];
    if (hit === undefined) {
      ctx.addIssue({ code: 'custom', message: `unknown value "${s}"` });
      return z.NEVER;
    }
    return hit;
  });

const NO_NORM = /^(none|n\/a|na|null|no norm|-|)$/i;

export const modelVerdictSchema = z.object({
  verdict: word(VERDICT_SYNONYMS).pipe(verdictSchema),
  severity: word(SEVERITY_SYNONYMS).pipe(severitySchema).optional().catch(undefined),
  norm: z
    .string()
    .nullish()
    .catch(null)
    // Checked after folding: a norm of only control characters or spaces names no norm (and an
    // empty one would be an empty field on a Discord card, which Discord refuses).
    .transform((n) => {
      const line = n == null ? '' : oneLine(n, 300);
      return NO_NORM.test(line) ? null : line;
    }),
  summary: z
    .string()
    .nullish()
    .catch(null)
    .transform((s) => (s == null ? '' : oneLine(s, 280))),
});

export interface ParsedVerdict {
  verdict: Verdict;
  severity: Severity;
  norm: string | null;
  summary: string;
  /** Present when the output could not be read; the verdict is then `unclear`. */
  raw?: string;
}

/** Never throws: anything unreadable becomes `unclear` with the raw text kept. */
export function parseVerdict(output: string): ParsedVerdict {
  const json = extractJson(output);
  const parsed = json === undefined ? undefined : modelVerdictSchema.safeParse(json);
  if (!parsed?.success) {
    return { verdict: 'unclear', severity: 'none', norm: null, summary: 'The model’s verdict could not be read.', raw: cut(output, 4000) };
  }
  const { verdict, norm, summary } = parsed.data;
  return { verdict, severity: consistentSeverity(verdict, parsed.data.severity), norm, summary };
}

/**
 * A sloppy model can call an action permissible yet "high" severity, or impermissible with no
 * harm. Severity then follows the verdict: permissible means none; impermissible at least low.
 */
export function consistentSeverity(verdict: Verdict, severity: Severity | undefined): Severity {
  if (verdict === 'permissible') return 'none';
  if (verdict === 'impermissible') return severity === undefined ? 'medium' : severity === 'none' ? 'low' : severity;
  return severity ?? 'none';
}

function extractJson(output: string): unknown {
  const text = output.trim();
  try {
    return JSON.parse(text);
  } catch {
    // Fenced or chatty output: take the outermost {...}.
    const start = text.indexOf('{');
    const end = text.lastIndexOf('}');
    if (start < 0 || end <= start) return undefined;
    try {
      return JSON.parse(text.slice(start, end + 1));
    } catch {
      return undefined;
    }
  }
}

function oneLine(s: string, max: number): string {
  // A lone surrogate (JSON may carry "\udfff") is not text: it would reach Discord and Slack as garbage.
  const line = s.replace(/[\u0000-\u001F\u007F-\u009F\u2028\u2029]+/g, ' ').replace(/[\uD800-\uDFFF]/gu, '\uFFFD').replace(/\s+/g, ' ').trim();
  return line.length <= max ? line : `${cut(line, max - 1).trimEnd()}…`;
}

/** At most `max` UTF-16 units, never half of a surrogate pair (an emoji cut in two is not text). */
function cut(s: string, max: number): string {
  if (s.length <= max) return s;
  const end = /[\uD800-\uDBFF]/.test(s.charAt(max - 1)) ? max - 1 : max;
  return s.slice(0, end);
}
