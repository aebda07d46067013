import type { ReviewCase } from '../src/store/case.js';
import { inertMentions } from './case-card.js';
import { splitSections } from './sections.js';

export interface AuthorNotice {
  title: string;
  lines: string[];
  /** Offer the Appeal button (only on an upheld notice with no appeal yet). */
  appealable: boolean;
}

const MAX_CORRECTION = 300;

/**
 * What an author is told, privately, in humane words: the norm, a short reason, the course
 * correction the model suggested, and how to appeal. Never the moderator's name, never the raw
 * model output, never the verdict vocabulary of the model.
 */
export function authorNotice(c: ReviewCase, notice: 'upheld' | 'appeal-accepted' | 'appeal-denied' | 'appeal-expired', where: string): AuthorNotice {
  switch (notice) {
    case 'upheld': {
      const lines = [
        `The moderators reviewed your message in ${where} and found that it crossed a line.`,
        // Model and moderator words may quote the message: their mention tokens must stay inert.
        ...(c.assessment.norm ? [`The norm at stake: ${inertMentions(c.assessment.norm)}`] : []),
        ...(c.assessment.summary ? [`Why: ${inertMentions(c.assessment.summary)}`] : []),
      ];
      const correction = courseCorrection(c.assessment.text);
      if (correction) lines.push(`A better way next time: ${inertMentions(correction)}`);
      lines.push('If you think this is a mistake, you can appeal: press Appeal and tell the moderators your side.');
      return { title: 'About your message', lines, appealable: c.appeal === null };
    }
    case 'appeal-accepted':
      return { title: 'Your appeal was accepted', lines: [`The moderators reconsidered your message in ${where} and reversed their decision. Thank you for explaining.`], appealable: false };
    case 'appeal-denied':
      return {
        title: 'Your appeal was not accepted',
        lines: [`The moderators looked at your appeal about your message in ${where} and kept their decision.`, ...(c.appeal?.reason ? [`Their reason: ${inertMentions(c.appeal.reason)}`] : [])],
        appealable: false,
      };
    case 'appeal-expired':
      return { title: 'Your appeal timed out', lines: [`No moderator decided on your appeal about your message in ${where} in time, so the decision stands.`], appealable: false };
  }
}

/** The reporter hears the outcome in one line. */
export function reporterOutcome(outcome: 'action-taken' | 'no-action', where: string): string {
  return outcome === 'action-taken'
    ? `Thanks for your report about a message in ${where}: the moderators reviewed it and took action.`
    : `Thanks for your report about a message in ${where}: the moderators reviewed it and decided no action was needed.`;
}

/**
 * The model's suggested correction, as one short sentence: a section titled like "course
 * correction", else the sentence that starts with "Instead". Empty when there is none.
 */
export function courseCorrection(prose: string): string {
  const section = splitSections(prose).find((s) => s.title && /correct|instead|better|alternative|recommend/i.test(s.title));
  const source = section?.body ?? /(?:^|[.!?]\s+)(Instead,?[^.!?]*[.!?])/i.exec(prose)?.[1] ?? '';
  const one = source.replace(/\s+/g, ' ').trim();
  return one.length <= MAX_CORRECTION ? one : `${one.slice(0, MAX_CORRECTION - 1).trimEnd()}…`;
}

/** `/ethics case <id>`: the case's whole story, oldest first. */
export function caseTimeline(c: ReviewCase): string {
  const lines = [`**Case ${c.id}** · ${c.status} · ${c.assessment.verdict}, severity ${c.assessment.severity} · rule ${c.rule}`, `Message by <@${c.authorId}> in <#${c.channelId}>: “${inertMentions(c.messageText.slice(0, 200))}”`];
  for (const h of c.history) {
    const who = h.actor === 'normguard' ? 'normguard' : `<@${h.actor}>`;
    lines.push(`<t:${Math.floor(h.at / 1000)}:f> — ${h.action} by ${who}${h.reason ? `: ${inertMentions(h.reason.slice(0, 200))}` : ''}`);
  }
  return lines.join('\n');
}

export interface DigestModel {
  windowId: string;
  total: number;
  byChannel: Array<{ channelId: string; count: number }>;
  byNorm: Array<{ norm: string; count: number }>;
  cases: Array<{ id: string; label: string }>;
}

/** One card per flood window, instead of one card per case (DESIGN: raids must not flood moderators). */
export function digestModel(windowId: string, cases: readonly ReviewCase[]): DigestModel {
  const count = <K extends string>(keys: K[]) => {
    const m = new Map<K, number>();
    for (const k of keys) m.set(k, (m.get(k) ?? 0) + 1);
    return [...m.entries()].sort((a, b) => b[1] - a[1]);
  };
  return {
    windowId,
    total: cases.length,
    byChannel: count(cases.map((c) => c.channelId)).map(([channelId, n]) => ({ channelId, count: n })),
    byNorm: count(cases.map((c) => c.assessment.norm ?? '(no norm named)')).map(([norm, n]) => ({ norm, count: n })),
    cases: cases.slice(0, 25).map((c) => ({ id: c.id, label: `${c.id} · ${c.authorName || c.authorId} · ${c.messageText.slice(0, 40)}` })),
  };
}
