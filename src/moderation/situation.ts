import type { FrameFields } from '../strategies/frames.js';
import type { BufferedMessage } from './conversation-buffer.js';

export interface AuditSubject {
  authorName: string;
  text: string;
  replyToName?: string | null;
}

/** Context messages shown to the model: enough to read the exchange, few enough to stay fast. */
export const CONTEXT_MESSAGES = 6;
const CONTEXT_CHARS_PER_MESSAGE = 200;

/**
 * Passive monitoring's S3 fields (DESIGN.md §2): the recent conversation as the situation, the
 * author's evident goal as the intention, the message as the action. Sanitising happens later,
 * in the frame builder; here we only shape the words.
 */
export function auditFields(subject: AuditSubject, context: readonly BufferedMessage[]): FrameFields & { excerpt: string } {
  const recent = context.slice(-CONTEXT_MESSAGES);
  const excerpt = recent.map((m) => `${m.authorName}: ${clip(m.text, CONTEXT_CHARS_PER_MESSAGE)}`).join(' | ');
  const situation =
    recent.length === 0
      ? `${subject.authorName} is posting in a community chat channel.`
      : `In a community chat channel, the recent messages were: ${excerpt}`;
  return {
    situation,
    intent: evidentGoal(subject),
    action: `${subject.authorName} writes: ${subject.text}`,
    excerpt,
  };
}

/** A rough reading of why someone posts; the model was trained with an intention line. */
export function evidentGoal(subject: AuditSubject): string {
  const text = subject.text.trim();
  if (subject.replyToName) return `${subject.authorName} wants to reply to ${subject.replyToName}.`;
  if (/\?\s*$/.test(text)) return `${subject.authorName} wants to ask the channel a question.`;
  if (/^(psa|announcement|reminder|heads up)\b/i.test(text)) return `${subject.authorName} wants to make an announcement.`;
  return `${subject.authorName} wants to take part in the conversation.`;
}

function clip(text: string, max: number): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length <= max ? one : `${one.slice(0, max - 1)}…`;
}
