import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { sleep } from '../../src/clock.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TSX = pathToFileURL(`${ROOT}node_modules/tsx/dist/loader.mjs`).href;
const MAIN = `${ROOT}src/main.ts`;
const GATEWAY = `${ROOT}test/scale/gateway-entry.ts`;

/** The env every role process gets in these tests: quiet, short timeouts, short BullMQ stall detection. */
export function roleEnv(redisUrl: string, namespace: string, ollamaHosts: string[], extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    LOG_LEVEL: 'warn',
    REDIS_URL: redisUrl,
    NORMGUARD_REDIS_NAMESPACE: namespace,
    OLLAMA_HOST: ollamaHosts.join(','),
    NORMGUARD_HTTP_PORT: '0',
    NORMGUARD_SLOTS: '2',
    NORMGUARD_MAX_RETRIES: '0',
    NORMGUARD_REQUEST_TIMEOUT_MS: '20000',
    NORMGUARD_PASSIVE_DEADLINE_MS: '30000',
    NORMGUARD_CONNECT_TIMEOUT_MS: '1000',
    NORMGUARD_CACHE_TTL_MS: '0',
    NORMGUARD_QUEUE_ATTEMPTS: '4',
    NORMGUARD_QUEUE_BACKOFF_MS: '200',
    // A killed worker's job is picked up again within about lock + interval.
    NORMGUARD_QUEUE_LOCK_MS: '2000',
    NORMGUARD_QUEUE_STALLED_MS: '1000',
    NORMGUARD_QUEUE_WAIT_MS: '45000',
    // A dead gateway's outcomes are rendered by another after about three of these.
    NORMGUARD_GATEWAY_HEARTBEAT_MS: '300',
    ...extra,
  };
}

/** One role process: stdout lines are collected; a gateway also answers requests over stdin. */
export class RoleProcess {
  readonly lines: string[] = [];
  readonly stderr: string[] = [];
  readonly exited: Promise<number | null>;
  private readonly answers = new Map<number, (line: { result?: unknown; error?: string }) => void>();
  private nextId = 1;
  private readonly listeners: Array<(line: string) => void> = [];

  private constructor(readonly child: ChildProcess, readonly label: string) {
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      this.lines.push(line);
      if (line.startsWith('{"id":')) {
        const parsed = JSON.parse(line) as { id: number; result?: unknown; error?: string };
        this.answers.get(parsed.id)?.(parsed);
        this.answers.delete(parsed.id);
      }
      for (const l of this.listeners) l(line);
    });
    createInterface({ input: child.stderr! }).on('line', (line) => this.stderr.push(line));
  }

  /** `normguard start --role worker`, the real CLI entry point. */
  static worker(env: Record<string, string>, label = 'worker'): Promise<RoleProcess> {
    return RoleProcess.start(['start', '--role', 'worker'], env, label, /^role: audit worker/);
  }

  /** `normguard <args>` (src/main.ts under tsx), ready when stdout shows `ready`. */
  static start(args: string[], env: Record<string, string>, label: string, ready: RegExp): Promise<RoleProcess> {
    const p = new RoleProcess(spawn(process.execPath, ['--import', TSX, MAIN, ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] }), label);
    return p.waitFor(ready, 60_000).then(() => p);
  }

  /** The real gateway role with the line-protocol stand-in for an adapter (gateway-entry.ts). */
  static gateway(env: Record<string, string>, label = 'gateway'): Promise<RoleProcess> {
    const p = new RoleProcess(spawn(process.execPath, ['--import', TSX, GATEWAY], { cwd: ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] }), label);
    return p.waitFor(/^\{"ready":true/).then(() => p);
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  waitFor(pattern: RegExp, timeoutMs = 30_000): Promise<string> {
    const seen = this.lines.find((l) => pattern.test(l));
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.label}: no line matching ${pattern} within ${timeoutMs} ms; stderr: ${this.stderr.slice(-5).join(' | ')}`)), timeoutMs);
      const listener = (line: string) => {
        if (!pattern.test(line)) return;
        clearTimeout(timer);
        this.listeners.splice(this.listeners.indexOf(listener), 1);
        resolve(line);
      };
      this.listeners.push(listener);
      this.child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`${this.label} exited (${code}) before ${pattern}; stderr: ${this.stderr.slice(-5).join(' | ')}`));
      });
    });
  }

  /** Sends a request to a gateway and waits for its answer. */
  request<T = unknown>(op: string, args: Record<string, unknown> = {}): Promise<T> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.answers.set(id, (a) => (a.error ? reject(new Error(`${this.label}: ${a.error}`)) : resolve(a.result as T)));
      this.child.stdin!.write(`${JSON.stringify({ id, op, ...args })}\n`);
    });
  }

  /** Sends without waiting (the gateway may be killed before it answers). */
  fire(op: string, args: Record<string, unknown> = {}): Promise<unknown> {
    return this.request(op, args).catch((err: unknown) => err);
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill(signal);
    await this.exited;
  }

  /** SIGTERM, then SIGKILL if it does not stop within `graceMs`. */
  async stop(graceMs = 5_000): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGTERM');
    const stopped = await Promise.race([this.exited.then(() => true), sleep(graceMs).then(() => false)]);
    if (!stopped) await this.kill('SIGKILL');
  }
}

/** Polls `check` until it returns something other than undefined/false, or fails after `timeoutMs`. */
export async function eventually<T>(what: string, check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}
