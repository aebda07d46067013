/**
 * Rules that keep untrusted chat text inside its field of a frame (DESIGN.md §2).
 * The model was trained on one-line fields; a newline in user text could forge a frame line
 * ("...\nIntent: ...") and a `"` could close a quoted action early.
 */

/** Per-field length caps, in characters. Moral Stories fields are under 180 characters
 * (shared/data/README.md); conversation context gets more room but stays far inside a
 * 4096-token context window (about 4 characters per token). */
export const FIELD_LIMITS = {
  situation: 1500,
  intention: 300,
  action: 600,
  norm: 300,
} as const;
export type FieldName = keyof typeof FIELD_LIMITS;

const ZERO_WIDTH = /[\u200B-\u200D\u2060\uFEFF\u180E\u00AD\u034F\u061C\u115F\u1160\u17B4\u17B5\u3164\uFFA0]/gu;
// Bidi embeddings, overrides and isolates can make text render in a different order than the
// model reads it.
const BIDI = /[\u202A-\u202E\u2066-\u2069\u200E\u200F]/gu;
// C0/C1 controls (null bytes included), line and paragraph separators.
const CONTROL_OR_BREAK = /[\u0000-\u001F\u007F-\u009F\u2028\u2029\u0085]/gu;
const DOUBLE_QUOTES = /["\u201C\u201D\u201E\u201F\u2033\u2036\u275D\u275E\u301D\u301E\u301F\uFF02]/gu;

/** Every label a frame line may start with (DESIGN.md §2). */
export const FRAME_LABELS = ['Context', 'Scenario', 'Background', 'Intent', 'Objective', 'Goal'] as const;
const LEADING_LABEL = new RegExp(`^(?:\\s*(?:${FRAME_LABELS.join('|')})\\s*:\\s*)+`, 'iu');

export interface SanitizeOptions {
  /** The field sits inside "…" in the frame: double quotes become single quotes. */
  quoted?: boolean;
  maxLength: number;
}

export function sanitizeField(input: string, options: SanitizeOptions): string {
  // NFKC folds fullwidth and other compatibility forms ("Ｉｎｔｅｎｔ：") onto plain ASCII, so
  // the label and quote rules below see what the model would see.
  let text = input.normalize('NFKC');
  text = text.replace(ZERO_WIDTH, '').replace(BIDI, '');
  text = text.replace(CONTROL_OR_BREAK, ' ');
  if (options.quoted) text = text.replace(DOUBLE_QUOTES, "'");
  text = text.replace(/\s+/gu, ' ').trim();
  // A field that itself begins with a frame label would read as a second label after ours.
  text = text.replace(LEADING_LABEL, '').trim();
  return capLength(text, options.maxLength);
}

const ELLIPSIS = '…';

/** Cut at a word boundary so the model never sees half a word, and mark the cut. */
export function capLength(text: string, maxLength: number): string {
  const chars = Array.from(text);
  if (chars.length <= maxLength) return text;
  const budget = Math.max(1, maxLength - 1);
  const head = chars.slice(0, budget).join('');
  const lastSpace = head.lastIndexOf(' ');
  const cut = lastSpace >= budget * 0.6 ? head.slice(0, lastSpace) : head;
  return `${cut.trimEnd()}${ELLIPSIS}`;
}
