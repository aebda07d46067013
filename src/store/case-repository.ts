import { z } from 'zod';
import type { Clock } from '../clock.js';
import {
  type CaseCard,
  caseCardSchema,
  type CaseHistoryEntry,
  type CaseStatus,
  newCaseId,
  type NewReviewCase,
  newReviewCaseSchema,
  type ReviewCase,
  reviewCaseSchema,
} from './case.js';
import { keys } from './keys.js';
import type { KvStore } from './kv.js';
import { storeError } from './store-error.js';

/** A moderator's decision on a case. */
export type CaseDecision = 'uphold' | 'dismiss' | 'reopen';

export interface TransitionRequest {
  /** Platform user id of the moderator, or 'normguard'. */
  actor: string;
  action: CaseDecision;
  reason?: string | null;
  /** Decide only if the case is still in this status (what the moderator saw on the card). */
  expectedStatus?: CaseStatus;
}

export type TransitionResult =
  | { ok: true; case: ReviewCase }
  | { ok: false; reason: 'not-found' }
  | { ok: false; reason: 'already-decided' | 'conflict'; case: ReviewCase };

/** History entries that do not change the status; decisions go through `transition`. */
export interface HistoryNote {
  actor: string;
  action: 'rationale' | 'note';
  reason?: string | null;
}

export interface ListOptions {
  status?: CaseStatus;
  /** Only cases created at or after this time (ms). */
  since?: number;
  limit?: number;
}

const DEFAULT_LIST_LIMIT = 50;
/** Cases read per round trip while listing. */
const LIST_BATCH = 25;
const OUTCOME: Record<CaseDecision, { status: CaseStatus; action: CaseHistoryEntry['action'] }> = {
  uphold: { status: 'upheld', action: 'upheld' },
  dismiss: { status: 'dismissed', action: 'dismissed' },
  reopen: { status: 'open', action: 'reopened' },
};
const idListSchema = z.array(z.string());

/**
 * Review cases and their indexes. Every change to a case happens under that case's lock, so two
 * moderators clicking at once produce one decision; index lists change under the workspace's
 * index lock, so concurrent creates lose no id.
 */
export class CaseRepository {
  readonly #kv: KvStore;
  readonly #clock: Clock;

  readonly #closedTtlMs: number | undefined;

  /** `closedCaseTtlMs`: how long a decided case (with no open appeal) is kept; undefined keeps it. */
  constructor(kv: KvStore, clock: Clock, options: { closedCaseTtlMs?: number } = {}) {
    this.#kv = kv;
    this.#clock = clock;
    this.#closedTtlMs = options.closedCaseTtlMs;
  }

  /** Retention: a closed case expires from the store by itself; an open one never does. */
  #ttl(c: ReviewCase): number | undefined {
    const closed = c.status !== 'open' && c.appeal?.status !== 'open';
    return closed ? this.#closedTtlMs : undefined;
  }

  async create(input: NewReviewCase): Promise<ReviewCase> {
    const fields = newReviewCaseSchema.parse(input);
    const now = this.#clock.now();
    let created: ReviewCase | undefined;
    // 50 random bits make a collision unlikely; setIfNotExists makes one harmless.
    for (let attempt = 0; attempt < 5 && created === undefined; attempt++) {
      const candidate: ReviewCase = {
        ...fields,
        id: newCaseId(),
        status: 'open',
        createdAt: now,
        updatedAt: now,
        history: [
          fields.source === 'report'
            ? { at: now, actor: fields.reporterId ?? 'unknown', action: 'reported', reason: fields.reporterNote }
            : { at: now, actor: 'normguard', action: 'opened', reason: null },
        ],
        enforcement: { messageDeleted: false, timeoutUntil: null },
        appeal: null,
      };
      if (await this.#kv.setIfNotExists(keys.case(candidate.id), candidate)) created = candidate;
    }
    if (created === undefined) throw storeError('could not allocate a unique case id');
    // The case is written before it is indexed, so an index never points at a missing case.
    const { id, workspaceId, authorId } = created;
    await this.#kv.withLock(keys.caseIndexLock(workspaceId), async () => {
      await this.#append(keys.workspaceCases(workspaceId), id);
      await this.#append(keys.authorCases(workspaceId, authorId), id);
    });
    return created;
  }

  async get(id: string): Promise<ReviewCase | null> {
    const raw = await this.#kv.get(keys.case(id));
    if (raw === undefined) return null;
    const parsed = reviewCaseSchema.safeParse(raw);
    if (!parsed.success) throw storeError(`stored case ${id} is malformed: ${z.prettifyError(parsed.error)}`);
    return parsed.data;
  }

  /** Uphold, dismiss or reopen. Exactly one of several concurrent decisions on an open case wins. */
  async transition(id: string, request: TransitionRequest): Promise<TransitionResult> {
    return this.#kv.withLock(keys.case(id), async (): Promise<TransitionResult> => {
      const current = await this.get(id);
      if (current === null) return { ok: false, reason: 'not-found' };
      // The loser of two concurrent decisions learns who won ('already-decided' with the winner's
      // case), whether or not it also sent the status it expected.
      if (request.action !== 'reopen' && current.status !== 'open') {
        return { ok: false, reason: 'already-decided', case: current };
      }
      if (request.action === 'reopen' && current.status === 'open') return { ok: false, reason: 'conflict', case: current };
      if (request.expectedStatus !== undefined && current.status !== request.expectedStatus) {
        return { ok: false, reason: 'conflict', case: current };
      }
      const outcome = OUTCOME[request.action];
      const now = this.#clock.now();
      const next: ReviewCase = {
        ...current,
        status: outcome.status,
        updatedAt: now,
        history: [...current.history, { at: now, actor: request.actor, action: outcome.action, reason: request.reason ?? null }],
      };
      await this.#kv.set(keys.case(id), next, this.#ttl(next));
      return { ok: true, case: next };
    });
  }

  /**
   * Runs a pure change under the case's lock: `change` sees the current case and returns the next
   * one (or null to leave it as it is) and a value for the caller. Null when the case is absent.
   */
  async mutate<T>(id: string, change: (c: ReviewCase, now: number) => { next: ReviewCase | null; value: T }): Promise<{ case: ReviewCase; value: T } | null> {
    return this.#kv.withLock(keys.case(id), async () => {
      const current = await this.get(id);
      if (current === null) return null;
      const now = this.#clock.now();
      const { next, value } = change(current, now);
      if (next === null) return { case: current, value };
      const checked = reviewCaseSchema.parse({ ...next, updatedAt: now });
      await this.#kv.set(keys.case(id), checked, this.#ttl(checked));
      return { case: checked, value };
    });
  }

  /** Records where the case card was posted. Null when the case does not exist. */
  async attachCard(id: string, card: CaseCard): Promise<ReviewCase | null> {
    const checked = caseCardSchema.parse(card);
    return this.#update(id, (c) => ({ ...c, card: checked }));
  }

  /** Adds a rationale or a note to the history. Null when the case does not exist. */
  async appendHistory(id: string, entry: HistoryNote): Promise<ReviewCase | null> {
    return this.#update(id, (c, now) => ({
      ...c,
      history: [...c.history, { at: now, actor: entry.actor, action: entry.action, reason: entry.reason ?? null }],
    }));
  }

  /** Cases of a workspace, newest first. */
  async listByWorkspace(workspaceId: string, options: ListOptions = {}): Promise<ReviewCase[]> {
    return this.#list(keys.workspaceCases(workspaceId), options);
  }

  /** An author's cases in a workspace, newest first (for "earlier cases" on a card). */
  async listByAuthor(workspaceId: string, authorId: string, options: { limit?: number } = {}): Promise<ReviewCase[]> {
    return this.#list(keys.authorCases(workspaceId, authorId), options);
  }

  async #update(id: string, change: (c: ReviewCase, now: number) => ReviewCase): Promise<ReviewCase | null> {
    return this.#kv.withLock(keys.case(id), async () => {
      const current = await this.get(id);
      if (current === null) return null;
      const now = this.#clock.now();
      const next = reviewCaseSchema.parse({ ...change(current, now), updatedAt: now });
      await this.#kv.set(keys.case(id), next, this.#ttl(next));
      return next;
    });
  }

  /** Call only under the index lock. */
  async #append(indexKey: string, id: string): Promise<void> {
    const ids = await this.#ids(indexKey);
    ids.push(id);
    await this.#kv.set(indexKey, ids);
  }

  async #ids(indexKey: string): Promise<string[]> {
    const raw = await this.#kv.get(indexKey);
    if (raw === undefined) return [];
    const parsed = idListSchema.safeParse(raw);
    if (!parsed.success) throw storeError(`stored case index ${indexKey} is malformed`);
    return parsed.data;
  }

  async #list(indexKey: string, options: ListOptions): Promise<ReviewCase[]> {
    const limit = options.limit ?? DEFAULT_LIST_LIMIT;
    const { since } = options;
    const ids = (await this.#ids(indexKey)).reverse();
    const found: ReviewCase[] = [];
    for (let start = 0; start < ids.length && found.length < limit; start += LIST_BATCH) {
      const batch = await Promise.all(ids.slice(start, start + LIST_BATCH).map((id) => this.get(id)));
      const present = batch.filter((c): c is ReviewCase => c !== null);
      found.push(...present.filter((c) => matches(c, options)));
      // The index is in creation order, so once a whole batch is older than `since`, so is the rest.
      if (since !== undefined && present.length > 0 && present.every((c) => c.createdAt < since)) break;
    }
    // Index order is append order; concurrent creates may append slightly out of clock order.
    return found.sort((a, b) => b.createdAt - a.createdAt).slice(0, limit);
  }
}

function matches(c: ReviewCase, options: ListOptions): boolean {
  if (options.status !== undefined && c.status !== options.status) return false;
  if (options.since !== undefined && c.createdAt < options.since) return false;
  return true;
}
