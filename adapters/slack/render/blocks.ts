import type { Button, KnownBlock } from '@slack/types';
import type { Assessment } from '../../../src/assessment/types.js';
import type { CaseStats } from '../../../src/moderation/stats.js';
import { BUTTON_LABELS, caseCustomId, type CaseButtonAction, type CaseCardModel } from '../../../commands/case-card.js';
import type { AuthorNotice, DigestModel } from '../../../commands/notices.js';
import type { Reply } from '../../../commands/replies.js';
import type { Section } from '../../../commands/sections.js';
import { clip, escapeMrkdwn, MAX_BLOCKS, SECTION_TEXT_MAX, slackText } from './text.js';

const VERDICT: Record<Assessment['verdict'], { icon: string; word: string }> = {
  impermissible: { icon: ':red_circle:', word: 'Impermissible' },
  permissible: { icon: ':large_green_circle:', word: 'Permissible' },
  unclear: { icon: ':white_circle:', word: 'Unclear' },
};

const mrkdwn = (text: string): KnownBlock => ({ type: 'section', text: { type: 'mrkdwn', text: clip(text, SECTION_TEXT_MAX) } });
const context = (text: string): KnownBlock => ({ type: 'context', elements: [{ type: 'mrkdwn', text: clip(text, SECTION_TEXT_MAX) }] });

export function verdictLine(a: Pick<Assessment, 'verdict' | 'severity'>): string {
  const v = VERDICT[a.verdict];
  return `${v.icon} *${v.word}*${a.verdict === 'impermissible' ? ` · severity *${a.severity}*` : ''}`;
}

/** The verdict at a glance, the summary, the norm, then the model's answer by section. */
export function assessmentBlocks(title: string, a: Assessment, sections: Section[]): KnownBlock[] {
  // Guidance (S1) and a norm's rationale (S4) answer no verdict: no verdict line for them.
  const blocks: KnownBlock[] = [context(escapeMrkdwn(title)), ...(a.method === 'prose' ? [] : [mrkdwn(verdictLine(a))])];
  if (a.summary) blocks.push(mrkdwn(escapeMrkdwn(a.summary)));
  if (a.norm) blocks.push(mrkdwn(`*Norm at stake:* ${escapeMrkdwn(a.norm)}`));
  if (sections.length > 0) blocks.push({ type: 'divider' });
  for (const s of sections) blocks.push(mrkdwn(s.title ? `*${escapeMrkdwn(s.title)}*\n${escapeMrkdwn(s.body)}` : escapeMrkdwn(s.body)));
  if (a.raw !== undefined) blocks.push(context('The model’s verdict could not be read, so it is shown as unclear.'));
  blocks.push(context(`${escapeMrkdwn(a.model)} · ${a.method} · ${(a.latencyMs / 1000).toFixed(1)} s${a.cached ? ' · cached' : ''}`));
  return fit(blocks);
}

export function statsBlocks(stats: CaseStats, days: number): KnownBlock[] {
  const rate = stats.upheldRate === null ? '—' : `${Math.round(stats.upheldRate * 100)}%`;
  const median = stats.medianTimeToDecisionMs === null ? '—' : `${Math.round(stats.medianTimeToDecisionMs / 60_000)} min`;
  const blocks: KnownBlock[] = [
    mrkdwn(`*normguard · last ${days} day${days === 1 ? '' : 's'}*`),
    {
      type: 'section',
      fields: [
        { type: 'mrkdwn', text: `*Cases opened*\n${stats.opened}` },
        { type: 'mrkdwn', text: `*Upheld*\n${stats.upheld}` },
        { type: 'mrkdwn', text: `*Dismissed*\n${stats.dismissed}` },
        { type: 'mrkdwn', text: `*Still open*\n${stats.open}` },
        { type: 'mrkdwn', text: `*Upheld rate*\n${rate}` },
        { type: 'mrkdwn', text: `*Median time to decision*\n${median}` },
      ],
    },
    mrkdwn(
      `*Norms most often flagged*\n${
        stats.byNorm.length === 0
          ? 'No cases in this period.'
          : stats.byNorm.map((n, i) => `${i + 1}. ${escapeMrkdwn(n.norm)} — ${n.opened} opened, ${n.upheld} upheld, ${n.dismissed} dismissed`).join('\n')
      }`,
    ),
  ];
  if (stats.decisions) {
    const d = stats.decisions;
    blocks.push(context(`Monitor: ${d.audited} audited · ${d.flag} flagged · ${d.explain} explained · ${d.unclear} unclear · shadow: ${d.shadowFlag} would flag, ${d.shadowExplain} would explain · ${d.failed} failed`));
  }
  return blocks;
}

/** The case card; decided cards lose their decision buttons and show the outcome instead. */
export function caseCardBlocks(card: CaseCardModel): KnownBlock[] {
  // A Slack mention always notifies: the card names the author instead of pinging them.
  const unping = (text: string) => text.split(`<@${card.author.id}>`).join(card.author.name ? `*${escapeMrkdwn(card.author.name)}*` : 'the author');
  const blocks: KnownBlock[] = [mrkdwn(`*${escapeMrkdwn(card.title)}* · ${verdictLine(card)}`), mrkdwn(escapeMrkdwn(card.summary || '(no summary)'))];
  for (const f of card.fields) {
    const value = f.quote ? escapeMrkdwn(f.value).split('\n').map((l) => `>${l}`).join('\n') : unping(slackText(f.value));
    blocks.push(mrkdwn(`*${slackText(f.label)}*\n${value}`));
  }
  const status = card.outcome
    ? `*${card.outcome.action === 'upheld' ? 'Upheld' : 'Dismissed'}* by <@${card.outcome.actorId}> ${slackText(`<t:${Math.floor(card.outcome.at / 1000)}:f>`)}${card.outcome.reason ? ` — ${escapeMrkdwn(card.outcome.reason)}` : ''}`
    : '*Open* — awaiting a moderator';
  blocks.push(context(status));
  const elements: Button[] = card.actions.map((a) => ({
    type: 'button',
    action_id: caseCustomId(a, card.caseId),
    value: card.caseId,
    text: { type: 'plain_text', text: BUTTON_LABELS[a] },
    ...(BUTTON_STYLE[a] ? { style: BUTTON_STYLE[a] } : {}),
  }));
  if (card.messageUrl) elements.push({ type: 'button', action_id: `ng:link:${card.caseId}`, url: card.messageUrl, text: { type: 'plain_text', text: 'Open message' } });
  if (elements.length > 0) blocks.push({ type: 'actions', block_id: `case:${card.caseId}`, elements });
  return blocks;
}

const BUTTON_STYLE: Partial<Record<CaseButtonAction, 'primary' | 'danger'>> = {
  uphold: 'danger',
  why: 'primary',
  delete: 'danger',
  'appeal-accept': 'primary',
  'appeal-deny': 'danger',
};

/** The private notice to an author, with the Appeal button when one is offered. */
export function noticeBlocks(caseId: string, notice: AuthorNotice): KnownBlock[] {
  const blocks: KnownBlock[] = [mrkdwn(`*${escapeMrkdwn(notice.title)}*`), ...notice.lines.map((l) => mrkdwn(slackText(l)))];
  if (notice.appealable) {
    blocks.push({ type: 'actions', elements: [{ type: 'button', action_id: caseCustomId('appeal', caseId), value: caseId, text: { type: 'plain_text', text: BUTTON_LABELS.appeal } }] });
  }
  return blocks;
}

export const DIGEST_OPEN = 'ng:digest-open';
export const PAUSE_PREFIX = 'ng:pause:';

/** The raid digest: counts, a menu to open any case, and pause buttons for the busiest channels. */
export function digestBlocks(d: DigestModel): KnownBlock[] {
  const blocks: KnownBlock[] = [
    mrkdwn(`:warning: *Flood of cases: ${d.total} in this window.* Cases are arriving faster than the configured rate, so they are grouped here.`),
    {
      type: 'section',
      fields: [
        { type: 'mrkdwn', text: clip(`*By channel*\n${d.byChannel.map((c) => `<#${c.channelId}>: ${c.count}`).join('\n')}`, 2000) },
        { type: 'mrkdwn', text: clip(`*By norm*\n${d.byNorm.slice(0, 10).map((n) => `${n.count} × ${escapeMrkdwn(n.norm)}`).join('\n')}`, 2000) },
      ],
    },
  ];
  const elements: Array<Record<string, unknown>> = [];
  if (d.cases.length > 0) {
    elements.push({
      type: 'static_select',
      action_id: `${DIGEST_OPEN}:${d.windowId}`,
      placeholder: { type: 'plain_text', text: 'Open a case…' },
      options: d.cases.map((c) => ({ text: { type: 'plain_text', text: clip(c.label, 75) }, value: c.id })),
    });
  }
  for (const c of d.byChannel.slice(0, 4)) elements.push({ type: 'button', action_id: `${PAUSE_PREFIX}${c.channelId}`, value: c.channelId, text: { type: 'plain_text', text: clip(`Pause monitoring (${c.count})`, 75) } });
  if (elements.length > 0) blocks.push({ type: 'actions', block_id: `digest:${d.windowId}`, elements } as unknown as KnownBlock);
  return blocks;
}

/** A neutral reply as Slack blocks plus the plain-text fallback Slack shows in notifications. */
export function replyPayload(reply: Reply): { text: string; blocks: KnownBlock[] } {
  switch (reply.kind) {
    case 'assessment':
      // The fallback is mrkdwn too (Slack shows it in notifications): model text in it is escaped like the blocks.
      return { text: clip(`${VERDICT[reply.assessment.verdict].word}: ${escapeMrkdwn(reply.assessment.summary)}`, SECTION_TEXT_MAX), blocks: assessmentBlocks(reply.title, reply.assessment, reply.sections) };
    case 'stats':
      return { text: `normguard stats for ${reply.days} days`, blocks: statsBlocks(reply.stats, reply.days) };
    case 'notice':
      return { text: clip(slackText(reply.text), SECTION_TEXT_MAX), blocks: [mrkdwn(slackText(reply.text))] };
    case 'error':
      // Error sentences can quote what the user typed ("I could not read …").
      return { text: clip(escapeMrkdwn(reply.text), SECTION_TEXT_MAX), blocks: [mrkdwn(`:warning: ${escapeMrkdwn(reply.text)}`)] };
  }
}

function fit(blocks: KnownBlock[]): KnownBlock[] {
  if (blocks.length <= MAX_BLOCKS) return blocks;
  return [...blocks.slice(0, MAX_BLOCKS - 2), context('(answer shortened to fit Slack’s limits)'), blocks[blocks.length - 1] as KnownBlock];
}
