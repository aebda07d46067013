// Reading what the bot answered to an interaction, the way the invoking person would see it:
// a deferral is not an answer yet, so waiting for a reply waits past it to the @original edit.

import type { FakeContext } from './context.js';
import { CallbackType, type InteractionRec } from './interactions.js';
import type { InteractionView, ReplyWaitOptions } from './types.js';

/** How long a reply must stay unchanged before a `final` wait takes it as finished. */
const DEFAULT_QUIET_MS = 150;

export class Replies {
  constructor(
    private readonly ctx: FakeContext,
    private readonly recentRest: () => string,
  ) {}

  private rec(id: string): InteractionRec {
    const rec = this.ctx.interactions.get(id);
    if (!rec) throw new Error(`fake Discord: no interaction ${id} was sent`);
    return rec;
  }

  private render(id: string | undefined): any | null {
    const stored = id ? this.ctx.messages.get(id) : undefined;
    return stored && !stored.deleted ? this.ctx.messages.render(stored) : null;
  }

  view(id: string): InteractionView {
    const rec = this.rec(id);
    return {
      id: rec.id,
      token: rec.token,
      type: rec.type,
      callbacks: rec.callbacks.map((cb) => ({ type: cb.type, data: structuredClone(cb.data) })),
      original: this.render(rec.originalId),
      followups: rec.followupIds.map((f) => this.render(f)).filter((m) => m !== null),
    };
  }

  /** The first thing the person sees, or undefined while there is nothing (or only "thinking…"). */
  private firstVisible(rec: InteractionRec): any | undefined {
    const cb = rec.callbacks[0];
    if (!cb) return undefined;
    if (cb.type === CallbackType.DeferredChannelMessage || cb.type === CallbackType.DeferredUpdateMessage) {
      if (rec.originalEdits > 0) return this.render(rec.originalId);
      if (rec.followupIds.length > 0) return this.render(rec.followupIds[0]);
      return undefined;
    }
    return structuredClone(cb.data);
  }

  /** The reply as it stands now: the message with every edit applied (a modal is its data). */
  private latest(rec: InteractionRec): any {
    const cb = rec.callbacks[0];
    if (!cb || cb.type === CallbackType.Modal || rec.originalId === undefined) return cb ? structuredClone(cb.data) : undefined;
    if ((cb.type === CallbackType.DeferredChannelMessage || cb.type === CallbackType.DeferredUpdateMessage) && rec.originalEdits === 0 && rec.followupIds.length > 0) {
      return this.render(rec.followupIds.at(-1));
    }
    return this.render(rec.originalId);
  }

  async waitForReply(id: string, opts: ReplyWaitOptions = {}): Promise<any> {
    const timeoutMs = opts.timeoutMs ?? 10_000;
    const deadline = Date.now() + timeoutMs;
    const rec = this.rec(id);
    const failure = (what: string) => () => {
      const types = rec.callbacks.map((c) => c.type).join(', ') || 'none';
      const latest = rec.callbacks.length ? JSON.stringify(this.latest(rec))?.slice(0, 300) : 'none';
      return new Error(
        `fake Discord: interaction ${id} got no ${what} within ${timeoutMs} ms ` +
          `(callbacks: ${types}; @original edits: ${rec.originalEdits}; follow-ups: ${rec.followupIds.length}; latest: ${latest}).\nRecent REST calls:\n${this.recentRest()}`,
      );
    };
    if (opts.until) {
      const until = opts.until;
      const hit = await this.ctx.changes.until(
        () => {
          if (this.firstVisible(rec) === undefined) return undefined;
          const value = this.latest(rec);
          return until(value) ? { value } : undefined;
        },
        timeoutMs,
        failure('reply matching `until`'),
      );
      return hit.value;
    }
    const first = await this.ctx.changes.until(
      () => {
        const value = this.firstVisible(rec);
        return value === undefined ? undefined : { value };
      },
      timeoutMs,
      failure('visible reply'),
    );
    if (!opts.final) return first.value;
    const quietMs = opts.quietMs ?? DEFAULT_QUIET_MS;
    for (;;) {
      const quietFor = this.ctx.now() - rec.lastChangeAt;
      const left = deadline - Date.now();
      if (quietFor >= quietMs || left <= 0) return this.latest(rec);
      await new Promise((r) => setTimeout(r, Math.min(quietMs - quietFor, left)));
    }
  }
}
