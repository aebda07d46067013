import { webApi, type App as BoltApp } from '@slack/bolt';
import { commandDeps } from '../../commands/deps.js';
import { ReviewFlow } from '../../commands/review/flow.js';
import { startAppealSweep } from '../../commands/review/sweep.js';
import type { App } from '../../src/app.js';
import { SlackPeople } from './actor.js';
import { createBolt, startBolt, stopBolt } from './bolt.js';
import { registerCommands } from './commands.js';
import type { SlackContext } from './context.js';
import { registerInteractions } from './interactions.js';
import { registerMessages } from './messages.js';
import { SlackSurface } from './review/surface.js';

export { CHECK_MESSAGE_CALLBACK, REPORT_MESSAGE_CALLBACK } from './interactions.js';

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
  /** Web API retries on 5xx/429. */
  retries?: number;
}

export interface SlackAdapter {
  app: BoltApp;
  flow: ReviewFlow;
  /** The HTTP receiver's port (HTTP mode), for health checks and tests. */
  port: number | null;
  stop(): Promise<void>;
}

/** Slack's entry point: a Bolt app, the review surface over its client, and the handler modules. */
export async function startSlackAdapter(app: App, options: SlackAdapterOptions): Promise<SlackAdapter> {
  const logger = app.logger.child({ adapter: 'slack' });
  const { bolt, receiver, clientOptions } = await createBolt(options, logger);
  const client = bolt.client;
  const adminClient = options.adminUserToken ? new webApi.WebClient(options.adminUserToken, clientOptions) : null;
  const { moderation, store } = app;
  const flow = new ReviewFlow({ surface: new SlackSurface(client, adminClient), cases: moderation.cases, settings: store.repos.settings, kv: store.kv, logger });
  const ctx: SlackContext = { app, bolt, client, people: new SlackPeople(client), flow, commands: commandDeps(app), logger };
  // Scale-out: outcomes whose gateway died before rendering them are rendered here; a coach note
  // answers in the message's own thread (the event's thread is not in the neutral message).
  moderation.passive.adopt?.('slack', (message, outcome) => flow.render(message, outcome));
  registerMessages(ctx);
  registerCommands(ctx);
  registerInteractions(ctx);
  bolt.error(async (err) => logger.error({ err }, 'slack handler failed'));

  const port = await startBolt(bolt, receiver, options);
  logger.info({ mode: port === null ? 'socket' : 'http', port }, 'Slack app started');
  const teamIds = async () => [(await client.auth.test()).team_id as string];
  const stopSweep = startAppealSweep(flow, teamIds, { everyMs: options.appealSweepMs ?? 60_000, clock: app.clock, logger });
  return {
    app: bolt,
    port,
    flow,
    stop: async () => {
      stopSweep();
      await stopBolt(bolt, receiver);
    },
  };
}
