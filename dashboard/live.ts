import type { ReviewCase } from '../src/store/case.js';

export interface CaseChange {
  id: string;
  status: ReviewCase['status'];
  updatedAt: number;
  kind: 'opened' | 'changed';
}

type Listener = (change: CaseChange) => void;

interface Watch {
  listeners: Set<Listener>;
  seen: Map<string, number> | null;
  timer: NodeJS.Timeout | null;
  polling: boolean;
}

/**
 * Tells open dashboards when a workspace's cases arrive or change, wherever the change happened
 * (a button in chat, another moderator's dashboard, another process on the same store): while
 * anyone listens, the workspace's newest cases are read every `intervalMs` and compared.
 */
export class CaseFeed {
  private readonly watches = new Map<string, Watch>();

  constructor(
    private readonly list: (workspaceId: string) => Promise<ReviewCase[]>,
    private readonly intervalMs = 1000,
    private readonly onError: (err: unknown) => void = () => undefined,
  ) {}

  subscribe(workspaceId: string, listener: Listener): () => void {
    let w = this.watches.get(workspaceId);
    if (!w) {
      w = { listeners: new Set(), seen: null, timer: null, polling: false };
      this.watches.set(workspaceId, w);
      this.schedule(workspaceId, w, 0);
    }
    w.listeners.add(listener);
    return () => {
      w.listeners.delete(listener);
      if (w.listeners.size === 0) {
        if (w.timer) clearTimeout(w.timer);
        this.watches.delete(workspaceId);
      }
    };
  }

  /** Look now rather than at the next tick (after a decision taken here). */
  poke(workspaceId: string): void {
    const w = this.watches.get(workspaceId);
    if (w) this.schedule(workspaceId, w, 0);
  }

  close(): void {
    for (const w of this.watches.values()) if (w.timer) clearTimeout(w.timer);
    this.watches.clear();
  }

  private schedule(workspaceId: string, w: Watch, delay: number): void {
    if (w.timer) clearTimeout(w.timer);
    w.timer = setTimeout(() => void this.poll(workspaceId, w), delay);
    w.timer.unref();
  }

  private async poll(workspaceId: string, w: Watch): Promise<void> {
    if (w.polling || this.watches.get(workspaceId) !== w) return;
    w.polling = true;
    try {
      const cases = await this.list(workspaceId);
      const first = w.seen === null;
      const seen = new Map(cases.map((c) => [c.id, c.updatedAt]));
      if (!first) {
        for (const c of cases) {
          const before = w.seen!.get(c.id);
          if (before === c.updatedAt) continue;
          const change: CaseChange = { id: c.id, status: c.status, updatedAt: c.updatedAt, kind: before === undefined ? 'opened' : 'changed' };
          for (const l of w.listeners) l(change);
        }
      }
      w.seen = seen;
    } catch (err) {
      this.onError(err);
    } finally {
      w.polling = false;
      if (this.watches.get(workspaceId) === w) this.schedule(workspaceId, w, this.intervalMs);
    }
  }
}
