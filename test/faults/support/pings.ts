import { NO_PINGS } from '../../../adapters/discord/render/mentions.js';

/**
 * Who a message would notify, by each platform's rules, so a test can assert "nobody".
 *
 * Discord (discord.com/developers/docs/resources/message#allowed-mentions-object): only `content`
 * pings, never an embed; a mention pings only if `allowed_mentions` lets its kind (or its id)
 * through. The adapter's client defaults to NO_PINGS, so a payload without its own
 * allowedMentions gets that.
 *
 * Slack (api.slack.com/reference/surfaces/formatting#mentioning-users): in mrkdwn and in the
 * top-level `text`, `<@U…>`/`<@W…>` notify a user, `<!subteam^S…>` a user group,
 * `<!channel>`/`<!here>`/`<!everyone>` everyone; `&lt;!channel&gt;` is only shown. A plain
 * `@everyone` does nothing without `link_names`, which normguard never sets.
 */
export interface DiscordPayload {
  content?: string | null;
  allowedMentions?: { parse?: readonly string[]; users?: readonly string[]; roles?: readonly string[]; repliedUser?: boolean };
}

export function discordPings(payload: DiscordPayload, clientDefault: DiscordPayload['allowedMentions'] = NO_PINGS): string[] {
  const content = payload.content ?? '';
  const allowed = payload.allowedMentions ?? clientDefault ?? {};
  const parse = allowed.parse ?? [];
  const pings: string[] = [];
  for (const m of content.matchAll(/<@!?(\d{5,20})>/g)) if (parse.includes('users') || allowed.users?.includes(m[1]!)) pings.push(`user ${m[1]}`);
  for (const m of content.matchAll(/<@&(\d{5,20})>/g)) if (parse.includes('roles') || allowed.roles?.includes(m[1]!)) pings.push(`role ${m[1]}`);
  if (/@(everyone|here)\b/.test(content) && parse.includes('everyone')) pings.push('@everyone/@here');
  return pings;
}

const SLACK_MENTION = /<(![a-z]+(?:\^[^>|]*)?|@[A-Z0-9_&]+)(?:\|[^>]*)?>/gi;

/** Every mrkdwn string a Slack message shows: the top-level text and each block's text. */
export function slackTexts(payload: { text?: string; blocks?: unknown }): string[] {
  const out: string[] = payload.text ? [payload.text] : [];
  const walk = (node: unknown, parentIsMrkdwn: boolean): void => {
    if (Array.isArray(node)) return node.forEach((n) => walk(n, parentIsMrkdwn));
    if (node === null || typeof node !== 'object') return;
    const obj = node as Record<string, unknown>;
    const mrkdwn = obj.type === 'mrkdwn';
    if (mrkdwn && typeof obj.text === 'string') out.push(obj.text);
    for (const [k, v] of Object.entries(obj)) if (k !== 'text' || !mrkdwn) walk(v, mrkdwn);
  };
  walk(payload.blocks ?? [], false);
  return out;
}

/** Slack mention tokens in a message that are not in `ours` (the ids normguard itself put there). */
export function slackPings(payload: { text?: string; blocks?: unknown }, ours: readonly string[]): string[] {
  const pings: string[] = [];
  for (const text of slackTexts(payload)) {
    for (const m of text.matchAll(SLACK_MENTION)) {
      const token = m[1]!;
      if (/^!date\^/.test(token)) continue;
      const id = token.replace(/^[@!]&?/, '').replace(/^subteam\^/, '');
      if (token.startsWith('@') && ours.includes(id)) continue;
      pings.push(m[0]);
    }
  }
  return pings;
}
