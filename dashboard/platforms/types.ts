import type { SessionWorkspace } from '../../src/store/session-repository.js';

/** Who signed in, and the workspaces they may open (moderator or admin there), as the platform and the bot's settings say. */
export interface SignedIn {
  userId: string;
  name: string;
  workspaces: SessionWorkspace[];
}

/**
 * One platform's sign-in and directory, as the dashboard needs them. The OAuth round trip uses a
 * maintained client (arctic); rights come from the same preconditions the bot applies in chat.
 */
export interface SignInProvider {
  platform: 'discord' | 'slack';
  label: string;
  /** Where to send the browser; `verifier` is the PKCE secret kept server-side for the callback. */
  authorizationUrl(state: string, verifier: string): URL;
  complete(code: string, verifier: string): Promise<SignedIn>;
  /**
   * What the person may do in one workspace now, read through the bot's own access and judged by
   * the bot's preconditions; null when they are not a member (or the bot is not there).
   */
  rights(workspaceId: string, userId: string): Promise<Rights | null>;
  /**
   * The workspace's text channels, for names and the settings form. `known` are ids the caller
   * has seen (in cases and settings): platforms that cannot list channels name at least those.
   */
  channels(workspaceId: string, known: readonly string[]): Promise<Array<{ id: string; name: string }>>;
}

export interface Rights {
  moderator: boolean;
  admin: boolean;
}

export class SignInError extends Error {
  constructor(
    readonly reason: 'failed' | 'no-rights',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'SignInError';
  }
}

/** A short-lived cache of directory answers (channel lists change rarely; rights are read at sign-in). */
export class TtlCache<T> {
  private readonly entries = new Map<string, { at: number; value: T }>();
  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number,
  ) {}

  async get(key: string, load: () => Promise<T>): Promise<T> {
    const hit = this.entries.get(key);
    if (hit && this.now() - hit.at < this.ttlMs) return hit.value;
    const value = await load();
    this.entries.set(key, { at: this.now(), value });
    if (this.entries.size > 1000) this.entries.delete(this.entries.keys().next().value as string);
    return value;
  }
}
