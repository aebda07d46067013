/**
 * Every key the repositories write, in one place. Ids are URI-encoded so an id containing ':'
 * cannot reach into another record's key.
 */
const part = (s: string) => encodeURIComponent(s);

export const keys = {
  settings: (workspaceId: string) => `settings:${part(workspaceId)}`,
  case: (caseId: string) => `case:${part(caseId)}`,
  /** Case ids of a workspace, oldest first. */
  workspaceCases: (workspaceId: string) => `case-index:ws:${part(workspaceId)}`,
  /** Case ids of one author in a workspace, oldest first. */
  authorCases: (workspaceId: string, authorId: string) => `case-index:author:${part(workspaceId)}:${part(authorId)}`,
  /** Lock name guarding both index lists of a workspace. */
  caseIndexLock: (workspaceId: string) => `case-index:${part(workspaceId)}`,
  assessment: (cacheKey: string) => `assessment:${cacheKey}`,
  dedupe: (key: string) => `dedupe:${part(key)}`,
};
