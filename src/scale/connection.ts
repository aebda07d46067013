import { createClient } from '@keyv/redis';
import type { Logger } from '../logger.js';
import { redactUrl } from '../store/redis-kv.js';

export type RedisClient = ReturnType<typeof createQueueClient>;

/**
 * A node-redis client for BullMQ (which drives node-redis natively since 6.x, so no ioredis).
 * Unlike the store's client it keeps an offline queue and reconnects forever: a queue command
 * issued during a Redis restart waits for the connection instead of failing the job.
 */
export function queueConnection(url: string, name: string, logger: Logger): RedisClient {
  const log = logger.child({ component: 'queue-redis', redis: redactUrl(url) });
  const client = createQueueClient(url, name);
  let down = false;
  // Without a listener, node-redis's 'error' on every failed reconnect would crash the process.
  client.on('error', (err: unknown) => {
    if (!down) log.warn({ err: err instanceof Error ? err.message : String(err) }, 'queue connection lost; reconnecting');
    down = true;
  });
  client.on('ready', () => {
    if (down) log.info('queue connection restored');
    down = false;
  });
  return client;
}

function createQueueClient(url: string, name: string) {
  return createClient({
    url,
    // Shows up in CLIENT LIST next to the store's `normguard:<namespace>` connections.
    name: name.replace(/[^\x21-\x7e]/g, '_'),
    socket: { reconnectStrategy: (retries: number) => Math.min(100 * 2 ** retries, 2_000) + Math.random() * 100 },
  });
}

/**
 * The connections one process hands to BullMQ. BullMQ does not close a client it was given (the
 * giver owns it), and once its objects are closed nothing listens for that client's errors any
 * more, so `closeAll` must run after every Queue, Worker and QueueEvents is closed.
 */
export class QueueConnections {
  private readonly clients: RedisClient[] = [];

  constructor(
    private readonly url: string,
    private readonly namePrefix: string,
    private readonly logger: Logger,
  ) {}

  readonly connect = (role: string): RedisClient => {
    const client = queueConnection(this.url, `${this.namePrefix}:${role}`, this.logger);
    this.clients.push(client);
    return client;
  };

  closeAll(): void {
    for (const c of this.clients.splice(0)) if (c.isOpen) c.destroy();
  }
}
