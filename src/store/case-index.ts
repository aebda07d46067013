import { type ReviewCase, reviewCaseSchema } from './case.js';
import { indexes, keys, legacyKeys } from './keys.js';
import type { KvStore } from './kv.js';

/** Expired index entries handled per prune: bounded work on the create path; the appeal sweep catches up. */
const PRUNE_BATCH = 100;
/** Cases read per round trip while migrating an old index. */
const MIGRATE_BATCH = 50;

/** A case whose record retention may expire: decided, with no appeal waiting. */
export function isClosed(c: Pick<ReviewCase, 'status' | 'appeal'>): boolean {
  return c.status !== 'open' && c.appeal?.status !== 'open';
}

/**
 * The sorted indexes over cases (keys.ts `indexes`): by workspace and by author (scored by
 * creation time), open appeals (scored by their deadline), and closed cases (scored by when
 * retention expires their record). Each write touches only the entries of the case it writes,
 * and `prune` drops the entries of cases retention has removed, so an index grows with the cases
 * kept, not with every case ever opened.
 */
export class CaseIndex {
  readonly #kv: KvStore;
  readonly #migrated = new Set<string>();

  constructor(kv: KvStore) {
    this.#kv = kv;
  }

  /** A new case enters its workspace's and its author's index. */
  async added(c: ReviewCase): Promise<void> {
    const entry = [{ member: c.id, score: c.createdAt }];
    await this.#kv.indexAdd(indexes.workspaceCases(c.workspaceId), entry);
    await this.#kv.indexAdd(indexes.authorCases(c.workspaceId, c.authorId), entry);
  }

  /** After every write of a case: where its open appeal is due, and when a closed record expires. */
  async written(c: ReviewCase, expiresAt: number | undefined): Promise<void> {
    const ws = c.workspaceId;
    if (c.appeal?.status === 'open') await this.#kv.indexAdd(indexes.dueAppeals(ws), [{ member: c.id, score: c.appeal.expiresAt }]);
    else if (c.appeal !== null) await this.#kv.indexRemove(indexes.dueAppeals(ws), [c.id]);
    if (expiresAt !== undefined) await this.#kv.indexAdd(indexes.expiring(ws), [{ member: `${c.id} ${encodeURIComponent(c.authorId)}`, score: expiresAt }]);
  }

  /** Ids of cases whose open appeal is due by `now`, soonest first. */
  async dueAppeals(workspaceId: string, now: number, limit: number): Promise<string[]> {
    await this.migrate(workspaceId);
    return (await this.#kv.indexRange(indexes.dueAppeals(workspaceId), { max: now, limit })).map((e) => e.member);
  }

  /** Drops an appeal entry that no longer matches its case (the case is gone, or its appeal closed). */
  async dropAppeal(workspaceId: string, caseId: string): Promise<void> {
    await this.#kv.indexRemove(indexes.dueAppeals(workspaceId), [caseId]);
  }

  /**
   * Removes from the indexes the cases whose record retention has expired by `now` (a batch at a
   * time). A case found still stored and no longer closed (an appeal reopened it) loses only its
   * expiry entry; its next close adds a new one.
   */
  async prune(workspaceId: string, now: number): Promise<number> {
    const due = await this.#kv.indexRange(indexes.expiring(workspaceId), { max: now, limit: PRUNE_BATCH });
    if (due.length === 0) return 0;
    const entries = due.map((e) => {
      const [caseId = '', author = ''] = e.member.split(' ');
      return { member: e.member, caseId, authorId: decodeURIComponent(author) };
    });
    const stored = await Promise.all(entries.map((e) => this.#kv.get(keys.case(e.caseId))));
    const gone = entries.filter((_, i) => stored[i] === undefined);
    const reopened = entries.filter((_, i) => {
      const parsed = reviewCaseSchema.safeParse(stored[i]);
      return parsed.success && !isClosed(parsed.data);
    });
    await this.#kv.indexRemove(indexes.workspaceCases(workspaceId), gone.map((e) => e.caseId));
    for (const e of gone) await this.#kv.indexRemove(indexes.authorCases(workspaceId, e.authorId), [e.caseId]);
    await this.#kv.indexRemove(indexes.dueAppeals(workspaceId), gone.map((e) => e.caseId));
    // A closed case still stored expires a moment after its score (the store's clock ran on); it is retried next time.
    await this.#kv.indexRemove(indexes.expiring(workspaceId), [...gone, ...reopened].map((e) => e.member));
    return gone.length;
  }

  /**
   * Once per workspace and process: moves the case ids that versions before the sorted indexes
   * kept in JSON arrays into the indexes, then deletes the arrays. Idempotent, so two processes
   * doing it at once do no harm.
   */
  async migrate(workspaceId: string): Promise<void> {
    if (this.#migrated.has(workspaceId)) return;
    const legacy = await this.#kv.get(legacyKeys.workspaceCases(workspaceId));
    if (Array.isArray(legacy)) {
      const ids = legacy.filter((id): id is string => typeof id === 'string');
      const authors = new Set<string>();
      for (let i = 0; i < ids.length; i += MIGRATE_BATCH) {
        const raws = await Promise.all(ids.slice(i, i + MIGRATE_BATCH).map((id) => this.#kv.get(keys.case(id))));
        for (const raw of raws) {
          const parsed = reviewCaseSchema.safeParse(raw);
          if (!parsed.success) continue;
          authors.add(parsed.data.authorId);
          await this.added(parsed.data);
          await this.written(parsed.data, undefined);
        }
      }
      for (const author of authors) await this.#kv.delete(legacyKeys.authorCases(workspaceId, author));
      await this.#kv.delete(legacyKeys.workspaceCases(workspaceId));
    }
    this.#migrated.add(workspaceId);
  }
}
