import { ActionRowBuilder, ButtonBuilder, ButtonStyle, EmbedBuilder } from 'discord.js';
import { BUTTON_LABELS, caseCustomId, type CaseButtonAction, type CaseCardModel } from '../../../commands/case-card.js';
import { clip, LIMITS } from '../limits.js';
import { VERDICT_STYLE } from './assessment-embed.js';

const DECIDED_COLOR = { upheld: 0x7b2d8b, dismissed: 0x4f545c } as const;

/** The case card: one embed and one row of buttons; decisions replace the buttons with the outcome. */
export function caseCardMessage(card: CaseCardModel): { embeds: EmbedBuilder[]; components: Array<ActionRowBuilder<ButtonBuilder>> } {
  const style = VERDICT_STYLE[card.verdict];
  const title = clip(`${style.icon} ${card.title} · ${style.word} · severity ${card.severity}`, LIMITS.embedTitle);
  const description = clip(card.summary || '(no summary)', LIMITS.embedDescription);
  const fields = card.fields.map((f) => ({
    // A label can carry a moderator's words (an appeal's denial reason): Discord refuses names over 256.
    name: clip(f.label, LIMITS.fieldName),
    value: clip(f.quote ? quote(f.value) : f.value, LIMITS.fieldValue),
    inline: !f.quote && f.value.length < 60,
  }));
  const status = card.outcome
    ? `**${card.outcome.action === 'upheld' ? 'Upheld' : 'Dismissed'}** by <@${card.outcome.actorId}> <t:${Math.floor(card.outcome.at / 1000)}:f>${card.outcome.reason ? ` — ${card.outcome.reason}` : ''}`
    : '**Open** — awaiting a moderator';
  fields.push({ name: 'Status', value: clip(status, LIMITS.fieldValue), inline: false });
  fitTotal(title.length + description.length, fields);
  const embed = new EmbedBuilder()
    .setTitle(title)
    .setColor(card.outcome ? DECIDED_COLOR[card.outcome.action] : style.color)
    .setDescription(description)
    .addFields(fields);
  if (card.messageUrl) embed.setURL(card.messageUrl);

  // Five buttons per row (Discord's limit); decisions first, then enforcement, then the rest.
  const buttons = card.actions.map((a) => new ButtonBuilder().setCustomId(caseCustomId(a, card.caseId)).setLabel(BUTTON_LABELS[a]).setStyle(STYLE[a]));
  if (card.messageUrl) buttons.push(new ButtonBuilder().setURL(card.messageUrl).setLabel('Jump to message').setStyle(ButtonStyle.Link));
  const components: Array<ActionRowBuilder<ButtonBuilder>> = [];
  for (let i = 0; i < buttons.length; i += 5) components.push(new ActionRowBuilder<ButtonBuilder>().addComponents(buttons.slice(i, i + 5)));
  return { embeds: [embed], components };
}

const STYLE: Record<CaseButtonAction, ButtonStyle> = {
  uphold: ButtonStyle.Danger,
  dismiss: ButtonStyle.Secondary,
  why: ButtonStyle.Primary,
  delete: ButtonStyle.Danger,
  'timeout-10m': ButtonStyle.Secondary,
  'timeout-1h': ButtonStyle.Secondary,
  'timeout-1d': ButtonStyle.Secondary,
  'ask-edit': ButtonStyle.Secondary,
  appeal: ButtonStyle.Secondary,
  'appeal-accept': ButtonStyle.Success,
  'appeal-deny': ButtonStyle.Danger,
};

/**
 * Discord refuses an embed over 6000 characters in all (title, description, field names and
 * values), and discord.js does not check it: a long message, a long conversation, a reporter's
 * note and an appeal together pass each field's limit and still exceed it. The longest values
 * give way first.
 */
function fitTotal(fixed: number, fields: Array<{ name: string; value: string }>): void {
  const excess = () => fixed + fields.reduce((n, f) => n + f.name.length + f.value.length, 0) - LIMITS.embedTotal;
  for (let over = excess(); over > 0; over = excess()) {
    const longest = fields.reduce((a, b) => (b.value.length > a.value.length ? b : a));
    if (longest.value.length <= 100) return;
    longest.value = clip(longest.value, Math.max(100, longest.value.length - over));
  }
}

function quote(text: string): string {
  return text
    .split('\n')
    .map((l) => `> ${l}`)
    .join('\n');
}
