import { auditFields } from '../moderation/situation.js';
import type { ReviewCase } from '../store/case.js';
import type { EvalItem, EvalSet, Label } from './types.js';

/** The moderator's decision is the label: upheld means the flag was right. */
const LABEL_OF: Partial<Record<ReviewCase['status'], Label>> = { upheld: 'impermissible', dismissed: 'permissible' };

/**
 * A decided case as a labelled S3 item, in the words passive monitoring used when it opened the
 * case (auditFields): the excerpt the model saw as the situation, the author's evident goal as
 * the intention, "<author> writes: <message>" as the action. So the current model is asked what
 * the monitor asked, and the moderator's decision says what the answer should have been.
 */
export function caseItem(c: ReviewCase): EvalItem | null {
  const label = LABEL_OF[c.status];
  if (label === undefined) return null;
  const authorName = c.authorName.trim() || 'A member';
  // auditFields always sets both; the defaults only satisfy the optional FrameFields type.
  const { situation: noContext, intent = '', action = '' } = auditFields({ authorName, text: c.messageText }, []);
  const context = c.context.trim();
  const situation = context.length > 0 ? `In a community chat channel, the recent messages were: ${context}` : noContext;
  return { id: c.id, label, norm: c.assessment.norm ?? '(no norm named)', fields: { situation, intent, action } };
}

/** The decided cases of a workspace (newest first, at most `limit`) as an evaluation set. */
export function casesSet(workspaceId: string, cases: readonly ReviewCase[], limit?: number): EvalSet {
  const items = cases.map(caseItem).filter((i): i is EvalItem => i !== null).slice(0, limit);
  return {
    kind: 'cases',
    description: `decided review cases of workspace ${workspaceId}`,
    identity: `workspace:${workspaceId}`,
    records: items.length,
    items,
  };
}
