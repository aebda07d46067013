/**
 * Cut at a word boundary with an ellipsis, within `max` UTF-16 code units: what discord.js and
 * Block Kit count (`.length`). Counted in code points, 600 emoji "fit" 1024 and the platform
 * refuses the message. A surrogate pair is never split. (The frames cap user text in code points
 * instead, in src/strategies/sanitize.ts: that limit is about the model, not a platform.)
 */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = Math.max(0, max - 1);
  if (end > 0 && /[\uD800-\uDBFF]/.test(text.charAt(end - 1))) end--;
  const head = text.slice(0, end);
  const space = head.lastIndexOf(' ');
  return `${(space > max * 0.6 ? head.slice(0, space) : head).trimEnd()}…`;
}
