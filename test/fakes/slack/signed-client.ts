import {
  blockActionsPayload,
  DEFAULT_IDS,
  eventCallback,
  messageActionPayload,
  slashCommandBody,
  viewSubmissionPayload,
  type BlockActionParams,
  type EventParams,
  type MessageShortcutParams,
  type SlashCommandParams,
  type ViewSubmissionParams,
  type WorkspaceIds,
} from './payloads.js';
import { signRequest } from './signing.js';

// Plays Slack towards a Bolt HTTP receiver: builds each request body, signs it with the app's
// signing secret and POSTs it. Encodings follow Slack exactly, because Bolt is strict: commands
// and interactions are form bodies with content-type exactly `application/x-www-form-urlencoded`
// (a `; charset` suffix gets a 400), interactions as `payload=<url-encoded JSON>`, events JSON.

const FORM = 'application/x-www-form-urlencoded';
const JSON_TYPE = 'application/json';

export interface SlackSenderOptions {
  /** The receiver endpoint, e.g. http://127.0.0.1:PORT/slack/events. */
  url: string;
  signingSecret: string;
  teamId?: string;
  teamDomain?: string;
  appId?: string;
  botUserId?: string;
  botId?: string;
  /** Milliseconds since the epoch, like Date.now (the default); set it to test stale requests. */
  clock?: () => number;
}

export interface SenderResult {
  status: number;
  body: string;
}

export interface SlackSender {
  slashCommand(p: SlashCommandParams): Promise<SenderResult>;
  event(p: EventParams & { retryNum?: number; retryReason?: string }): Promise<SenderResult>;
  blockAction(p: BlockActionParams): Promise<SenderResult>;
  viewSubmission(p: ViewSubmissionParams): Promise<SenderResult>;
  messageShortcut(p: MessageShortcutParams): Promise<SenderResult>;
  /** Any body; signed correctly unless `signature` is given; `timestamp` (unix seconds) overrides the clock. */
  raw(body: string, contentType: string, opts?: { signature?: string; timestamp?: number; headers?: Record<string, string> }): Promise<SenderResult>;
}

export function createSlackSender(opts: SlackSenderOptions): SlackSender {
  const clock = opts.clock ?? Date.now;
  const ids: WorkspaceIds = {
    teamId: opts.teamId ?? DEFAULT_IDS.teamId,
    teamDomain: opts.teamDomain ?? DEFAULT_IDS.teamDomain,
    appId: opts.appId ?? DEFAULT_IDS.appId,
    botUserId: opts.botUserId ?? DEFAULT_IDS.botUserId,
    botId: opts.botId ?? DEFAULT_IDS.botId,
  };

  const raw: SlackSender['raw'] = async (body, contentType, o = {}) => {
    const timestamp = o.timestamp ?? Math.floor(clock() / 1000);
    const signed = signRequest(opts.signingSecret, timestamp, body);
    const headers: Record<string, string> = {
      'content-type': contentType,
      ...signed,
      ...(o.signature !== undefined ? { 'x-slack-signature': o.signature } : {}),
      ...o.headers,
    };
    // A string body, so fetch sends our content-type untouched.
    const res = await fetch(opts.url, { method: 'POST', headers, body });
    return { status: res.status, body: await res.text() };
  };

  const interaction = (payload: unknown) => raw(new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), FORM);

  return {
    raw,
    slashCommand: (p) => raw(new URLSearchParams(slashCommandBody(p, ids)).toString(), FORM),
    event: (p) => {
      const headers: Record<string, string> = {};
      // Slack marks redeliveries of an event it thinks went unacknowledged.
      if (p.retryNum !== undefined) headers['x-slack-retry-num'] = String(p.retryNum);
      if (p.retryNum !== undefined || p.retryReason !== undefined) headers['x-slack-retry-reason'] = p.retryReason ?? 'http_timeout';
      return raw(JSON.stringify(eventCallback(p, ids, clock())), JSON_TYPE, { headers });
    },
    blockAction: (p) => interaction(blockActionsPayload(p, ids, clock())),
    viewSubmission: (p) => interaction(viewSubmissionPayload(p, ids, clock())),
    messageShortcut: (p) => interaction(messageActionPayload(p, ids, clock())),
  };
}
