import { App, HTTPReceiver, LogLevel, SocketModeReceiver, webApi, type Logger as BoltLogger } from '@slack/bolt';
import { assessCommand, CHECK_MESSAGE_ACTION } from '../../commands/ethics.js';
import { applyConfigChange, describeSettings, rateLimited, runAssess, runCase, runCheckMessage, runForget, runStats } from '../../commands/handlers.js';
import { fileReport } from '../../src/moderation/reports.js';
import { INLINE_SYNTAX, parseInline } from '../../commands/inline.js';
import type { Reply } from '../../commands/replies.js';
import { commandDeps } from '../../commands/deps.js';
import type { App as NormguardApp } from '../../src/app.js';
import type { Logger } from '../../src/logger.js';
import type { BufferedMessage } from '../../src/moderation/conversation-buffer.js';
import type { IncomingMessage } from '../../src/moderation/message.js';
import { isAdmin } from '../../src/moderation/preconditions.js';
import { SlackActors } from './actor.js';
import { ASK_MODAL, askModal, CONFIG_MODAL, configModal, REPORT_MODAL, reportModal, viewValue } from './modals.js';
import { DIGEST_OPEN, PAUSE_PREFIX, replyPayload } from './render/blocks.js';
import { escapeMrkdwn } from './render/text.js';
import { SlackReview } from './review.js';

export interface SlackAdapterOptions {
  botToken: string;
  /** HTTP mode (Events API over signed requests). */
  signingSecret?: string;
  /** Socket Mode (no public URL needed); wins over HTTP mode when both are set. */
  appToken?: string;
  apiUrl?: string;
  host: string;
  port: number;
  /** Tests lower Bolt's 3 s wait for an ack that never comes. */
  unhandledRequestTimeoutMillis?: number;
  /** How often open appeals are checked for their deadline. */
  appealSweepMs?: number;
  /** A workspace admin's user token (xoxp-): lets moderators delete a member's message from a card. */
  adminUserToken?: string;
  /** Web API retries on 5xx/429. The SDK's default keeps retrying for ~30 minutes, longer than any reply is useful. */
  retries?: number;
}

export interface SlackAdapter {
  app: App;
  review: SlackReview;
  /** The HTTP receiver's port (HTTP mode), for health checks and tests. */
  port: number | null;
  stop(): Promise<void>;
}

/** The message shortcut's callback id, as in manifest.yml. */
export const CHECK_MESSAGE_CALLBACK = 'check_message';
export const REPORT_MESSAGE_CALLBACK = 'report_message';
const EVENT_DEDUPE_MS = 60 * 60_000;

export async function startSlackAdapter(core: NormguardApp, options: SlackAdapterOptions): Promise<SlackAdapter> {
  const { moderation, store } = core;
  const logger = core.logger.child({ adapter: 'slack' });
  const clientOptions = { ...(options.apiUrl ? { slackApiUrl: options.apiUrl } : {}), retryConfig: { retries: options.retries ?? 2, maxRetryTime: 30_000 } };
  const boltLogger = toBoltLogger(logger);
  const socketMode = options.appToken !== undefined;
  const receiver = socketMode
    ? new SocketModeReceiver({ appToken: options.appToken as string, logger: boltLogger, installerOptions: { clientOptions } as never })
    : new HTTPReceiver({
        signingSecret: options.signingSecret ?? '',
        endpoints: '/slack/events',
        logger: boltLogger,
        unhandledRequestTimeoutMillis: options.unhandledRequestTimeoutMillis,
      });
  const app = new App({ token: options.botToken, receiver, logger: boltLogger, clientOptions, deferInitialization: true });
  await app.init();
  const client = app.client;
  const actors = new SlackActors(client, () => core.clock.now());
  const adminClient = options.adminUserToken ? new webApi.WebClient(options.adminUserToken, { ...clientOptions, logger: boltLogger }) : null;
  const review = new SlackReview({ client, adminClient, cases: moderation.cases, settings: store.repos.settings, actors, kv: store.kv, logger });
  // Decisions taken in the web dashboard are carried out here, so the card updates as with a button.
  moderation.reviewers.set('slack', { decide: (caseId, event) => review.decide(caseId, event) });
  const deps = commandDeps(core);
  // Scale-out: outcomes whose gateway died before rendering them are rendered here. The event's
  // thread is not in the neutral message, so a coach note answers in the message's own thread.
  moderation.passive.adopt?.('slack', async (message, outcome) => {
    if (outcome.kind !== 'decided') return;
    if (outcome.case) await review.postCard(outcome.case);
    else if (outcome.explanation) await client.chat.postMessage({ channel: message.channelId, thread_ts: message.messageId, text: escapeMrkdwn(outcome.explanation) });
  });

  app.error(async (err) => {
    logger.error({ err }, 'slack handler failed');
  });

  // --- /ethics ---------------------------------------------------------------------------
  app.command('/ethics', async ({ command, ack, respond }) => {
    await ack();
    const text = command.text.trim();
    const [first = '', ...restWords] = text.split(/\s+/);
    const sub = first.toLowerCase();
    const rest = text.slice(first.length).trim();
    const send = (reply: Reply) => respond({ response_type: reply.ephemeral ? 'ephemeral' : 'in_channel', ...replyPayload(reply) });
    if (text === '') {
      await client.views.open({ trigger_id: command.trigger_id, view: askModal({ channelId: command.channel_id }) });
      return;
    }
    const assess = assessCommand(sub);
    if (assess) {
      const parsed = parseInline(assess, rest);
      if (!parsed.ok) return void (await send({ kind: 'error', text: parsed.message, ephemeral: true }));
      const limited = await rateLimited({ workspaceId: command.team_id, channelId: command.channel_id, userId: command.user_id }, deps);
      if (limited) return void (await send(limited));
      const { public: visibility, ...fields } = parsed.fields;
      await send(await runAssess(assess, { ...fields, ...(visibility ? { public: /^(yes|true|1)$/i.test(visibility) } : {}) }, deps));
      return;
    }
    if (sub === 'config') {
      const settings = await store.repos.settings.get(command.team_id);
      const allowed = isAdmin(await actors.actor(command.user_id, settings));
      if (!allowed.ok) return void (await send({ kind: 'error', text: 'Only workspace admins can change normguard’s settings.', ephemeral: true }));
      await client.views.open({ trigger_id: command.trigger_id, view: configModal(settings, { channelId: command.channel_id, teamId: command.team_id }) });
      return;
    }
    if (sub === 'case') {
      const settings = await store.repos.settings.get(command.team_id);
      const actor = await actors.actor(command.user_id, settings);
      await send(await runCase({ id: restWords[0] ?? '' }, { workspaceId: command.team_id, channelId: command.channel_id, actor }, deps));
      return;
    }
    if (sub === 'forget') {
      const settings = await store.repos.settings.get(command.team_id);
      const actor = await actors.actor(command.user_id, settings);
      // `<@U123|name>` (escaped mention), `<@U123>` or a bare id.
      const userId = /^<@([A-Z0-9_]+)(?:\|[^>]*)?>$/.exec(restWords[0] ?? '')?.[1] ?? restWords[0] ?? '';
      await send(await runForget({ user: userId || undefined }, { workspaceId: command.team_id, channelId: command.channel_id, actor }, deps));
      return;
    }
    if (sub === 'stats') {
      const days = restWords[0] ? Number(restWords[0]) : undefined;
      const ctx = { workspaceId: command.team_id, channelId: command.channel_id, actor: { id: command.user_id, roleIds: [], platformModerator: false, platformAdmin: false } };
      await send(await runStats({ ...(days !== undefined ? { days } : {}), ...(restWords.includes('public') ? { public: true } : {}) }, ctx, deps));
      return;
    }
    await send({ kind: 'error', text: `I don't know "${sub}". ${INLINE_SYNTAX} Also: \`/ethics config\`, \`/ethics stats [days]\`.`, ephemeral: true });
  });

  app.view(ASK_MODAL, async ({ ack, view, body }) => {
    await ack();
    const values = view.state.values as Record<string, Record<string, any>>;
    const meta = JSON.parse(view.private_metadata || '{}') as { channelId?: string };
    const command = assessCommand(viewValue(values, 'command') ?? 'check');
    if (!command || !meta.channelId) return;
    const input: Record<string, unknown> = {};
    for (const name of ['situation', 'intent', 'action', 'norm']) {
      const v = viewValue(values, name);
      if (typeof v === 'string' && v.trim() !== '' && command.options.some((o) => o.name === name)) input[name] = v;
    }
    const isPublic = (viewValue(values, 'public') as Array<{ value: string }> | undefined)?.some((o) => o.value === 'public') ?? false;
    const reply =
      (await rateLimited({ workspaceId: body.team?.id ?? '', channelId: meta.channelId, userId: body.user.id }, deps)) ??
      (await runAssess(command, { ...input, public: isPublic }, deps));
    const payload = replyPayload(reply);
    if (reply.ephemeral) await client.chat.postEphemeral({ channel: meta.channelId, user: body.user.id, ...payload });
    else await client.chat.postMessage({ channel: meta.channelId, ...payload });
  });

  app.view(CONFIG_MODAL, async ({ ack, view, body }) => {
    await ack();
    const meta = JSON.parse(view.private_metadata || '{}') as { channelId?: string; teamId?: string };
    const teamId = meta.teamId ?? body.team?.id ?? '';
    const settings = await store.repos.settings.get(teamId);
    if (!isAdmin(await actors.actor(body.user.id, settings)).ok) return;
    const values = view.state.values as Record<string, Record<string, any>>;
    const channels = (viewValue(values, 'channels') as string[] | undefined) ?? [];
    const mode = viewValue(values, 'mode') ?? 'flag';
    const group = (viewValue(values, 'moderator_group') as string | undefined)?.trim();
    const updated = await store.repos.settings.update(teamId, (current) => {
      let next = { ...current, channels: {} as typeof current.channels };
      for (const channel of channels) next = applyConfigChange(next, { channel, mode });
      next = applyConfigChange(next, {
        review_channel: viewValue(values, 'review_channel'),
        moderator_users: viewValue(values, 'moderators') ?? [],
        flag_threshold: viewValue(values, 'flag_threshold'),
        coach_flag_threshold: viewValue(values, 'coach_flag_threshold'),
      });
      const notify = viewValue(values, 'notify_authors') as Array<{ value: string }> | undefined;
      const blocked = viewValue(values, 'blocked_reporters') as string[] | undefined;
      return {
        ...next,
        moderatorRoleIds: group ? [group] : [],
        ...(notify !== undefined ? { notifyAuthors: notify.some((o) => o.value === 'on') } : {}),
        ...(blocked !== undefined ? { blockedReporterIds: blocked } : {}),
      };
    });
    if (meta.channelId) await client.chat.postEphemeral({ channel: meta.channelId, user: body.user.id, ...replyPayload({ kind: 'notice', text: describeSettings(updated), ephemeral: true }) });
  });

  // --- "Check this message" ----------------------------------------------------------------
  app.shortcut(CHECK_MESSAGE_CALLBACK, async ({ ack, shortcut }) => {
    await ack();
    if (shortcut.type !== 'message_action') return;
    const channel = shortcut.channel.id;
    const target = shortcut.message as { ts: string; text?: string; user?: string; thread_ts?: string };
    const limited = await rateLimited({ workspaceId: shortcut.team?.id ?? '', channelId: channel, userId: shortcut.user.id }, deps);
    if (limited) return void (await client.chat.postEphemeral({ channel, user: shortcut.user.id, ...replyPayload(limited) }));
    const context = await conversationBefore(client, channel, target.ts, target.thread_ts).catch(() => [] as BufferedMessage[]);
    const reply = await runCheckMessage({ authorName: target.user ? `<@${target.user}>` : 'someone', text: target.text ?? '' }, context, deps);
    await client.chat.postEphemeral({ channel, user: shortcut.user.id, ...replyPayload(reply) });
  });

  // --- "Report to moderators" -------------------------------------------------------------
  app.shortcut(REPORT_MESSAGE_CALLBACK, async ({ ack, shortcut }) => {
    await ack();
    if (shortcut.type !== 'message_action') return;
    const m = shortcut.message as { ts: string; text?: string; user?: string; thread_ts?: string };
    await client.views.open({
      trigger_id: shortcut.trigger_id,
      view: reportModal({ channelId: shortcut.channel.id, ts: m.ts, user: m.user ?? '', text: m.text ?? '', ...(m.thread_ts ? { threadTs: m.thread_ts } : {}) }),
    });
  });

  app.view(REPORT_MODAL, async ({ ack, view, body }) => {
    await ack();
    const meta = JSON.parse(view.private_metadata || '{}') as { channelId: string; ts: string; user: string; text: string; threadTs?: string };
    const teamId = body.team?.id ?? '';
    const context = await conversationBefore(client, meta.channelId, meta.ts, meta.threadTs).catch(() => [] as BufferedMessage[]);
    const result = await fileReport(
      {
        message: slackMessage(teamId, meta.channelId, meta.ts, meta.user, meta.text),
        context,
        reporterId: body.user.id,
        note: (viewValue(view.state.values as Record<string, Record<string, any>>, 'note') as string | undefined) ?? null,
      },
      { assessor: core.assessor, settings: store.repos.settings, activity: moderation.activity, cases: moderation.cases },
    );
    if (result.ok) await review.postCard(result.case);
    await client.chat.postEphemeral({
      channel: meta.channelId,
      user: body.user.id,
      text: result.ok ? 'Thanks — your report is with the moderators. You will hear the outcome in one line.' : escapeMrkdwn(result.message),
    });
  });

  // --- passive monitoring --------------------------------------------------------------------
  app.event('message', async ({ event, body }) => {
    const e = event as { subtype?: string; bot_id?: string; user?: string; text?: string; ts: string; channel: string; thread_ts?: string; files?: unknown[] };
    // Edits, joins, bot posts and every other subtype are not members speaking.
    if (e.subtype !== undefined || e.bot_id !== undefined || !e.user) return;
    const eventId = (body as { event_id?: string }).event_id;
    if (eventId && !(await store.repos.dedupe.claim(`slack-event:${eventId}`, EVENT_DEDUPE_MS))) return;
    const teamId = (body as { team_id?: string }).team_id ?? '';
    const message: IncomingMessage = { ...slackMessage(teamId, e.channel, e.ts, e.user, e.text ?? ''), attachments: e.files?.length ?? 0 };
    const outcome = await moderation.passive.handle(message);
    if (outcome.kind !== 'decided') return;
    if (outcome.case) await review.postCard(outcome.case);
    else if (outcome.explanation) await client.chat.postMessage({ channel: e.channel, thread_ts: e.thread_ts ?? e.ts, text: escapeMrkdwn(outcome.explanation) });
  });

  // --- review buttons and the dismiss modal ---------------------------------------------------
  app.action(/^ng:(uphold|dismiss|why|delete|ask-edit|appeal|appeal-accept|appeal-deny):c_/, async ({ ack, body, action }) => {
    await ack();
    const b = body as { user: { id: string }; channel?: { id: string }; message?: { ts: string }; trigger_id: string };
    await review.onButton({
      actionId: (action as { action_id: string }).action_id,
      userId: b.user.id,
      channelId: b.channel?.id ?? '',
      messageTs: b.message?.ts ?? '',
      triggerId: b.trigger_id,
    });
  });
  app.action(/^ng:link:/, async ({ ack }) => {
    await ack();
  });
  app.view(/^ng:(dismiss-reason|appeal-text|appeal-deny-reason):/, async ({ ack, view, body }) => {
    await ack();
    const reason = viewValue(view.state.values as Record<string, Record<string, any>>, 'reason') ?? '';
    const where = JSON.parse(view.private_metadata || '{}') as { channelId?: string; messageTs?: string };
    const refusal = await review.onReasonModal(view.callback_id, body.user.id, reason, { channelId: where.channelId ?? '', messageTs: where.messageTs ?? '' });
    if (refusal && where.channelId) await review.ephemeral(where.channelId, body.user.id, refusal, true);
  });
  app.action(new RegExp(`^${DIGEST_OPEN}:`), async ({ ack, body, action }) => {
    await ack();
    const b = body as { user: { id: string }; channel?: { id: string } };
    const selected = (action as { selected_option?: { value: string } }).selected_option?.value ?? '';
    await review.openFromDigest(b.user.id, b.channel?.id ?? '', selected);
  });
  app.action(new RegExp(`^${PAUSE_PREFIX}`), async ({ ack, body, action }) => {
    await ack();
    const b = body as { user: { id: string }; channel?: { id: string }; team?: { id: string } };
    await review.pause(b.user.id, b.channel?.id ?? '', b.team?.id ?? '', (action as { value?: string }).value ?? '');
  });

  let port: number | null = null;
  if (socketMode) {
    await app.start();
  } else {
    const server = (await app.start({ port: options.port, host: options.host } as never)) as unknown as { address(): { port: number } | string | null };
    const address = server.address();
    port = typeof address === 'object' && address ? address.port : options.port;
  }
  logger.info({ mode: socketMode ? 'socket' : 'http', port }, 'Slack app started');
  // Appeals that wait past their deadline time out, and their authors are told.
  const sweep = setInterval(() => {
    void (async () => {
      try {
        const teamId = (await client.auth.test()).team_id as string;
        for (const c of await moderation.cases.expiredAppeals(teamId, core.clock.now())) {
          const result = await moderation.cases.apply(c.id, { type: 'appeal-expire' });
          if (result.ok) await review.runEffects(result.case, result.effects, null, null);
        }
      } catch (err) {
        logger.warn({ err }, 'appeal sweep failed');
      }
    })();
  }, options.appealSweepMs ?? 60_000);
  sweep.unref();
  return {
    app,
    port,
    review,
    stop: async () => {
      clearInterval(sweep);
      // In Socket Mode app.stop() returns before the socket has closed; wait (briefly) for it.
      const closed =
        receiver instanceof SocketModeReceiver
          ? new Promise<void>((resolve) => {
              receiver.client.once('disconnected', () => resolve());
              setTimeout(resolve, 2000).unref();
            })
          : Promise.resolve();
      await app.stop();
      await closed;
    },
  };
}

/** A Slack message as the core's neutral message; Slack mentions render as names. */
function slackMessage(teamId: string, channel: string, ts: string, user: string, text: string): IncomingMessage {
  return {
    platform: 'slack',
    workspaceId: teamId,
    channelId: channel,
    messageId: ts,
    text,
    createdAt: Math.round(Number(ts) * 1000),
    attachments: 0,
    url: `https://slack.com/archives/${channel}/p${ts.replace('.', '')}`,
    replyTo: null,
    author: { id: user, name: `<@${user}>`, isBot: false, isWebhook: false, roleIds: [], isNew: false },
  };
}

/** The messages before `ts` in its thread (conversations.replies) or channel (history), oldest first. */
async function conversationBefore(client: webApi.WebClient, channel: string, ts: string, threadTs?: string): Promise<BufferedMessage[]> {
  const messages =
    threadTs && threadTs !== ts
      ? ((await client.conversations.replies({ channel, ts: threadTs, limit: 50 })).messages ?? []).filter((m) => Number(m.ts) < Number(ts))
      : ((await client.conversations.history({ channel, latest: ts, inclusive: false, limit: 6 })).messages ?? []).reverse();
  return messages.slice(-6).map((m) => ({
    messageId: m.ts ?? '',
    authorId: m.user ?? m.bot_id ?? '',
    authorName: m.user ? `<@${m.user}>` : 'a bot',
    text: m.text ?? '',
    createdAt: Math.round(Number(m.ts ?? 0) * 1000),
  }));
}

/** Bolt's logger interface over our pino logger, so its lines are structured and redacted too. */
function toBoltLogger(logger: Logger): BoltLogger {
  let level = LogLevel.INFO;
  return {
    debug: (...msg: unknown[]) => logger.debug({ bolt: true }, msg.map(String).join(' ')),
    info: (...msg: unknown[]) => logger.info({ bolt: true }, msg.map(String).join(' ')),
    warn: (...msg: unknown[]) => logger.warn({ bolt: true }, msg.map(String).join(' ')),
    error: (...msg: unknown[]) => logger.error({ bolt: true }, msg.map(String).join(' ')),
    setLevel: (l: LogLevel) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => undefined,
  };
}
