import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { NormguardError } from '../errors.js';
import { parseJsonLines, recordText } from './json-lines.js';
import { isLabelledRecord, parseLabelled } from './labelled.js';
import type { EvalItem, EvalSet } from './types.js';

const text = recordText();

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

/** Parses Moral Stories JSON Lines; every problem names its line, and a repeated ID is refused. */
export function parseStories(content: string, source: string): Story[] {
  return parseJsonLines(content, source, { schema: storySchema, what: 'a Moral Stories record', id: (r) => r.ID, idField: 'ID', expected: 'records (expected one Moral Stories JSON object per line)' });
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
