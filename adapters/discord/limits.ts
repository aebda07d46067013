/** Discord's message and embed ceilings (discord.com/developers/docs/resources/message#embed-object-embed-limits). */
export const LIMITS = {
  content: 2000,
  embedTitle: 256,
  embedDescription: 4096,
  fieldName: 256,
  fieldValue: 1024,
  fields: 25,
  footer: 2048,
  embedTotal: 6000,
  modalTitle: 45,
  textInputLabel: 45,
  threadName: 100,
} as const;

/**
 * Cut at a word boundary with an ellipsis. The limits are counted in UTF-16 code units, as
 * discord.js validates them (`.length`): counted in code points, 600 emoji "fit" 1024 and the
 * embed is refused. A surrogate pair is never split.
 */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = Math.max(0, max - 1);
  if (end > 0 && /[\uD800-\uDBFF]/.test(text.charAt(end - 1))) end--;
  const head = text.slice(0, end);
  const space = head.lastIndexOf(' ');
  return `${(space > max * 0.6 ? head.slice(0, space) : head).trimEnd()}…`;
}

/** Splits long text into message-sized chunks at paragraph, line or word boundaries. */
export function chunk(text: string, max: number = LIMITS.content): string[] {
  const out: string[] = [];
  let rest = text.trim();
  while (Array.from(rest).length > max) {
    const window = Array.from(rest).slice(0, max).join('');
    const at = Math.max(window.lastIndexOf('\n\n'), window.lastIndexOf('\n'), window.lastIndexOf(' '));
    const cut = at > max * 0.5 ? at : window.length;
    out.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
  }
  if (rest.length > 0) out.push(rest);
  return out;
}
