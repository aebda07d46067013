import { z } from 'zod';
import { parseJsonLines, recordText } from './json-lines.js';
import { labelSchema, type EvalItem } from './types.js';

const text = recordText();

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
  const records = parseJsonLines(content, source, { schema: labelledSchema, what: 'a labelled item', id: (r) => r.id, idField: 'id', expected: 'items (expected one JSON object per line)' });
  return records.map((r) => ({ id: r.id, label: r.label, norm: r.kind ?? '(unspecified)', fields: { situation: r.situation, intent: r.intent, action: r.action } }));
}
