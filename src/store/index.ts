export { type IndexEntry, type IndexRange, type KvStore, type LockOptions, DEFAULT_LOCK_TTL_MS, DEFAULT_LOCK_WAIT_MS } from './kv.js';
export { MemoryKvStore } from './memory-kv.js';
export { openStore, type OpenStoreOptions, DEFAULT_NAMESPACE } from './open-store.js';
export { SQLITE_FILE_NAME } from './sqlite-kv.js';
export {
  type CaseAction,
  type CaseCard,
  type CaseHistoryEntry,
  type CaseStatus,
  type NewReviewCase,
  type Platform,
  type ReviewCase,
  CASE_ID_PATTERN,
  caseCardSchema,
  caseStatusSchema,
  isCaseId,
  newReviewCaseSchema,
  platformSchema,
  reviewCaseSchema,
} from './case.js';
export { CaseRepository, type HistoryNote, type ListOptions } from './case-repository.js';
export { SettingsRepository } from './settings-repository.js';
export { AssessmentCache, cacheKey, normaliseText, type CacheKeyParts } from './assessment-cache.js';
export { DedupeStore } from './dedupe.js';
export { createRepositories, type Repositories } from './repositories.js';
