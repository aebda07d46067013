/**
 * Every key the repositories write, in one place. Ids are URI-encoded so an id containing ':'
 * cannot reach into another record's key.
 */
const part = (s: string) => encodeURIComponent(s);

export const keys = {
  settings: (workspaceId: string) => `settings:${part(workspaceId)}`,
  case: (caseId: string) => `case:${part(caseId)}`,
  assessment: (cacheKey: string) => `assessment:${cacheKey}`,
  dedupe: (key: string) => `dedupe:${part(key)}`,
};

/** The sorted indexes (KvStore.indexAdd) over cases; members are case ids unless said otherwise. */
export const indexes = {
  /** A workspace's cases by creation time. */
  workspaceCases: (workspaceId: string) => `cases:ws:${part(workspaceId)}`,
  /** One author's cases in a workspace, by creation time. */
  authorCases: (workspaceId: string, authorId: string) => `cases:author:${part(workspaceId)}:${part(authorId)}`,
  /** Cases with an open appeal, by the time the appeal times out. */
  dueAppeals: (workspaceId: string) => `appeals:due:${part(workspaceId)}`,
  /** Closed cases by when their stored record expires; members `<caseId> <authorId, encoded>`. */
  expiring: (workspaceId: string) => `cases:expiring:${part(workspaceId)}`,
};

/** Where versions before the sorted indexes kept a workspace's case ids: one JSON array, oldest first. */
export const legacyKeys = {
  workspaceCases: (workspaceId: string) => `case-index:ws:${part(workspaceId)}`,
  authorCases: (workspaceId: string, authorId: string) => `case-index:author:${part(workspaceId)}:${part(authorId)}`,
};
