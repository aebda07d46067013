import { z } from 'zod';
import { NormguardError } from '../errors.js';

/** A required text field of an eval record: trimmed, and never empty. */
export const recordText = () =>
  z
    .string({ error: (issue) => (issue.input === undefined ? 'is missing' : 'must be a string') })
    .trim()
    .min(1, 'is empty');

export interface JsonLinesFormat<T> {
  schema: z.ZodType<T>;
  /** What one record is, for "not a … record". */
  what: string;
  /** The record's id and the field it comes from, for "ID "x" was already used". */
  id: (record: T) => string;
  idField: string;
  /** What an empty file should have held. */
  expected: string;
}

/**
 * Parses a JSON Lines eval file. Every problem names its line, so a hand-edited file is quick to
 * fix. Blank lines are allowed; a repeated id is not, because resuming matches items by id.
 */
export function parseJsonLines<T>(content: string, source: string, format: JsonLinesFormat<T>): T[] {
  const records: T[] = [];
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
    const parsed = format.schema.safeParse(json);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((issue) => (issue.path.length > 0 ? `"${issue.path.join('.')}" ${issue.message}` : issue.message));
      throw bad(source, lineNo, `not ${format.what}: ${problems.join('; ')}`);
    }
    const id = format.id(parsed.data);
    const earlier = seen.get(id);
    if (earlier !== undefined) throw bad(source, lineNo, `${format.idField} "${id}" was already used on line ${earlier}`);
    seen.set(id, lineNo);
    records.push(parsed.data);
  }
  if (records.length === 0) throw new NormguardError('BAD_INPUT', `${source} holds no ${format.expected}`);
  return records;
}

export function bad(source: string, line: number, message: string): NormguardError {
  return new NormguardError('BAD_INPUT', `${source} line ${line}: ${message}`);
}
