import type { AuthorRecord } from '../src/moderation/cases.js';
import type { ReviewCase } from '../src/store/case.js';

export const CASE_ACTIONS = [
  'uphold',
  'dismiss',
  'why',
  'delete',
  'timeout-10m',
  'timeout-1h',
  'timeout-1d',
  'ask-edit',
  'appeal',
  'appeal-accept',
  'appeal-deny',
] as const;
export type CaseButtonAction = (typeof CASE_ACTIONS)[number];
/** Modals that belong to a case. */
export type CaseModal = 'dismiss-reason' | 'appeal-text' | 'appeal-deny-reason';

export const TIMEOUTS: Record<'timeout-10m' | 'timeout-1h' | 'timeout-1d', { ms: number; label: string }> = {
  'timeout-10m': { ms: 10 * 60_000, label: 'Timeout 10 min' },
  'timeout-1h': { ms: 60 * 60_000, label: 'Timeout 1 h' },
  'timeout-1d': { ms: 24 * 60 * 60_000, label: 'Timeout 1 day' },
};

/** Buttons and modals carry only the case id, so a card still works after a restart. */
export function caseCustomId(action: CaseButtonAction | CaseModal, caseId: string): string {
  return `ng:${action}:${caseId}`;
}

const CUSTOM_ID = new RegExp(`^ng:(${[...CASE_ACTIONS, 'dismiss-reason', 'appeal-text', 'appeal-deny-reason'].join('|')}):(c_[a-z2-7]{10})$`);

export function parseCaseCustomId(customId: string): { action: CaseButtonAction | CaseModal; caseId: string } | null {
  const m = CUSTOM_ID.exec(customId);
  return m ? { action: m[1] as CaseButtonAction | CaseModal, caseId: m[2] as string } : null;
}

/**
 * Makes mention tokens in user or model text inert on every platform: `<@U1>`, `<@&1>`, `<#C1>`,
 * `<!channel>` become `‹@U1>`… Card fields mix that text with our own tokens (`<@author>`), and
 * a renderer that keeps our tokens would keep an echoed one too: a flagged message or a norm
 * the model copied from it must never ping a user, a role or a whole channel.
 */
export function inertMentions(text: string): string {
  return text.replace(/<(?=[@#!])/g, '‹');
}

export interface CaseCardField {
  label: string;
  value: string;
  /** Long user text a renderer may quote or put in a block. */
  quote?: boolean;
}

/** What a platform can do to a message or its author from a card (Slack cannot time out). */
export interface Enforcements {
  delete: boolean;
  timeout: boolean;
  askEdit: boolean;
}

/** A case card as a moderator needs it (DESIGN.md §3), before any platform renders it. */
export interface CaseCardModel {
  caseId: string;
  title: string;
  /** The case thread's name where a platform names threads. */
  threadName: string;
  /** Who wrote the message: a platform whose mentions always notify shows the name instead. */
  author: { id: string; name: string };
  summary: string;
  verdict: ReviewCase['assessment']['verdict'];
  severity: ReviewCase['assessment']['severity'];
  /** Calibrated probability that the message is impermissible (0–1), or null when none was measured. */
  score: number | null;
  status: ReviewCase['status'];
  /** "Upheld by <@id> at …" once decided; null while open. */
  outcome: { action: 'upheld' | 'dismissed'; actorId: string; at: number; reason: string | null } | null;
  fields: CaseCardField[];
  messageUrl: string | null;
  /** Buttons to show, in order. */
  actions: CaseButtonAction[];
}

export function caseCardModel(c: ReviewCase, record: AuthorRecord, can: Enforcements = { delete: false, timeout: false, askEdit: false }): CaseCardModel {
  const decided = [...c.history].reverse().find((h) => h.action === 'upheld' || h.action === 'dismissed' || h.action === 'appeal-accepted');
  const history =
    record.earlier === 0 ? 'no earlier cases' : `${record.earlier} earlier case${record.earlier === 1 ? '' : 's'} (${record.upheld} upheld, ${record.dismissed} dismissed)`;
  const fields: CaseCardField[] = [
    { label: 'Message', value: c.messageText, quote: true },
    { label: 'Author', value: `<@${c.authorId}>${c.authorIsNew ? ' · new member' : ''} · ${history}` },
    { label: 'Channel', value: `<#${c.channelId}>` },
    { label: 'Conversation the model saw', value: c.context.length > 0 ? c.context : '(no earlier messages)', quote: true },
    { label: 'Verdict', value: `${c.assessment.verdict} · severity ${c.assessment.severity}${scoreText(c.assessment)}` },
    { label: 'Norm at stake', value: c.assessment.norm === null ? '(none named)' : inertMentions(c.assessment.norm) },
    { label: 'Policy rule', value: c.rule },
  ];
  if (c.source === 'report') fields.push({ label: 'Reported by', value: `<@${c.reporterId}>${c.reporterNote ? ` — “${inertMentions(c.reporterNote)}”` : ''}` });
  const actions = actionsDone(c);
  if (actions.length > 0) fields.push({ label: 'Actions', value: actions.join('; ') });
  if (c.appeal) {
    const state = { open: 'open — awaiting a moderator', accepted: `accepted by <@${c.appeal.decidedBy}>`, denied: `denied by <@${c.appeal.decidedBy}>${c.appeal.reason ? ` — ${inertMentions(c.appeal.reason)}` : ''}`, expired: 'timed out' }[c.appeal.status];
    fields.push({ label: `Appeal (${state})`, value: c.appeal.text, quote: true });
  }

  const buttons: CaseButtonAction[] = [];
  const live = c.status !== 'dismissed';
  if (c.status === 'open') buttons.push('uphold', 'dismiss');
  if (c.appeal?.status === 'open') buttons.push('appeal-accept', 'appeal-deny');
  if (live && can.delete && !c.enforcement.messageDeleted) buttons.push('delete');
  if (live && can.timeout && (c.enforcement.timeoutUntil === null || c.enforcement.timeoutUntil < Date.now())) buttons.push('timeout-10m', 'timeout-1h', 'timeout-1d');
  if (live && can.askEdit && !can.delete && !c.enforcement.messageDeleted) buttons.push('ask-edit');
  buttons.push('why');
  return {
    caseId: c.id,
    title: `Case ${c.id}`,
    threadName: `${c.id} · ${c.authorName || c.authorId}`,
    author: { id: c.authorId, name: c.authorName },
    summary: c.assessment.summary,
    verdict: c.assessment.verdict,
    severity: c.assessment.severity,
    score: typeof c.assessment.score === 'number' ? c.assessment.score : null,
    status: c.status,
    outcome:
      decided && c.status !== 'open'
        ? { action: c.status === 'upheld' ? 'upheld' : 'dismissed', actorId: decided.actor, at: decided.at, reason: decided.action === 'appeal-accepted' ? 'appeal accepted' : decided.reason }
        : null,
    fields,
    messageUrl: c.messageUrl,
    actions: buttons,
  };
}

/** " · score 0.93 (calibrated)", or nothing when the method measured none. */
function scoreText(a: ReviewCase['assessment']): string {
  return typeof a.score === 'number' ? ` · score ${a.score.toFixed(2)} (${a.method})` : '';
}

/** Enforcement recorded on the case, in words. */
function actionsDone(c: ReviewCase): string[] {
  return c.history
    .filter((h) => h.action === 'enforced' || h.action === 'undone' || (h.action === 'note' && h.actor === 'normguard'))
    .map((h) => h.reason ?? h.action);
}

export const BUTTON_LABELS: Record<CaseButtonAction, string> = {
  uphold: 'Uphold',
  dismiss: 'Dismiss',
  why: 'Why this norm?',
  delete: 'Delete message',
  'timeout-10m': TIMEOUTS['timeout-10m'].label,
  'timeout-1h': TIMEOUTS['timeout-1h'].label,
  'timeout-1d': TIMEOUTS['timeout-1d'].label,
  'ask-edit': 'Ask the author to edit',
  appeal: 'Appeal',
  'appeal-accept': 'Accept appeal',
  'appeal-deny': 'Deny appeal',
};
