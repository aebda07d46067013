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

export { clip } from '../../text.js';

/**
 * Core text uses Discord-style tokens (<#id>, <@id>, <@&id>, **bold**); Slack writes a role
 * (user group) as <!subteam^id> and bold with single asterisks.
 */
export function slackTokens(text: string): string {
  return text.replace(/<@&([A-Za-z0-9_]+)>/g, '<!subteam^$1>').replace(/\*\*(.+?)\*\*/g, '*$1*');
}
