import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createClient } from '@keyv/redis';
import { sleep } from '../../src/clock.js';
import { freePort } from './free-port.js';

/** The Redis the integration tests use; each run writes only under its own namespace. */
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A key namespace no other test run (or real deployment) uses. */
export function uniqueNamespace(label: string): string {
  return `normguard-test:${label}:${randomBytes(5).toString('hex')}`;
}

const adminClient = () => createClient({ url: REDIS_URL });
type AdminClient = ReturnType<typeof adminClient>;

async function withAdminClient<T>(fn: (client: AdminClient) => Promise<T>): Promise<T> {
  const client = adminClient();
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await fn(client);
  } finally {
    client.destroy();
  }
}

/** Deletes every key the store wrote under `namespace` (data `<ns>::…` and locks `<ns>:lock:…`). Never FLUSHALL. */
export async function deleteNamespace(namespace: string): Promise<number> {
  return withAdminClient(async (client) => {
    let deleted = 0;
    for await (const batch of client.scanIterator({ MATCH: `${escapeGlob(namespace)}:*`, COUNT: 500 })) {
      if (batch.length > 0) deleted += await client.del(batch);
    }
    return deleted;
  });
}

/** Raw Redis access for assertions (e.g. the TTL Redis itself holds for a key). */
export async function redisCommand(args: string[]): Promise<unknown> {
  return withAdminClient((client) => client.sendCommand(args));
}

/**
 * Drops the server side of every connection a store on `namespace` holds (the store names its
 * connections `normguard:<namespace>`), as a Redis restart or a network blip would.
 */
export async function killStoreConnections(namespace: string): Promise<number> {
  return withAdminClient(async (client) => {
    const list = String(await client.sendCommand(['CLIENT', 'LIST']));
    const ids = list
      .split('\n')
      .filter((line) => line.includes(` name=normguard:${namespace} `))
      .map((line) => /(?:^|\s)id=(\d+)/.exec(line)?.[1])
      .filter((id): id is string => id !== undefined);
    for (const id of ids) await client.sendCommand(['CLIENT', 'KILL', 'ID', id]);
    return ids.length;
  });
}

function escapeGlob(s: string): string {
  return s.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}

/** True when a `redis-server` binary is on the PATH (for tests that restart a private server). */
export const hasRedisServer = spawnSync('redis-server', ['--version']).status === 0;

/**
 * A throwaway redis-server on a free port, no persistence, that a test may stop and start again
 * on the same port — a real restart, without touching the shared Redis.
 */
export class PrivateRedis {
  readonly port: number;
  readonly #dir: string | undefined;
  #process: ChildProcess | null = null;

  private constructor(port: number, dir?: string) {
    this.port = port;
    this.#dir = dir;
  }

  /** With `dir`, the server keeps an append-only file there, so data survives `stop()` + `start()`. */
  static async start(options: { dir?: string } = {}): Promise<PrivateRedis> {
    const server = new PrivateRedis(await freePort(), options.dir);
    await server.start();
    return server;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const persistence = this.#dir ? ['--dir', this.#dir, '--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no'];
    const child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', ...persistence], {
      stdio: 'ignore',
    });
    this.#process = child;
    const deadline = Date.now() + 5_000;
    for (;;) {
      const client = createClient({ url: this.url, socket: { reconnectStrategy: false } });
      client.on('error', () => undefined);
      try {
        await client.connect();
        client.destroy();
        return;
      } catch {
        if (Date.now() > deadline) throw new Error(`redis-server on port ${this.port} did not start`);
        await sleep(25);
      }
    }
  }

  async stop(): Promise<void> {
    const child = this.#process;
    this.#process = null;
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  }
}

