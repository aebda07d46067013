// Public shapes of the fake Slack. Field names follow Slack's own JSON (snake_case) wherever the
// value mirrors something Slack sends, so assertions read like the Slack docs.

export interface FakeUser {
  id: string;
  name: string;
  isAdmin?: boolean;
  isOwner?: boolean;
  isBot?: boolean;
  /** IANA zone reported by users.info; defaults to 'Europe/London'. */
  tz?: string;
}

export interface FakeChannel {
  id: string;
  name: string;
  isPrivate?: boolean;
}

export interface FakeUsergroup {
  id: string;
  handle: string;
  users: string[];
  name?: string;
}

export interface FakeSlackOptions {
  /** Port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** The OAuth client Sign in with Slack accepts. */
  clientId?: string;
  clientSecret?: string;
  teamId?: string;
  teamName?: string;
  appId?: string;
  botUserId?: string;
  botId?: string;
  users?: FakeUser[];
  channels?: FakeChannel[];
  usergroups?: FakeUsergroup[];
  /**
   * Slack lets a trigger_id open a modal for 3 seconds only; a handler that calls the model before
   * views.open fails in production with expired_trigger_id, so the fake enforces it too.
   * Only trigger ids minted by this package (newTriggerId) carry a time; 0 turns the check off.
   */
  triggerTtlMs?: number;
}

/** One Web API request as the fake received it, and what it answered. */
export interface ApiCall {
  method: string;
  /** The arguments, with JSON-valued fields (blocks, attachments, view, metadata…) parsed. */
  args: Record<string, any>;
  /** The arguments exactly as sent (form values are strings; blocks is a JSON string). */
  rawArgs: Record<string, unknown>;
  /** Bearer token from the Authorization header, else the `token` argument. */
  token: string | undefined;
  /** Date.now() when the request arrived. */
  at: number;
  /** The body the fake answered with ({ok:true,…} or {ok:false,error}). */
  response: Record<string, any>;
}

export interface SlackMessage {
  type: 'message';
  channel: string;
  ts: string;
  text: string;
  user?: string;
  bot_id?: string;
  app_id?: string;
  subtype?: string;
  thread_ts?: string;
  blocks?: any[];
  attachments?: any[];
  metadata?: unknown;
  edited?: { user: string; ts: string };
  reply_count?: number;
  reply_users?: string[];
  reply_users_count?: number;
  latest_reply?: string;
}

export interface EphemeralMessage {
  channel: string;
  user: string;
  text: string;
  blocks?: any[];
  thread_ts?: string;
  /** The message_ts chat.postEphemeral returned. */
  ts: string;
}

export type ViewMethod = 'views.open' | 'views.update' | 'views.push' | 'views.publish';

export interface ViewRecord {
  id: string;
  method: ViewMethod;
  /** The trigger that opened or pushed it (views.open / views.push). */
  trigger_id?: string;
  /** Home tab owner (views.publish). */
  user_id?: string;
  /** The view as Slack stores it: what the app sent plus id, hash, state, app ids. */
  view: Record<string, any>;
}

/**
 * What a response_url stands for. Bound parts let POSTs to it change what people see, as on
 * Slack: replace_original / delete_original act on `messageTs`; an in_channel response posts to
 * `channel`; an ephemeral one (the default) goes to `user` in `channel`. Unbound URLs only record.
 */
export interface ResponseUrlBinding {
  channel?: string;
  user?: string;
  messageTs?: string;
  threadTs?: string;
}

/** What a response_url last posted itself: a slash command's replace_original acts on it. */
export interface ResponsePost {
  ts: string;
  ephemeral: boolean;
}

export type EnvelopeType = 'slash_commands' | 'events_api' | 'interactive';

export interface SendEnvelopeOptions {
  /** Reject if the app has not acked by then (Slack itself gives up after 3 s). Default 3000. */
  timeoutMs?: number;
  retryAttempt?: number;
  retryReason?: string;
}

export interface FakeSocketMode {
  /** Sends an envelope to the newest connection; resolves with the payload of the app's ack. */
  sendEnvelope(type: EnvelopeType, payload: unknown, opts?: SendEnvelopeOptions): Promise<unknown>;
  connected(): boolean;
  /** Resolves once a client has completed the handshake (received hello) or rejects at timeout. */
  waitForConnection(opts?: { timeoutMs?: number }): Promise<void>;
  /** Resolves once no client is connected, e.g. after app.stop(). */
  waitForDisconnect(opts?: { timeoutMs?: number }): Promise<void>;
}

export interface WaitOptions {
  count?: number;
  timeoutMs?: number;
}

export interface FakeSlack {
  /** The next `times` calls to `method` answer `{ok:false, error}` (default once). */
  failNext(method: string, error: string, times?: number): void;
  /** http://127.0.0.1:PORT */
  url: string;
  port: number;
  /** http://127.0.0.1:PORT/api/ — give it to App({ clientOptions: { slackApiUrl } }). */
  apiUrl: string;
  /** Sign in with Slack (OpenID Connect): client credentials and the calls it answered. */
  oidc: import('./oidc.js').FakeSlackOidc;
  teamId: string;
  appId: string;
  botUserId: string;
  botId: string;

  /** Every Web API call, oldest first (a live view). */
  calls: readonly ApiCall[];
  callsTo(method: string): ApiCall[];
  /** Resolves with all matching calls once there are at least `count` (default 1). */
  waitForCall(method: string, opts?: WaitOptions & { where?: (c: ApiCall) => boolean }): Promise<ApiCall[]>;

  /** Top-level messages and thread replies of a channel, by ts. */
  messages(channel: string): SlackMessage[];
  /** Parent then replies, by ts. */
  thread(channel: string, threadTs: string): SlackMessage[];
  ephemerals(channel: string, user?: string): EphemeralMessage[];
  /** Messages in the DM between the bot and this user (empty if none was opened). */
  dms(userId: string): SlackMessage[];
  views(): ViewRecord[];
  /** Adds a human's message to state so conversations.history/replies return it. */
  postUserMessage(p: { channel: string; user: string; text: string; threadTs?: string; ts?: string }): SlackMessage;
  /** Resolves once `check` returns something other than undefined/false (checked on every change). */
  waitFor<T>(check: () => T | undefined | false, opts?: { timeoutMs?: number; what?: string }): Promise<T>;

  newResponseUrl(binding?: ResponseUrlBinding): { url: string; id: string };
  responses(id: string): any[];
  waitForResponse(id: string, opts?: WaitOptions): Promise<any[]>;

  socketMode: FakeSocketMode;
  close(): Promise<void>;
}
