import { LRUCache } from 'lru-cache';
import type { SessionWorkspace } from '../../src/store/session-repository.js';
import type { SettingsRepository } from '../../src/store/settings-repository.js';

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
    options?: { cause?: unknown; platformCode?: string },
  ) {
    super(message, options);
    this.name = 'SignInError';
    this.platformCode = options?.platformCode;
  }

  /** The platform's own code for a failed call (Slack's `error`), for "not found" checks and logs. */
  readonly platformCode: string | undefined;
}

/** What each platform's sign-in needs: the OAuth app, the bot's own access and the settings its rights read. */
export interface SignInOptions {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  botToken: string;
  /** The platform's API base (a proxy, GovSlack, or the fake in tests). */
  apiUrl: string;
  settings: SettingsRepository;
  now: () => number;
}

/** How many directory answers a cache keeps; the least recently used go first. */
const MAX_ENTRIES = 1000;

/**
 * A short-lived cache of directory answers (channel lists change rarely; rights are read at
 * sign-in), on lru-cache: a lookup already in flight for a key is joined, not repeated. Answers
 * may be null ("not a member"), which lru-cache cannot hold, so each is kept in a box.
 */
export class TtlCache<T> {
  readonly #cache: LRUCache<string, { value: T }, () => Promise<T>>;

  constructor(ttlMs: number, now: () => number) {
    this.#cache = new LRUCache<string, { value: T }, () => Promise<T>>({
      max: MAX_ENTRIES,
      ttl: ttlMs,
      // TTLs follow the injected clock (tests advance it); +1 because lru-cache reads a start time
      // of 0 as "no start". ttlResolution 0: no timers.
      perf: { now: () => now() + 1 },
      ttlResolution: 0,
      fetchMethod: async (_key, _stale, { context }) => ({ value: await context() }),
    });
  }

  /** The cached answer, or `load`'s (which a failure leaves uncached). */
  async get(key: string, load: () => Promise<T>): Promise<T> {
    const boxed = await this.#cache.fetch(key, { context: load });
    return (boxed as { value: T }).value;
  }
}
