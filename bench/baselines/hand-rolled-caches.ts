/**
 * The hand-rolled LRU/TTL maps normguard used before lru-cache (src/moderation/repeat-cache.ts,
 * conversation-buffer.ts and the settings cache in src/store/settings-repository.ts, as of commit
 * 1ae3ba2), cut down to the paths the caches bench times. Kept only as that bench's baseline.
 */
import type { Assessment } from '../../src/assessment/types.js';
import type { BufferedMessage } from '../../src/moderation/conversation-buffer.js';

export class HandRolledRepeatCache {
  readonly #entries = new Map<string, { assessment: Assessment; expiresAt: number }>();
  constructor(private readonly options: { ttlMs: number; maxEntries: number; now: () => number }) {}

  get(key: string): Assessment | null {
    const entry = this.#entries.get(key);
    if (entry === undefined) return null;
    if (this.options.now() >= entry.expiresAt) {
      this.#entries.delete(key);
      return null;
    }
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    return { ...entry.assessment, cached: true };
  }

  set(key: string, assessment: Assessment): void {
    if (assessment.raw !== undefined || assessment.verdict === 'unclear') return;
    const { cached: _cached, ...verdict } = assessment;
    this.#entries.delete(key);
    this.#entries.set(key, { assessment: { ...verdict, text: '' }, expiresAt: this.options.now() + this.options.ttlMs });
    if (this.#entries.size > this.options.maxEntries) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
  }
}

export class HandRolledConversationBuffer {
  readonly #channels = new Map<string, BufferedMessage[]>();
  constructor(private readonly options: { perChannel: number; maxChannels: number }) {}

  push(key: string, msg: BufferedMessage): void {
    const list = this.#channels.get(key) ?? [];
    this.#channels.delete(key);
    if (!list.some((m) => m.messageId === msg.messageId)) {
      list.push(msg);
      if (list.length > this.options.perChannel) list.splice(0, list.length - this.options.perChannel);
    }
    this.#channels.set(key, list);
    if (this.#channels.size > this.options.maxChannels) {
      const oldest = this.#channels.keys().next().value;
      if (oldest !== undefined) this.#channels.delete(oldest);
    }
  }

  before(key: string, messageId: string, limit: number): BufferedMessage[] {
    const list = this.#channels.get(key) ?? [];
    const at = list.findIndex((m) => m.messageId === messageId);
    const upto = at >= 0 ? at : list.length;
    return list.slice(Math.max(0, upto - limit), upto);
  }
}

export class HandRolledSettingsCache<V> {
  readonly #cache = new Map<string, { at: number; value: V }>();
  constructor(private readonly options: { ttlMs: number; now: () => number }) {}

  get(key: string): V | undefined {
    const hit = this.#cache.get(key);
    if (!hit) return undefined;
    if (this.options.now() - hit.at > this.options.ttlMs) return undefined;
    return hit.value;
  }

  set(key: string, value: V): void {
    this.#cache.set(key, { at: this.options.now(), value });
    if (this.#cache.size > 10_000) this.#cache.delete(this.#cache.keys().next().value as string);
  }
}
