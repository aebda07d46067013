import { ActionRowBuilder, ButtonBuilder, ButtonStyle, EmbedBuilder } from 'discord.js';
import { BUTTON_LABELS, caseCustomId, type CaseButtonAction, type CaseCardModel } from '../../../commands/case-card.js';
import { clip, LIMITS } from '../limits.js';
import { VERDICT_STYLE } from './assessment-embed.js';

const DECIDED_COLOR = { upheld: 0x7b2d8b, dismissed: 0x4f545c } as const;

/** The case card: one embed and one row of buttons; decisions replace the buttons with the outcome. */
export function caseCardMessage(card: CaseCardModel): { embeds: EmbedBuilder[]; components: Array<ActionRowBuilder<ButtonBuilder>> } {
  const style = VERDICT_STYLE[card.verdict];
  const embed = new EmbedBuilder()
    .setTitle(clip(`${style.icon} ${card.title} · ${style.word} · severity ${card.severity}`, LIMITS.embedTitle))
    .setColor(card.outcome ? DECIDED_COLOR[card.outcome.action] : style.color)
    .setDescription(clip(card.summary || '(no summary)', LIMITS.embedDescription))
    .addFields(
      card.fields.map((f) => ({
        name: f.label,
        value: clip(f.quote ? quote(f.value) : f.value, LIMITS.fieldValue),
        inline: !f.quote && f.value.length < 60,
      })),
    );
  const status = card.outcome
    ? `**${card.outcome.action === 'upheld' ? 'Upheld' : 'Dismissed'}** by <@${card.outcome.actorId}> <t:${Math.floor(card.outcome.at / 1000)}:f>${card.outcome.reason ? ` — ${card.outcome.reason}` : ''}`
    : '**Open** — awaiting a moderator';
  embed.addFields({ name: 'Status', value: clip(status, LIMITS.fieldValue) });
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

function quote(text: string): string {
  return text
    .split('\n')
    .map((l) => `> ${l}`)
    .join('\n');
}
