import { randomBytes } from 'node:crypto';
import { SLACK_FIXTURE } from './fixture.js';
import { newTriggerId } from './triggers.js';

// The bodies Slack sends an app, field for field as Slack sends them (including the ones Bolt
// needs to route and authorize: api_app_id, team, user.id, trigger_id, container…). Shared by
// the signed HTTP sender and by Socket Mode tests, which carry the same payloads in envelopes.

export interface WorkspaceIds {
  teamId: string;
  teamDomain: string;
  appId: string;
  botUserId: string;
  botId: string;
}

export const DEFAULT_IDS: WorkspaceIds = {
  teamId: SLACK_FIXTURE.teamId,
  teamDomain: SLACK_FIXTURE.teamDomain,
  appId: SLACK_FIXTURE.appId,
  botUserId: SLACK_FIXTURE.botUserId,
  botId: SLACK_FIXTURE.botId,
};

/** The deprecated verification token; Slack still sends it and Bolt ignores it. */
const VERIFICATION_TOKEN = 'fake-verification-token';

/**
 * Slack always sends a response_url with message-based interactions. When a test gives none,
 * this one stands in: nothing listens there, so a handler that does respond() fails loudly.
 */
export const UNSET_RESPONSE_URL = 'http://127.0.0.1:9/unset-response-url';

export interface SlashCommandParams {
  text: string;
  userId: string;
  channelId: string;
  /** Default '/ethics'. */
  command?: string;
  responseUrl: string;
  triggerId?: string;
  userName?: string;
  channelName?: string;
}

/** A slash command's fields (form-encoded over HTTP; a plain object in a Socket Mode envelope). */
export function slashCommandBody(p: SlashCommandParams, ids: WorkspaceIds = DEFAULT_IDS): Record<string, string> {
  return {
    token: VERIFICATION_TOKEN,
    team_id: ids.teamId,
    team_domain: ids.teamDomain,
    channel_id: p.channelId,
    channel_name: p.channelName ?? p.channelId,
    user_id: p.userId,
    user_name: p.userName ?? p.userId,
    command: p.command ?? '/ethics',
    text: p.text,
    api_app_id: ids.appId,
    is_enterprise_install: 'false',
    response_url: p.responseUrl,
    trigger_id: p.triggerId ?? newTriggerId(),
  };
}

export interface EventParams {
  event: Record<string, unknown>;
  eventId?: string;
  /** Unix seconds. */
  eventTime?: number;
}

/** An Events API event_callback envelope around `event`. */
export function eventCallback(p: EventParams, ids: WorkspaceIds = DEFAULT_IDS, nowMs = Date.now()): Record<string, unknown> {
  const event = { ...p.event };
  if (event.event_ts === undefined) event.event_ts = typeof event.ts === 'string' ? event.ts : (nowMs / 1000).toFixed(6);
  return {
    token: VERIFICATION_TOKEN,
    team_id: ids.teamId,
    context_team_id: ids.teamId,
    context_enterprise_id: null,
    api_app_id: ids.appId,
    event,
    type: 'event_callback',
    event_id: p.eventId ?? `Ev${randomBytes(5).toString('hex').toUpperCase()}`,
    event_time: p.eventTime ?? Math.floor(nowMs / 1000),
    authorizations: [{ enterprise_id: null, team_id: ids.teamId, user_id: ids.botUserId, is_bot: true, is_enterprise_install: false }],
    is_ext_shared_channel: false,
    event_context: `4-${randomBytes(12).toString('base64url')}`,
  };
}

/** A `message` event for a message in the fake's state (e.g. what postUserMessage returned). */
export function messageEvent(
  m: { channel: string; ts: string; text: string; user?: string; thread_ts?: string; bot_id?: string; subtype?: string },
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    type: 'message',
    channel: m.channel,
    ...(m.user !== undefined ? { user: m.user } : {}),
    text: m.text,
    ts: m.ts,
    event_ts: m.ts,
    channel_type: channelType(m.channel),
    ...(m.thread_ts !== undefined && m.thread_ts !== m.ts ? { thread_ts: m.thread_ts } : {}),
    ...(m.bot_id !== undefined ? { bot_id: m.bot_id } : {}),
    ...(m.subtype !== undefined ? { subtype: m.subtype } : {}),
    ...extra,
  };
}

function channelType(channel: string): string {
  if (channel.startsWith('D')) return 'im';
  if (channel.startsWith('G')) return 'group';
  return 'channel';
}

export interface BlockActionParams {
  userId: string;
  channelId: string;
  messageTs: string;
  actionId: string;
  value?: string;
  blockId?: string;
  triggerId?: string;
  responseUrl?: string;
  /** The message the button sits on (e.g. from fake.messages()); a minimal bot message otherwise. */
  message?: unknown;
  /** Element type; default 'button'. Use `action` for a select's selected_option and the like. */
  actionType?: string;
  action?: Record<string, unknown>;
  /** state.values of the message's input elements, if any. */
  stateValues?: Record<string, Record<string, unknown>>;
}

export function blockActionsPayload(p: BlockActionParams, ids: WorkspaceIds = DEFAULT_IDS, nowMs = Date.now()): Record<string, unknown> {
  const actionTs = (nowMs / 1000).toFixed(6);
  const type = p.actionType ?? 'button';
  return {
    type: 'block_actions',
    user: user(p.userId, ids),
    api_app_id: ids.appId,
    token: VERIFICATION_TOKEN,
    container: { type: 'message', message_ts: p.messageTs, channel_id: p.channelId, is_ephemeral: false },
    trigger_id: p.triggerId ?? newTriggerId(),
    team: team(ids),
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: p.channelId, name: p.channelId },
    message: p.message ?? { type: 'message', ts: p.messageTs, text: '', user: ids.botUserId, bot_id: ids.botId, app_id: ids.appId },
    state: { values: p.stateValues ?? {} },
    response_url: p.responseUrl ?? UNSET_RESPONSE_URL,
    actions: [
      {
        action_id: p.actionId,
        block_id: p.blockId ?? randomBytes(3).toString('hex'),
        type,
        ...(type === 'button' ? { text: { type: 'plain_text', text: p.actionId, emoji: true } } : {}),
        ...(p.value !== undefined ? { value: p.value } : {}),
        action_ts: actionTs,
        ...p.action,
      },
    ],
  };
}

export interface ViewSubmissionParams {
  userId: string;
  callbackId: string;
  privateMetadata?: string;
  /** state.values: block_id → action_id → {type, value | selected_option | selected_channel | …}. */
  values: Record<string, Record<string, unknown>>;
  viewId?: string;
  triggerId?: string;
  /** The view as opened (e.g. fake.views().at(-1).view); its blocks, title and ids are kept. */
  view?: Record<string, unknown>;
}

export function viewSubmissionPayload(p: ViewSubmissionParams, ids: WorkspaceIds = DEFAULT_IDS, nowMs = Date.now()): Record<string, unknown> {
  const viewId = p.viewId ?? (typeof p.view?.id === 'string' ? p.view.id : `V${randomBytes(4).toString('hex').toUpperCase()}`);
  const base = p.view ?? {};
  return {
    type: 'view_submission',
    team: team(ids),
    user: user(p.userId, ids),
    api_app_id: ids.appId,
    token: VERIFICATION_TOKEN,
    trigger_id: p.triggerId ?? newTriggerId(),
    view: {
      type: 'modal',
      blocks: [],
      title: { type: 'plain_text', text: 'Normguard' },
      close: null,
      submit: { type: 'plain_text', text: 'Submit' },
      clear_on_close: false,
      notify_on_close: false,
      external_id: '',
      previous_view_id: null,
      root_view_id: viewId,
      hash: `${Math.floor(nowMs / 1000)}.${randomBytes(4).toString('hex')}`,
      ...base,
      id: viewId,
      team_id: ids.teamId,
      app_id: ids.appId,
      app_installed_team_id: ids.teamId,
      bot_id: ids.botId,
      callback_id: p.callbackId,
      private_metadata: p.privateMetadata ?? (typeof base.private_metadata === 'string' ? base.private_metadata : ''),
      state: { values: p.values },
    },
    response_urls: [],
    is_enterprise_install: false,
    enterprise: null,
  };
}

export interface MessageShortcutParams {
  callbackId: string;
  userId: string;
  channelId: string;
  message: { ts: string; text: string; user: string; thread_ts?: string };
  triggerId?: string;
  responseUrl?: string;
}

export function messageActionPayload(p: MessageShortcutParams, ids: WorkspaceIds = DEFAULT_IDS, nowMs = Date.now()): Record<string, unknown> {
  return {
    type: 'message_action',
    token: VERIFICATION_TOKEN,
    action_ts: (nowMs / 1000).toFixed(6),
    team: team(ids),
    user: user(p.userId, ids),
    channel: { id: p.channelId, name: p.channelId },
    is_enterprise_install: false,
    enterprise: null,
    callback_id: p.callbackId,
    trigger_id: p.triggerId ?? newTriggerId(),
    response_url: p.responseUrl ?? UNSET_RESPONSE_URL,
    message_ts: p.message.ts,
    message: { type: 'message', ...p.message },
  };
}

function user(id: string, ids: WorkspaceIds): Record<string, string> {
  return { id, username: id, name: id, team_id: ids.teamId };
}

function team(ids: WorkspaceIds): Record<string, string> {
  return { id: ids.teamId, domain: ids.teamDomain };
}
