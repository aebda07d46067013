import { z } from 'zod';
import type { Clock } from '../clock.js';
import { CaseIndex, isClosed } from './case-index.js';
import {
  type CaseCard,
  caseCardSchema,
  type CaseStatus,
  newCaseId,
  type NewReviewCase,
  newReviewCaseSchema,
  type ReviewCase,
  reviewCaseSchema,
} from './case.js';
import { indexes, keys } from './keys.js';
import type { KvStore } from './kv.js';
import { storeError } from './store-error.js';

/** History entries that do not change the status; decisions go through `CaseService.apply`. */
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
const LIST_BATCH = 50;
/** Due appeals handled per sweep of a workspace; the next sweep takes the rest. */
const DUE_APPEALS_BATCH = 100;

/**
 * Review cases and their indexes. Every change to a case happens under that case's lock, so two
 * moderators clicking at once produce one decision. Indexes are sorted sets of ids (case-index.ts):
 * a create adds two entries, no list is rewritten, and retention prunes them.
 */
export class CaseRepository {
  readonly #kv: KvStore;
  readonly #clock: Clock;
  readonly #index: CaseIndex;
  readonly #closedTtlMs: number | undefined;

  /** `closedCaseTtlMs`: how long a decided case (with no open appeal) is kept; undefined keeps it. */
  constructor(kv: KvStore, clock: Clock, options: { closedCaseTtlMs?: number } = {}) {
    this.#kv = kv;
    this.#clock = clock;
    this.#closedTtlMs = options.closedCaseTtlMs;
    this.#index = new CaseIndex(kv);
  }

  /** Retention: a closed case expires from the store by itself; an open one never does. Call under the case's lock. */
  async #write(c: ReviewCase): Promise<void> {
    const ttl = isClosed(c) ? this.#closedTtlMs : undefined;
    await this.#kv.set(keys.case(c.id), c, ttl);
    await this.#index.written(c, ttl === undefined ? undefined : this.#clock.now() + ttl);
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
    // The case is written before it is indexed, so an index never points at a case not yet stored.
    await this.#index.added(created);
    await this.#index.prune(created.workspaceId, now);
    return created;
  }

  async get(id: string): Promise<ReviewCase | null> {
    const raw = await this.#kv.get(keys.case(id));
    if (raw === undefined) return null;
    const parsed = reviewCaseSchema.safeParse(raw);
    if (!parsed.success) throw storeError(`stored case ${id} is malformed: ${z.prettifyError(parsed.error)}`);
    return parsed.data;
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
      await this.#write(checked);
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
    return this.#list(workspaceId, indexes.workspaceCases(workspaceId), options);
  }

  /** An author's cases in a workspace, newest first (for "earlier cases" on a card). */
  async listByAuthor(workspaceId: string, authorId: string, options: { limit?: number } = {}): Promise<ReviewCase[]> {
    return this.#list(workspaceId, indexes.authorCases(workspaceId, authorId), options);
  }

  /**
   * Cases whose open appeal is due by `now`, soonest first: read from the appeals index, so the
   * sweep costs the due appeals, not the workspace's history. Also prunes what retention removed.
   */
  async dueAppeals(workspaceId: string, now: number): Promise<ReviewCase[]> {
    await this.#index.prune(workspaceId, now);
    const due: ReviewCase[] = [];
    for (const id of await this.#index.dueAppeals(workspaceId, now, DUE_APPEALS_BATCH)) {
      const c = await this.get(id);
      if (c?.appeal?.status === 'open' && c.appeal.expiresAt <= now) due.push(c);
      // Left behind by a write that failed halfway; dropping it loses nothing.
      else if (c === null || c.appeal?.status !== 'open') await this.#index.dropAppeal(workspaceId, id);
    }
    return due;
  }

  async #update(id: string, change: (c: ReviewCase, now: number) => ReviewCase): Promise<ReviewCase | null> {
    return this.#kv.withLock(keys.case(id), async () => {
      const current = await this.get(id);
      if (current === null) return null;
      const now = this.#clock.now();
      const next = reviewCaseSchema.parse({ ...change(current, now), updatedAt: now });
      await this.#write(next);
      return next;
    });
  }

  async #list(workspaceId: string, index: string, options: ListOptions): Promise<ReviewCase[]> {
    await this.#index.migrate(workspaceId);
    const limit = options.limit ?? DEFAULT_LIST_LIMIT;
    const found = new Map<string, ReviewCase>();
    const missing: string[] = [];
    for (let offset = 0; found.size < limit; offset += LIST_BATCH) {
      const page = await this.#kv.indexRange(index, { min: options.since, order: 'desc', offset, limit: LIST_BATCH });
      const batch = await Promise.all(page.map((e) => this.get(e.member)));
      page.forEach((e, i) => {
        const c = batch[i];
        if (c === null || c === undefined) missing.push(e.member);
        else if (found.size < limit && matches(c, options)) found.set(c.id, c);
      });
      if (page.length < LIST_BATCH) break;
    }
    // Ids whose case retention removed before `prune` reached them; removed after paging, so offsets hold.
    if (missing.length > 0) await this.#kv.indexRemove(index, missing);
    return [...found.values()];
  }
}

function matches(c: ReviewCase, options: ListOptions): boolean {
  if (options.status !== undefined && c.status !== options.status) return false;
  if (options.since !== undefined && c.createdAt < options.since) return false;
  return true;
}
