// The gateway side: HELLO, IDENTIFY → READY + GUILD_CREATE, heartbeats, RESUME with replay, and
// dispatches with increasing `s`. Every dispatch goes into its session's log whether or not a
// socket is connected, so whatever happens while the client is away is replayed on RESUME —
// exactly once, because the client names the last `s` it processed.

import { randomBytes } from 'node:crypto';
import type { WebSocket } from 'ws';
import type { Changes } from './changes.js';

export const Op = {
  Dispatch: 0,
  Heartbeat: 1,
  Identify: 2,
  PresenceUpdate: 3,
  VoiceStateUpdate: 4,
  Resume: 6,
  Reconnect: 7,
  RequestGuildMembers: 8,
  InvalidSession: 9,
  Hello: 10,
  HeartbeatAck: 11,
  RequestSoundboardSounds: 31,
} as const;

export const Intent = {
  Guilds: 1 << 0,
  GuildMembers: 1 << 1,
  GuildPresences: 1 << 8,
  GuildMessages: 1 << 9,
  DirectMessages: 1 << 12,
  MessageContent: 1 << 15,
} as const;

export const PRIVILEGED_INTENTS = Intent.GuildMembers | Intent.GuildPresences | Intent.MessageContent;

/** Codes after which Discord will not accept a RESUME of the closed session. */
const SESSION_ENDING_CODES = new Set([1000, 4004, 4007, 4009, 4010, 4011, 4012, 4013, 4014]);

export interface SessionView {
  id: string;
  intents: number;
  shard: [number, number];
}

interface Session extends SessionView {
  seq: number;
  log: Array<{ s: number; t: string; d: unknown }>;
  socket: WebSocket | null;
  resumable: boolean;
}

export interface GatewayDeps {
  heartbeatIntervalMs: number;
  token?: string;
  privilegedIntents: number;
  changes: Changes;
  resumeUrl: () => string;
  /** READY's `d` minus the per-session fields the gateway fills in. */
  readyBase: () => Record<string, unknown>;
  guildIds: () => string[];
  guildCreate: (guildId: string) => Record<string, unknown>;
  /** GUILD_MEMBERS_CHUNK `d` for an op 8 request, or undefined for an unknown guild. */
  membersChunk: (request: Record<string, unknown>, intents: number) => Record<string, unknown> | undefined;
}

/** Which shard of `count` receives a guild's events (Discord's formula). */
export function shardOf(guildId: string, count: number): number {
  return Number((BigInt(guildId) >> 22n) % BigInt(count));
}

export type PerSession = (session: SessionView) => unknown;

export class Gateway {
  private readonly sessions = new Map<string, Session>();
  private readonly sockets = new Set<WebSocket>();
  private identifies = 0;
  private resumes = 0;

  constructor(private readonly deps: GatewayDeps) {}

  identifyCount(): number {
    return this.identifies;
  }

  resumeCount(): number {
    return this.resumes;
  }

  connectedCount(): number {
    return this.sockets.size;
  }

  accept(ws: WebSocket): void {
    this.sockets.add(ws);
    let session: Session | undefined;
    this.send(ws, { op: Op.Hello, d: { heartbeat_interval: this.deps.heartbeatIntervalMs, _trace: ['["normguard-fake-gateway",{"micros":0}]'] } });

    ws.on('message', (raw) => {
      let payload: { op?: unknown; d?: unknown };
      try {
        payload = JSON.parse(raw.toString()) as { op?: unknown; d?: unknown };
      } catch {
        ws.close(4002, 'Error while decoding payload.');
        return;
      }
      const d = (payload.d ?? {}) as Record<string, unknown>;
      switch (payload.op) {
        case Op.Heartbeat:
          this.send(ws, { op: Op.HeartbeatAck });
          return;
        case Op.Identify:
          if (session) return ws.close(4005, 'Already authenticated.');
          session = this.identify(ws, d);
          return;
        case Op.Resume:
          if (session) return ws.close(4005, 'Already authenticated.');
          session = this.resume(ws, d);
          return;
        case Op.RequestGuildMembers: {
          if (!session) return ws.close(4003, 'Not authenticated.');
          const chunk = this.deps.membersChunk(d, session.intents);
          if (chunk) void this.deliver(session, 'GUILD_MEMBERS_CHUNK', chunk);
          return;
        }
        case Op.PresenceUpdate:
        case Op.VoiceStateUpdate:
        case Op.RequestSoundboardSounds:
          if (!session) ws.close(4003, 'Not authenticated.');
          return;
        default:
          ws.close(4001, 'Unknown opcode.');
      }
    });

    ws.on('close', (code) => {
      this.sockets.delete(ws);
      if (session && session.socket === ws) {
        session.socket = null;
        // A client closing with 1000/1001 ends its session on Discord; other codes keep it resumable.
        if (code === 1000 || code === 1001) session.resumable = false;
      }
      this.deps.changes.notify();
    });
  }

  private identify(ws: WebSocket, d: Record<string, unknown>): Session | undefined {
    this.identifies += 1;
    if (this.deps.token !== undefined && d.token !== this.deps.token) {
      ws.close(4004, 'Authentication failed.');
      return undefined;
    }
    if (typeof d.intents !== 'number') {
      ws.close(4013, 'Invalid intent(s).');
      return undefined;
    }
    if (d.intents & PRIVILEGED_INTENTS & ~this.deps.privilegedIntents) {
      ws.close(4014, 'Disallowed intent(s).');
      return undefined;
    }
    const shard = Array.isArray(d.shard) && d.shard.length === 2 ? (d.shard as [number, number]) : ([0, 1] as [number, number]);
    if (!(shard[1] >= 1 && shard[0] >= 0 && shard[0] < shard[1])) {
      ws.close(4010, 'Invalid shard.');
      return undefined;
    }
    const session: Session = {
      id: randomBytes(16).toString('hex'),
      intents: d.intents,
      shard,
      seq: 0,
      log: [],
      socket: ws,
      resumable: true,
    };
    this.sessions.set(session.id, session);
    const guildIds = this.deps.guildIds().filter((id) => shardOf(id, shard[1]) === shard[0]);
    void this.deliver(session, 'READY', {
      ...this.deps.readyBase(),
      v: 10,
      session_id: session.id,
      session_type: 'normal',
      resume_gateway_url: this.deps.resumeUrl(),
      shard,
      guilds: guildIds.map((id) => ({ id, unavailable: true })),
    });
    for (const id of guildIds) void this.deliver(session, 'GUILD_CREATE', this.deps.guildCreate(id));
    this.deps.changes.notify();
    return session;
  }

  private resume(ws: WebSocket, d: Record<string, unknown>): Session | undefined {
    this.resumes += 1;
    const session = typeof d.session_id === 'string' ? this.sessions.get(d.session_id) : undefined;
    const tokenOk = this.deps.token === undefined || d.token === this.deps.token;
    if (!session || !session.resumable || !tokenOk) {
      // d:false tells the client to start over with a fresh IDENTIFY.
      this.send(ws, { op: Op.InvalidSession, d: false });
      this.deps.changes.notify();
      return undefined;
    }
    if (session.socket && session.socket !== ws) session.socket.close(4000, 'Session resumed elsewhere.');
    session.socket = ws;
    const after = typeof d.seq === 'number' ? d.seq : 0;
    for (const entry of session.log) {
      if (entry.s > after) this.send(ws, { op: Op.Dispatch, t: entry.t, s: entry.s, d: entry.d });
    }
    void this.deliver(session, 'RESUMED', { _trace: [] });
    this.deps.changes.notify();
    return session;
  }

  /**
   * Sends an event to every live session that should see it: the shard owning `guildId` (DMs go
   * to shard 0), and only if `build` returns a payload for that session (it returns undefined
   * when the session's intents exclude the event). Resolves once the frames are written.
   */
  dispatch(t: string, build: PerSession, route: { guildId?: string } = {}): Promise<void> {
    const sends: Array<Promise<void>> = [];
    for (const session of this.sessions.values()) {
      if (!session.resumable) continue;
      const [id, count] = session.shard;
      const owner = route.guildId ? shardOf(route.guildId, count) : 0;
      if (owner !== id) continue;
      const d = build(session);
      if (d === undefined) continue;
      sends.push(this.deliver(session, t, d));
    }
    return Promise.all(sends).then(() => undefined);
  }

  private deliver(session: Session, t: string, d: unknown): Promise<void> {
    session.seq += 1;
    const entry = { s: session.seq, t, d };
    session.log.push(entry);
    const ws = session.socket;
    if (!ws || ws.readyState !== ws.OPEN) return Promise.resolve();
    return this.send(ws, { op: Op.Dispatch, t, s: entry.s, d });
  }

  private send(ws: WebSocket, payload: unknown): Promise<void> {
    if (ws.readyState !== ws.OPEN) return Promise.resolve();
    return new Promise((resolve) => ws.send(JSON.stringify(payload), () => resolve()));
  }

  /** Drops every socket with `code`; sessions stay resumable unless the code ends them on Discord. */
  disconnect(code: number): void {
    for (const session of this.sessions.values()) {
      session.socket = null;
      if (SESSION_ENDING_CODES.has(code)) session.resumable = false;
    }
    for (const ws of this.sockets) ws.close(code, 'Disconnected by the fake.');
    this.deps.changes.notify();
  }

  terminateAll(): void {
    for (const ws of this.sockets) ws.terminate();
    this.sockets.clear();
  }
}
