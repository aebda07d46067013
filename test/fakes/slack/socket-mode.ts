import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { EnvelopeType, FakeSocketMode, SendEnvelopeOptions } from './types.js';
import type { Notifier } from './waiting.js';

// Slack's side of Socket Mode: apps.connections.open hands out a single-use ws:// URL; on
// connect the server says {type:'hello'}; each event goes out as an envelope with an
// envelope_id, and the app acks by sending {envelope_id, payload} back on the socket.

export const SOCKET_PATH = '/socket';

interface PendingAck {
  resolve: (payload: unknown) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

export class SocketModeServer implements FakeSocketMode {
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly tickets = new Set<string>();
  /** Sockets that have been sent hello, newest last. */
  private readonly sockets: WebSocket[] = [];
  private readonly pending = new Map<string, PendingAck>();

  constructor(
    private readonly appId: string,
    private readonly changes: Notifier,
  ) {}

  /** A fresh URL for apps.connections.open; each may be used for one connection. */
  issueUrl(baseWsUrl: string): string {
    const ticket = randomBytes(8).toString('hex');
    this.tickets.add(ticket);
    return `${baseWsUrl}${SOCKET_PATH}?ticket=${ticket}&app_id=${this.appId}`;
  }

  /** Takes over an HTTP upgrade on SOCKET_PATH; refuses unknown or reused tickets. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://fake');
    const ticket = url.searchParams.get('ticket') ?? '';
    if (url.pathname !== SOCKET_PATH || !this.tickets.delete(ticket)) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws));
  }

  private accept(ws: WebSocket): void {
    ws.on('message', (data, isBinary) => {
      if (!isBinary) this.onAck(data.toString());
    });
    ws.on('close', () => {
      const i = this.sockets.indexOf(ws);
      if (i >= 0) this.sockets.splice(i, 1);
      this.changes.notify();
    });
    ws.on('error', () => ws.terminate());
    ws.send(
      JSON.stringify({
        type: 'hello',
        num_connections: this.sockets.length + 1,
        debug_info: { host: 'fake-slack', approximate_connection_time: 18060 },
        connection_info: { app_id: this.appId },
      }),
    );
    this.sockets.push(ws);
    this.changes.notify();
  }

  private onAck(text: string): void {
    let message: { envelope_id?: unknown; payload?: unknown };
    try {
      message = JSON.parse(text) as typeof message;
    } catch {
      return;
    }
    if (typeof message.envelope_id !== 'string') return;
    const pending = this.pending.get(message.envelope_id);
    if (!pending) return;
    this.pending.delete(message.envelope_id);
    clearTimeout(pending.timer);
    pending.resolve(message.payload ?? {});
  }

  sendEnvelope(type: EnvelopeType, payload: unknown, opts: SendEnvelopeOptions = {}): Promise<unknown> {
    const ws = this.sockets.at(-1);
    if (!ws || ws.readyState !== ws.OPEN) return Promise.reject(new Error('no Socket Mode client is connected'));
    const envelopeId = randomUUID();
    const timeoutMs = opts.timeoutMs ?? 10_000;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(envelopeId);
        reject(new Error(`the app did not ack ${type} envelope ${envelopeId} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(envelopeId, { resolve, reject, timer });
      ws.send(
        JSON.stringify({
          envelope_id: envelopeId,
          type,
          payload,
          // Only interactive and command acks may carry a body (e.g. response_action errors).
          accepts_response_payload: type !== 'events_api',
          ...(type === 'events_api' ? { retry_attempt: opts.retryAttempt ?? 0, retry_reason: opts.retryReason ?? '' } : {}),
        }),
      );
    });
  }

  connected(): boolean {
    return this.sockets.some((ws) => ws.readyState === ws.OPEN);
  }

  waitForConnection(opts: { timeoutMs?: number } = {}): Promise<void> {
    const timeoutMs = opts.timeoutMs ?? 10_000;
    return this.changes.waitUntil(() => this.connected() || undefined, timeoutMs, () => 'no Socket Mode client connected').then(() => undefined);
  }

  waitForDisconnect(opts: { timeoutMs?: number } = {}): Promise<void> {
    const timeoutMs = opts.timeoutMs ?? 10_000;
    return this.changes
      .waitUntil(() => this.sockets.length === 0 || undefined, timeoutMs, () => `${this.sockets.length} Socket Mode client(s) still connected`)
      .then(() => undefined);
  }

  close(): void {
    for (const [id, pending] of this.pending) {
      clearTimeout(pending.timer);
      pending.reject(new Error(`fake Slack closed before envelope ${id} was acked`));
    }
    this.pending.clear();
    for (const ws of this.sockets.splice(0)) ws.terminate();
    this.wss.close();
  }
}
