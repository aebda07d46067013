/**
 * The simulator's tokenizer: one token per four characters. Crude, but the same rule on
 * both sides keeps prompt sizes, max_tokens cuts and service times predictable in tests.
 */
export const CHARS_PER_TOKEN = 4;

export function countTokens(text: string): number {
  return Math.ceil(text.length / CHARS_PER_TOKEN);
}

export function cutToTokens(text: string, tokens: number): string {
  return text.slice(0, Math.max(0, Math.floor(tokens)) * CHARS_PER_TOKEN);
}

/** Message content is a string or (OpenAI style) a list of parts; only text parts carry tokens. */
export function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((part: unknown) =>
      part !== null && typeof part === 'object' && typeof (part as { text?: unknown }).text === 'string'
        ? (part as { text: string }).text
        : '',
    )
    .join('');
}
