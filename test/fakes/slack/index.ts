import type { AddressInfo } from 'node:net';
import { CallLog } from './call-log.js';
import { defaultChannels, defaultUsergroups, defaultUsers, SLACK_FIXTURE } from './fixture.js';
import { ResponseUrls } from './response-urls.js';
import { ApiFaults } from './faults.js';
import { createFakeSlackServer } from './server.js';
import { SocketModeServer } from './socket-mode.js';
import type { FakeSlack, FakeSlackOptions, SlackMessage } from './types.js';
import { Notifier } from './waiting.js';
import { createWorkspace } from './workspace.js';

export type {
  ApiCall,
  EnvelopeType,
  EphemeralMessage,
  FakeChannel,
  FakeSlack,
  FakeSlackOptions,
  FakeSocketMode,
  FakeUser,
  FakeUsergroup,
  ResponseUrlBinding,
  SendEnvelopeOptions,
  SlackMessage,
  ViewMethod,
  ViewRecord,
} from './types.js';
export { SLACK_FIXTURE } from './fixture.js';
export { createSlackSender, type SlackSender, type SlackSenderOptions, type SenderResult } from './signed-client.js';
export {
  blockActionsPayload,
  DEFAULT_IDS,
  eventCallback,
  messageActionPayload,
  messageEvent,
  slashCommandBody,
  UNSET_RESPONSE_URL,
  viewSubmissionPayload,
  type BlockActionParams,
  type EventParams,
  type MessageShortcutParams,
  type SlashCommandParams,
  type ViewSubmissionParams,
  type WorkspaceIds,
} from './payloads.js';
export { newTriggerId } from './triggers.js';
export { signRequest } from './signing.js';

export const FAKE_SLACK_HOST = '127.0.0.1';

/**
 * Starts a fake Slack on 127.0.0.1: the Web API Bolt's WebClient calls, response_urls, and
 * Socket Mode. Each call owns its own state, so tests running side by side never meet.
 */
export async function startFakeSlack(options: FakeSlackOptions = {}): Promise<FakeSlack> {
  const identity = {
    teamId: options.teamId ?? SLACK_FIXTURE.teamId,
    teamName: options.teamName ?? SLACK_FIXTURE.teamName,
    appId: options.appId ?? SLACK_FIXTURE.appId,
    botUserId: options.botUserId ?? SLACK_FIXTURE.botUserId,
    botId: options.botId ?? SLACK_FIXTURE.botId,
  };
  const changes = new Notifier();
  const onChange = () => changes.notify();
  const ws = createWorkspace({
    identity,
    users: options.users ?? defaultUsers(),
    channels: options.channels ?? defaultChannels(),
    usergroups: options.usergroups ?? defaultUsergroups(),
    triggerTtlMs: options.triggerTtlMs ?? 3000,
    onChange,
  });
  const calls = new CallLog(changes);
  const responseUrls = new ResponseUrls(onChange);
  const socketMode = new SocketModeServer(identity.appId, changes);
  const faults = new ApiFaults();

  let port = 0;
  const server = createFakeSlackServer({ ws, calls, responseUrls, socketMode, faults, wsBaseUrl: () => `ws://${FAKE_SLACK_HOST}:${port}` });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, FAKE_SLACK_HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  const url = `http://${FAKE_SLACK_HOST}:${port}`;

  const postUserMessage: FakeSlack['postUserMessage'] = (p) => {
    if (!ws.directory.hasConversation(p.channel)) throw new Error(`postUserMessage: unknown channel ${p.channel}`);
    if (!ws.directory.user(p.user)) throw new Error(`postUserMessage: unknown user ${p.user}`);
    const message = ws.messages.post(p.channel, { user: p.user, text: p.text, ...(p.threadTs ? { thread_ts: p.threadTs } : {}) }, p.ts);
    return structuredClone(message) as SlackMessage;
  };

  let closed: Promise<void> | undefined;
  return {
    url,
    port,
    apiUrl: `${url}/api/`,
    ...identity,
    calls: calls.calls,
    callsTo: (method) => calls.to(method),
    waitForCall: (method, opts) => calls.waitFor(method, opts),
    messages: (channel) => ws.messages.all(channel),
    thread: (channel, threadTs) => ws.messages.thread(channel, threadTs),
    ephemerals: (channel, user) => ws.ephemerals.list(channel, user),
    dms: (userId) => {
      const channel = ws.directory.dmChannelOf(userId);
      return channel === undefined ? [] : ws.messages.all(channel);
    },
    views: () => ws.views.list(),
    postUserMessage,
    failNext: (method, error, times) => faults.fail(method, error, times),
    waitFor: (check, opts = {}) => changes.waitUntil(check, opts.timeoutMs ?? 10_000, () => `${opts.what ?? 'condition'} never held. ${calls.describeRecent()}`),
    newResponseUrl: (binding) => responseUrls.create(url, binding),
    responses: (id) => responseUrls.responses(id),
    waitForResponse: (id, opts = {}) => {
      const count = opts.count ?? 1;
      if (!responseUrls.known(id)) return Promise.reject(new Error(`no response_url with id ${id} was issued`));
      return changes.waitUntil(
        () => {
          const bodies = responseUrls.responses(id);
          return bodies.length >= count ? bodies : undefined;
        },
        opts.timeoutMs ?? 10_000,
        () => `expected ${count} POST(s) to response_url ${id}, saw ${responseUrls.responses(id).length}. ${calls.describeRecent()}`,
      );
    },
    socketMode: {
      sendEnvelope: (type, payload, opts) => socketMode.sendEnvelope(type, payload, opts),
      connected: () => socketMode.connected(),
      waitForConnection: (opts) => socketMode.waitForConnection(opts),
      waitForDisconnect: (opts) => socketMode.waitForDisconnect(opts),
    },
    close: () => {
      closed ??= new Promise<void>((resolve) => {
        changes.close(new Error('fake Slack closed'));
        socketMode.close();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closed;
    },
  };
}
