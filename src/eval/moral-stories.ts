import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { NormguardError } from '../errors.js';
import { isLabelledRecord, parseLabelled } from './labelled.js';
import type { EvalItem, EvalSet } from './types.js';

const text = z
  .string({ error: (issue) => (issue.input === undefined ? 'is missing' : 'must be a string') })
  .trim()
  .min(1, 'is empty');

/** One Moral Stories record (data/README.md); the consequences are not needed to audit an action. */
const storySchema = z.object(
  {
    ID: text,
    norm: text,
    situation: text,
    intention: text,
    moral_action: text,
    immoral_action: text,
  },
  { error: 'expected a JSON object with ID, norm, situation, intention, moral_action and immoral_action' },
);
export type Story = z.infer<typeof storySchema>;

/**
 * Parses Moral Stories JSON Lines. Every problem names its line, so a hand-edited file is quick
 * to fix. Blank lines are allowed; a repeated ID is not, because resuming matches items by ID.
 */
export function parseStories(content: string, source: string): Story[] {
  const stories: Story[] = [];
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
    const parsed = storySchema.safeParse(json);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((issue) => {
        const field = issue.path.join('.');
        return field ? `"${field}" ${issue.message}` : issue.message;
      });
      throw bad(source, lineNo, `not a Moral Stories record: ${problems.join('; ')}`);
    }
    const earlier = seen.get(parsed.data.ID);
    if (earlier !== undefined) throw bad(source, lineNo, `ID "${parsed.data.ID}" was already used on line ${earlier}`);
    seen.set(parsed.data.ID, lineNo);
    stories.push(parsed.data);
  }
  if (stories.length === 0) throw new NormguardError('BAD_INPUT', `${source} holds no records (expected one Moral Stories JSON object per line)`);
  return stories;
}

/** Each story yields two items: its moral action (permissible) and its immoral action (impermissible). */
export function storyItems(story: Story): EvalItem[] {
  const context = { situation: story.situation, intent: story.intention };
  return [
    { id: `${story.ID}:moral`, label: 'permissible', norm: story.norm, fields: { ...context, action: story.moral_action } },
    { id: `${story.ID}:immoral`, label: 'impermissible', norm: story.norm, fields: { ...context, action: story.immoral_action } },
  ];
}

/**
 * Reads a data file into an evaluation set of its first `limit` records: Moral Stories records
 * (two items each), or labelled chat items (data/chat-moderation-heldout.md), told apart by the
 * first record's keys.
 */
export async function loadDataSet(path: string, limit?: number): Promise<EvalSet> {
  let content: string;
  try {
    content = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (err as Error).message;
    throw new NormguardError('BAD_INPUT', `cannot read the data set ${path}: ${why}`);
  }
  const identity = `sha256:${createHash('sha256').update(content).digest('hex')}`;
  if (isLabelledRecord(firstRecord(content))) {
    const items = parseLabelled(content, path).slice(0, limit);
    return { kind: 'labelled', description: path, identity, records: items.length, items };
  }
  const stories = parseStories(content, path).slice(0, limit);
  return { kind: 'moral-stories', description: path, identity, records: stories.length, items: stories.flatMap(storyItems) };
}

function firstRecord(content: string): unknown {
  const line = content.split('\n').find((l) => l.trim().length > 0);
  try {
    return line === undefined ? null : JSON.parse(line);
  } catch {
    return null;
  }
}

function bad(source: string, line: number, message: string): NormguardError {
  return new NormguardError('BAD_INPUT', `${source} line ${line}: ${message}`);
}
