/**
 * Rules that keep untrusted chat text inside its field of a frame (DESIGN.md §2).
 * The model was trained on one-line fields; a newline in user text could forge a frame line
 * ("...\nIntent: ...") and a `"` could close a quoted action early.
 */

/** Per-field length caps, in characters. Moral Stories fields are under 180 characters
 * (data/README.md); conversation context gets more room but stays far inside a
 * 4096-token context window (about 4 characters per token). */
export const FIELD_LIMITS = {
  situation: 1500,
  intent: 300,
  action: 600,
  norm: 300,
} as const;
export type FieldName = keyof typeof FIELD_LIMITS;

// Invisible characters: every format character (\p{Cf}: zero-width spaces and joiners, the word
// joiner, BOM, soft hyphen, invisible operators, and the tag characters U+E0000–E007F in which
// "ASCII smuggling" hides instructions a model reads but a moderator never sees), variation
// selectors (another smuggling channel), and the fillers and marks that render as nothing.
const ZERO_WIDTH = /[\p{Cf}\u034F\u115F\u1160\u17B4\u17B5\u180B-\u180F\u3164\uFFA0\uFE00-\uFE0F\u{E0100}-\u{E01EF}]/gu;
// Bidi embeddings, overrides and isolates can make text render in a different order than the
// model reads it.
const BIDI = /[\u202A-\u202E\u2066-\u2069\u200E\u200F]/gu;
// C0/C1 controls (null bytes included), line and paragraph separators.
const CONTROL_OR_BREAK = /[\u0000-\u001F\u007F-\u009F\u2028\u2029\u0085]/gu;
// Half of a surrogate pair (only a lone one matches with the u flag): not text, and not valid UTF-8.
const LONE_SURROGATE = /[\uD800-\uDFFF]/gu;
// Ollama renders the chat template and tokenises the whole prompt with special tokens parsed
// (ollama/ollama#15931), so `<|im_end|>` typed by a user would end the user turn and let what
// follows pose as a system or assistant turn, and `</think>` would read as a reasoning boundary.
// Written as [im_end] and [/think] they are plain words.
const CONTROL_TOKEN = /<\|([^<>|]{0,40})\|>|<(\/?)(think|tool_call|tool_response)>/giu;
const DOUBLE_QUOTES = /["\u201C\u201D\u201E\u201F\u2033\u2036\u275D\u275E\u301D\u301E\u301F\uFF02]/gu;

/** Every label a frame line may start with (DESIGN.md §2). */
export const FRAME_LABELS = ['Context', 'Scenario', 'Background', 'Intent', 'Objective', 'Goal'] as const;
// Combining marks with nothing to combine with (at the start, around the colon) hide nothing
// either: "\u0308Context:" is still a label.
const LEADING_LABEL = new RegExp(`^(?:[\\s\\p{M}]*(?:${FRAME_LABELS.join('|')})[\\s\\p{M}]*:[\\s\\p{M}]*)+`, 'iu');
const LEADING_MARKS = /^[\s\p{M}]+/u;
// Cyrillic and Greek letters that look like the Latin ones in the labels ("Іntent:" with a
// Cyrillic І survives NFKC). One code unit each way, so positions in the skeleton are positions
// in the text.
const LOOKALIKES: Record<string, string> = {
  А: 'A', В: 'B', С: 'C', Е: 'E', Н: 'H', І: 'I', Ј: 'J', К: 'K', М: 'M', О: 'O', Р: 'P', Ѕ: 'S', Т: 'T', Х: 'X', Ү: 'Y',
  а: 'a', с: 'c', е: 'e', һ: 'h', і: 'i', ј: 'j', о: 'o', р: 'p', ѕ: 's', х: 'x', у: 'y', ԁ: 'd', ԛ: 'q', ԝ: 'w',
  Α: 'A', Β: 'B', Ε: 'E', Ζ: 'Z', Η: 'H', Ι: 'I', Κ: 'K', Μ: 'M', Ν: 'N', Ο: 'O', Ρ: 'P', Τ: 'T', Υ: 'Y', Χ: 'X',
  ο: 'o', ι: 'i', ν: 'v', κ: 'k', τ: 't', ϳ: 'j',
};
const LOOKALIKE = new RegExp(`[${Object.keys(LOOKALIKES).join('')}]`, 'gu');

export interface SanitizeOptions {
  /** The field sits inside "…" in the frame: double quotes become single quotes. */
  quoted?: boolean;
  maxLength: number;
}

export function sanitizeField(input: string, options: SanitizeOptions): string {
  // NFKC folds fullwidth and other compatibility forms ("Ｉｎｔｅｎｔ：") onto plain ASCII, so
  // the label and quote rules below see what the model would see.
  let text = nfkc(input.replace(LONE_SURROGATE, '\uFFFD'));
  text = text.replace(ZERO_WIDTH, '').replace(BIDI, '');
  // Dropping an invisible character can bring a letter and a combining mark together ("e\u200B\u0301"):
  // normalise again so the result is stable (sanitising sanitised text changes nothing).
  text = nfkc(text).replace(ZERO_WIDTH, '').replace(BIDI, '');
  text = text.replace(CONTROL_OR_BREAK, ' ');
  if (options.quoted) text = text.replace(DOUBLE_QUOTES, "'");
  text = text.replace(/\s+/gu, ' ').trim();
  // Until none is left: "<|<|im_end|>|>" hides a second token behind the first.
  for (let before = ''; before !== text; ) {
    before = text;
    text = text.replace(CONTROL_TOKEN, (_m, name: string | undefined, slash: string | undefined, tag: string | undefined) =>
      name !== undefined ? `[${name}]` : `[${slash ?? ''}${tag ?? ''}]`,
    );
  }
  // A field that itself begins with a frame label would read as a second label after ours.
  const label = LEADING_LABEL.exec(text.replace(LOOKALIKE, (c) => LOOKALIKES[c] ?? c));
  if (label) text = text.slice(label[0].length);
  text = text.replace(LEADING_MARKS, '').trim();
  return capLength(text, options.maxLength);
}

const ELLIPSIS = '…';

/**
 * NFKC, except that the ellipsis we cut with stays one character (NFKC would make it "..."), so
 * a capped field sanitised again keeps its length and its text.
 */
function nfkc(text: string): string {
  return text
    .split(ELLIPSIS)
    .map((part) => part.normalize('NFKC'))
    .join(ELLIPSIS);
}

/** Cut at a word boundary so the model never sees half a word, and mark the cut. */
export function capLength(text: string, maxLength: number): string {
  const chars = Array.from(text);
  if (chars.length <= maxLength) return text;
  // No room for a word and the mark: the mark alone says something was cut.
  if (maxLength < 2) return ELLIPSIS.slice(0, Math.max(0, maxLength));
  const budget = maxLength - 1;
  const head = chars.slice(0, budget).join('');
  const lastSpace = head.lastIndexOf(' ');
  const cut = lastSpace >= budget * 0.6 ? head.slice(0, lastSpace) : head;
  return `${cut.trimEnd()}${ELLIPSIS}`;
}
