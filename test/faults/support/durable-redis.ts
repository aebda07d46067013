import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@keyv/redis';
import { freePort } from './harness.js';

/**
 * A throwaway redis-server that survives its own restart: unlike test/support/redis.ts's
 * PrivateRedis (no persistence, so a restart empties it by design), this one keeps an
 * append-only file fsynced on every write, as a production Redis holding normguard's cases
 * should. Kill it with SIGKILL (a crash) and start it again on the same port and directory.
 */
export class DurableRedis {
  readonly port: number;
  readonly dir: string;
  readonly password: string | undefined;
  #process: ChildProcess | null = null;

  private constructor(port: number, password: string | undefined) {
    this.port = port;
    this.password = password;
    this.dir = mkdtempSync(join(tmpdir(), 'ng-redis-'));
  }

  static async start(options: { password?: string } = {}): Promise<DurableRedis> {
    const server = new DurableRedis(await freePort(), options.password);
    await server.start();
    return server;
  }

  get url(): string {
    return this.password ? `redis://:${encodeURIComponent(this.password)}@127.0.0.1:${this.port}` : `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir, '--save', '', '--appendonly', 'yes', '--appendfsync', 'always'];
    if (this.password) args.push('--requirepass', this.password);
    this.#process = spawn('redis-server', args, { stdio: 'ignore' });
    const deadline = Date.now() + 5_000;
    for (;;) {
      const client = createClient({ url: this.url, socket: { reconnectStrategy: false } });
      client.on('error', () => undefined);
      try {
        await client.connect();
        // Loading the append-only file answers LOADING until done; wait for real answers.
        await client.ping();
        client.destroy();
        return;
      } catch {
        if (client.isOpen) client.destroy();
        if (Date.now() > deadline) throw new Error(`redis-server on port ${this.port} did not start`);
        await new Promise((r) => setTimeout(r, 25));
      }
    }
  }

  /** SIGKILL: no shutdown, no final save; only what was fsynced survives. */
  async crash(): Promise<void> {
    await this.#stop('SIGKILL');
  }

  async stop(): Promise<void> {
    await this.#stop('SIGTERM');
  }

  async #stop(signal: NodeJS.Signals): Promise<void> {
    const child = this.#process;
    this.#process = null;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill(signal);
    });
  }
}
