import { App, HTTPReceiver, LogLevel, SocketModeReceiver, type Logger as BoltLogger } from '@slack/bolt';
import type { Logger } from '../../src/logger.js';

export interface BoltOptions {
  botToken: string;
  signingSecret?: string;
  appToken?: string;
  apiUrl?: string;
  unhandledRequestTimeoutMillis?: number;
  retries?: number;
}

/** The Bolt app over one of its two receivers: Socket Mode when an app token is set, else HTTP. */
export async function createBolt(options: BoltOptions, logger: Logger): Promise<{ bolt: App; receiver: HTTPReceiver | SocketModeReceiver; clientOptions: Record<string, unknown> }> {
  // The SDK's default keeps retrying 5xx/429 for ~30 minutes, longer than any reply is useful.
  const clientOptions = { ...(options.apiUrl ? { slackApiUrl: options.apiUrl } : {}), retryConfig: { retries: options.retries ?? 2, maxRetryTime: 30_000 } };
  const boltLogger = toBoltLogger(logger);
  const receiver =
    options.appToken !== undefined
      ? new SocketModeReceiver({ appToken: options.appToken, logger: boltLogger, installerOptions: { clientOptions } as never })
      : new HTTPReceiver({ signingSecret: options.signingSecret ?? '', endpoints: '/slack/events', logger: boltLogger, unhandledRequestTimeoutMillis: options.unhandledRequestTimeoutMillis });
  const bolt = new App({ token: options.botToken, receiver, logger: boltLogger, clientOptions, deferInitialization: true });
  await bolt.init();
  return { bolt, receiver, clientOptions };
}

/** Starts the receiver; the HTTP one's port (0 picks one), or null in Socket Mode. */
export async function startBolt(bolt: App, receiver: HTTPReceiver | SocketModeReceiver, where: { host: string; port: number }): Promise<number | null> {
  if (receiver instanceof SocketModeReceiver) {
    await bolt.start();
    return null;
  }
  const server = (await bolt.start({ port: where.port, host: where.host } as never)) as unknown as { address(): { port: number } | string | null };
  const address = server.address();
  return typeof address === 'object' && address ? address.port : where.port;
}

/** In Socket Mode app.stop() returns before the socket has closed; wait (briefly) for it. */
export async function stopBolt(bolt: App, receiver: HTTPReceiver | SocketModeReceiver): Promise<void> {
  const closed =
    receiver instanceof SocketModeReceiver
      ? new Promise<void>((resolve) => {
          receiver.client.once('disconnected', () => resolve());
          setTimeout(resolve, 2000).unref();
        })
      : Promise.resolve();
  await bolt.stop();
  await closed;
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
