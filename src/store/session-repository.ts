import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Clock } from '../clock.js';
import type { KvStore } from './kv.js';

/** A workspace the signed-in person may open, and how far: moderators read and decide, admins also change settings. */
export const sessionWorkspaceSchema = z.object({
  id: z.string().min(1),
  name: z.string(),
  platform: z.enum(['discord', 'slack']),
  admin: z.boolean(),
});
export type SessionWorkspace = z.infer<typeof sessionWorkspaceSchema>;

export const sessionSchema = z.object({
  userId: z.string().min(1),
  name: z.string(),
  platform: z.enum(['discord', 'slack']),
  workspaces: z.array(sessionWorkspaceSchema),
  /** The token every state-changing form and request must carry (synchroniser-token CSRF defence). */
  csrf: z.string().min(16),
  createdAt: z.number().int(),
  expiresAt: z.number().int(),
});
export type Session = z.infer<typeof sessionSchema>;

/** An OAuth round trip in flight: the state and PKCE verifier the callback must match. */
export const pendingSignInSchema = z.object({ platform: z.enum(['discord', 'slack']), verifier: z.string(), returnTo: z.string() });
export type PendingSignIn = z.infer<typeof pendingSignInSchema>;

const part = (s: string) => encodeURIComponent(s);
/** Only a hash of the cookie's token is stored, so a copy of the store signs nobody in. */
const digest = (token: string) => createHash('sha256').update(token).digest('base64url');
const sessionKey = (token: string) => `dash-session:${digest(token)}`;
const userSessionsKey = (platform: string, userId: string) => `dash-user-sessions:${part(platform)}:${part(userId)}`;
const pendingKey = (state: string) => `dash-oauth:${digest(state)}`;
const PENDING_TTL_MS = 10 * 60_000;

export function newSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/**
 * Dashboard sign-ins, kept server-side with a TTL: the browser holds only an opaque token, and
 * deleting the record (sign-out, or revoking all of a person's sessions) ends it at once.
 */
export class SessionRepository {
  constructor(
    private readonly kv: KvStore,
    private readonly clock: Clock,
    private readonly ttlMs: number,
  ) {}

  async create(input: Omit<Session, 'csrf' | 'createdAt' | 'expiresAt'>): Promise<{ token: string; session: Session }> {
    const token = newSecret();
    const now = this.clock.now();
    const session: Session = { ...input, csrf: newSecret(), createdAt: now, expiresAt: now + this.ttlMs };
    await this.kv.set(sessionKey(token), session, this.ttlMs);
    const listKey = userSessionsKey(input.platform, input.userId);
    await this.kv.withLock(listKey, async () => {
      const tokens = ((await this.kv.get<string[]>(listKey)) ?? []).slice(-19);
      await this.kv.set(listKey, [...tokens, digest(token)], this.ttlMs);
    });
    return { token, session };
  }

  async get(token: string | undefined): Promise<Session | null> {
    if (!token || token.length > 100) return null;
    const parsed = sessionSchema.safeParse(await this.kv.get(sessionKey(token)));
    if (!parsed.success || parsed.data.expiresAt <= this.clock.now()) return null;
    return parsed.data;
  }

  async revoke(token: string): Promise<boolean> {
    return this.kv.delete(sessionKey(token));
  }

  /** Ends every session of one person (e.g. after their moderator rights were taken away). */
  async revokeAll(platform: string, userId: string): Promise<number> {
    const listKey = userSessionsKey(platform, userId);
    const hashes = (await this.kv.get<string[]>(listKey)) ?? [];
    let n = 0;
    for (const h of hashes) if (await this.kv.delete(`dash-session:${h}`)) n++;
    await this.kv.delete(listKey);
    return n;
  }

  async savePending(state: string, pending: PendingSignIn): Promise<void> {
    await this.kv.set(pendingKey(state), pending, PENDING_TTL_MS);
  }

  /** The pending sign-in for this state, once: a replayed callback finds nothing. */
  async takePending(state: string): Promise<PendingSignIn | null> {
    const key = pendingKey(state);
    const parsed = pendingSignInSchema.safeParse(await this.kv.get(key));
    await this.kv.delete(key);
    return parsed.success ? parsed.data : null;
  }
}
