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

export { clip } from '../text.js';

/**
 * Edits of one deferred reply while its answer is written. Discord publishes no fixed numbers
 * (docs: Topics › Rate Limits, read the X-RateLimit headers); message edits are commonly held
 * to 5 per 5 s per message. One edit per 1.25 s makes at most four in any 5 s, which leaves the
 * fifth for the final card, so discord.js never has to queue it behind a 429.
 */
export const DISCORD_STREAM = { intervalMs: 1250 } as const;

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
