import { z } from 'zod';
import { NormguardError } from '../errors.js';
import { labelSchema, type EvalItem } from './types.js';

const text = z
  .string({ error: (issue) => (issue.input === undefined ? 'is missing' : 'must be a string') })
  .trim()
  .min(1, 'is empty');

/**
 * One labelled chat item (data/chat-moderation-heldout.md): the S3/S2 fields as they are, and the
 * label. Other keys (context, author, message, why) are for people and the bench, and ignored here.
 */
const labelledSchema = z.object(
  {
    id: text,
    label: labelSchema,
    situation: text,
    intent: text,
    action: text,
    kind: z.string().optional(),
  },
  { error: 'expected a JSON object with id, label, situation, intent and action' },
);
export type LabelledRecord = z.infer<typeof labelledSchema>;

/** Whether a parsed first line looks like a labelled item rather than a Moral Stories record. */
export function isLabelledRecord(json: unknown): boolean {
  return typeof json === 'object' && json !== null && 'label' in json && 'action' in json;
}

/** Parses labelled items (JSON Lines); every problem names its line. A repeated id is refused. */
export function parseLabelled(content: string, source: string): EvalItem[] {
  const items: EvalItem[] = [];
  const seen = new Map<string, number>();
  const lines = content.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] ?? '').replace(/\r$/, '');
    const lineNo = i + 1;
    if (line.trim().length === 0) continue;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (err) {
      throw bad(source, lineNo, `not valid JSON (${(err as Error).message})`);
    }
    const parsed = labelledSchema.safeParse(json);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((issue) => (issue.path.length > 0 ? `"${issue.path.join('.')}" ${issue.message}` : issue.message));
      throw bad(source, lineNo, `not a labelled item: ${problems.join('; ')}`);
    }
    const r = parsed.data;
    const earlier = seen.get(r.id);
    if (earlier !== undefined) throw bad(source, lineNo, `id "${r.id}" was already used on line ${earlier}`);
    seen.set(r.id, lineNo);
    items.push({ id: r.id, label: r.label, norm: r.kind ?? '(unspecified)', fields: { situation: r.situation, intent: r.intent, action: r.action } });
  }
  if (items.length === 0) throw new NormguardError('BAD_INPUT', `${source} holds no items (expected one JSON object per line)`);
  return items;
}

function bad(source: string, line: number, message: string): NormguardError {
  return new NormguardError('BAD_INPUT', `${source} line ${line}: ${message}`);
}
