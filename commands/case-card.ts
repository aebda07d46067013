import type { AuthorRecord } from '../src/moderation/cases.js';
import type { ReviewCase } from '../src/store/case.js';

export type CaseButtonAction = 'uphold' | 'dismiss' | 'why';

/** Buttons and modals carry only the case id, so a card still works after a restart. */
export function caseCustomId(action: CaseButtonAction | 'dismiss-reason', caseId: string): string {
  return `ng:${action}:${caseId}`;
}

export function parseCaseCustomId(customId: string): { action: CaseButtonAction | 'dismiss-reason'; caseId: string } | null {
  const m = /^ng:(uphold|dismiss|why|dismiss-reason):(c_[a-z2-7]{10})$/.exec(customId);
  return m ? { action: m[1] as CaseButtonAction | 'dismiss-reason', caseId: m[2] as string } : null;
}

export interface CaseCardField {
  label: string;
  value: string;
  /** Long text a renderer may quote or put in a block. */
  quote?: boolean;
}

/** A case card as a moderator needs it (DESIGN.md §3), before any platform renders it. */
export interface CaseCardModel {
  caseId: string;
  title: string;
  summary: string;
  verdict: ReviewCase['assessment']['verdict'];
  severity: ReviewCase['assessment']['severity'];
  status: ReviewCase['status'];
  /** "Upheld by <@id> at …" once decided; null while open. */
  outcome: { action: 'upheld' | 'dismissed'; actorId: string; at: number; reason: string | null } | null;
  fields: CaseCardField[];
  messageUrl: string | null;
  /** Buttons to show: decisions only while open; why and the link always. */
  actions: CaseButtonAction[];
}

export function caseCardModel(c: ReviewCase, record: AuthorRecord): CaseCardModel {
  const decided = [...c.history].reverse().find((h) => h.action === 'upheld' || h.action === 'dismissed');
  const history =
    record.earlier === 0 ? 'no earlier cases' : `${record.earlier} earlier case${record.earlier === 1 ? '' : 's'} (${record.upheld} upheld, ${record.dismissed} dismissed)`;
  const fields: CaseCardField[] = [
    { label: 'Message', value: c.messageText, quote: true },
    { label: 'Author', value: `<@${c.authorId}>${c.authorIsNew ? ' · new member' : ''} · ${history}` },
    { label: 'Channel', value: `<#${c.channelId}>` },
    { label: 'Conversation the model saw', value: c.context.length > 0 ? c.context : '(no earlier messages)', quote: true },
    { label: 'Verdict', value: `${c.assessment.verdict} · severity ${c.assessment.severity}` },
    { label: 'Norm at stake', value: c.assessment.norm ?? '(none named)' },
    { label: 'Policy rule', value: c.rule },
  ];
  return {
    caseId: c.id,
    title: `Case ${c.id}`,
    summary: c.assessment.summary,
    verdict: c.assessment.verdict,
    severity: c.assessment.severity,
    status: c.status,
    outcome: decided && c.status !== 'open' ? { action: decided.action as 'upheld' | 'dismissed', actorId: decided.actor, at: decided.at, reason: decided.reason } : null,
    fields,
    messageUrl: c.messageUrl,
    actions: c.status === 'open' ? ['uphold', 'dismiss', 'why'] : ['why'],
  };
}
