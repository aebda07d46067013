import { randomBytes } from 'node:crypto';
import { ApiError } from './args.js';
import type { Identity } from './directory.js';
import { triggerIssuedAt } from './triggers.js';
import type { ViewMethod, ViewRecord } from './types.js';

// Modals and home tabs. Slack keeps each view under an id with a hash that changes on every
// update; a trigger_id opens at most one view and only for a few seconds. Every operation is
// recorded in order, so a test sees the modal as opened and then as updated.

/** Slack's maximum stack of modals pushed on top of each other. */
const MAX_STACK = 3;

export class ViewStore {
  private readonly current = new Map<string, Record<string, any>>();
  private readonly history: ViewRecord[] = [];
  private readonly exchanged = new Set<string>();
  private readonly homeByUser = new Map<string, string>();
  private count = 0;

  constructor(
    private readonly identity: Identity,
    private readonly triggerTtlMs: number,
    private readonly onChange: () => void,
  ) {}

  open(triggerId: string, view: Record<string, any>): Record<string, any> {
    this.exchange(triggerId);
    const stored = this.store(this.newId(), view, { root: undefined, previous: null });
    return this.record('views.open', stored, { trigger_id: triggerId });
  }

  push(triggerId: string, view: Record<string, any>): Record<string, any> {
    this.exchange(triggerId);
    // The fake cannot tell which modal the trigger came from; the newest open modal is the one a
    // person would be looking at.
    const top = [...this.history].reverse().find((r) => r.view.type === 'modal');
    if (!top) throw new ApiError('not_found', { detail: 'no open modal to push onto' });
    const depth = this.history.filter((r) => r.method !== 'views.update' && r.view.root_view_id === top.view.root_view_id).length;
    if (depth >= MAX_STACK) throw new ApiError('push_limit_reached');
    const stored = this.store(this.newId(), view, { root: top.view.root_view_id, previous: top.id });
    return this.record('views.push', stored, { trigger_id: triggerId });
  }

  update(ref: { viewId?: string; externalId?: string; hash?: string }, view: Record<string, any>): Record<string, any> {
    const id = ref.viewId ?? this.findByExternalId(ref.externalId);
    const existing = id === undefined ? undefined : this.current.get(id);
    if (!existing || id === undefined) throw new ApiError('not_found');
    // Slack refuses an update whose hash is stale: two handlers raced on the same modal.
    if (ref.hash !== undefined && ref.hash !== existing.hash) throw new ApiError('hash_conflict');
    const stored = this.store(id, view, { root: existing.root_view_id, previous: existing.previous_view_id });
    return this.record('views.update', stored, {});
  }

  publish(userId: string, view: Record<string, any>): Record<string, any> {
    const id = this.homeByUser.get(userId) ?? this.newId();
    this.homeByUser.set(userId, id);
    const stored = this.store(id, view, { root: undefined, previous: null });
    return this.record('views.publish', stored, { user_id: userId });
  }

  list(): ViewRecord[] {
    return structuredClone(this.history);
  }

  private exchange(triggerId: string): void {
    if (this.exchanged.has(triggerId)) throw new ApiError('exchanged_trigger_id');
    const issuedAt = triggerIssuedAt(triggerId);
    if (issuedAt !== undefined && this.triggerTtlMs > 0 && Date.now() - issuedAt > this.triggerTtlMs) {
      throw new ApiError('expired_trigger_id');
    }
    this.exchanged.add(triggerId);
  }

  private store(id: string, view: Record<string, any>, links: { root: string | undefined; previous: string | null }): Record<string, any> {
    const stored: Record<string, any> = {
      id,
      team_id: this.identity.teamId,
      type: view.type,
      private_metadata: '',
      callback_id: '',
      external_id: '',
      clear_on_close: false,
      notify_on_close: false,
      ...structuredClone(view),
      state: { values: {} },
      hash: `${Math.floor(Date.now() / 1000)}.${randomBytes(4).toString('hex')}`,
      previous_view_id: links.previous,
      root_view_id: links.root ?? id,
      app_id: this.identity.appId,
      app_installed_team_id: this.identity.teamId,
      bot_id: this.identity.botId,
    };
    this.current.set(id, stored);
    return stored;
  }

  private record(method: ViewMethod, view: Record<string, any>, extra: { trigger_id?: string; user_id?: string }): Record<string, any> {
    this.history.push({ id: view.id as string, method, ...extra, view: structuredClone(view) });
    this.onChange();
    return structuredClone(view);
  }

  private findByExternalId(externalId: string | undefined): string | undefined {
    if (externalId === undefined) return undefined;
    for (const [id, v] of this.current) if (v.external_id === externalId) return id;
    return undefined;
  }

  private newId(): string {
    return `V${String(++this.count).padStart(4, '0')}`;
  }
}
