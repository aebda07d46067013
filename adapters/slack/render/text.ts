/**
 * Slack mrkdwn: user and model text must be escaped (&, <, >) so that an echoed `<!channel>` or
 * `<@U…>` is shown, never sent as a mention. Our own mention tokens are added after escaping.
 */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Slack caps a section's text at 3000 characters. */
export const SECTION_TEXT_MAX = 3000;
/** And a message at 50 blocks. */
export const MAX_BLOCKS = 50;

/** Cut at a word boundary with an ellipsis, within `max` UTF-16 code units (what Block Kit limits count), never splitting a surrogate pair. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = Math.max(0, max - 1);
  if (end > 0 && /[\uD800-\uDBFF]/.test(text.charAt(end - 1))) end--;
  const head = text.slice(0, end);
  const space = head.lastIndexOf(' ');
  return `${(space > max * 0.6 ? head.slice(0, space) : head).trimEnd()}…`;
}

/**
 * Core text uses Discord-style tokens (<#id>, <@id>, <@&id>, **bold**); Slack writes a role
 * (user group) as <!subteam^id> and bold with single asterisks.
 */
export function slackTokens(text: string): string {
  return text.replace(/<@&([A-Za-z0-9_]+)>/g, '<!subteam^$1>').replace(/\*\*(.+?)\*\*/g, '*$1*');
}
