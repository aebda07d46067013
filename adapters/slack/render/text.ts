/**
 * Slack mrkdwn: user and model text must be escaped (&, <, >) so that an echoed `<!channel>` or
 * `<@U…>` is shown, never sent as a mention. Our own mention tokens are added after escaping.
 */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Text arriving from Slack (events, shortcuts, history) is already entity-escaped: decoded once
 * at the edge, so the core holds what the member typed and escaping it again shows it as typed.
 */
export function fromSlack(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** Slack caps a section's text at 3000 characters. */
export const SECTION_TEXT_MAX = 3000;
/** And a message at 50 blocks. */
export const MAX_BLOCKS = 50;

export { clip } from '../../text.js';

/**
 * Core text uses Discord-style tokens (<#id>, <@id>, <@&id>, <t:seconds:f>, **bold**); Slack
 * writes a user group as <!subteam^id>, a time as <!date^…>, and bold with single asterisks.
 */
export function slackTokens(text: string): string {
  return text
    .replace(/<@&([A-Za-z0-9_]+)>/g, '<!subteam^$1>')
    .replace(/<t:(\d+):[a-zA-Z]>/g, (_, s: string) => `<!date^${s}^{date_short_pretty} {time}|${new Date(Number(s) * 1000).toISOString()}>`)
    .replace(/\*\*(.+?)\*\*/g, '*$1*');
}

/** Escapes everything except our own well-formed tokens (user and model text arrive made inert). */
export function keepTokens(text: string): string {
  return text
    .split(/(<(?:[@#]&?[A-Za-z0-9_]+|t:\d+:[a-zA-Z])>)/g)
    .map((part, i) => (i % 2 === 1 ? part : escapeMrkdwn(part)))
    .join('');
}

/** Neutral text (our tokens, inert user text) as Slack mrkdwn. */
export function slackText(text: string): string {
  return slackTokens(keepTokens(text));
}
