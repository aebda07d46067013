import { ActionRowBuilder, ButtonBuilder, ButtonStyle, EmbedBuilder } from 'discord.js';
import { caseCustomId, type CaseCardModel } from '../../../commands/case-card.js';
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

  const row = new ActionRowBuilder<ButtonBuilder>();
  if (card.actions.includes('uphold')) row.addComponents(new ButtonBuilder().setCustomId(caseCustomId('uphold', card.caseId)).setLabel('Uphold').setStyle(ButtonStyle.Danger));
  if (card.actions.includes('dismiss')) row.addComponents(new ButtonBuilder().setCustomId(caseCustomId('dismiss', card.caseId)).setLabel('Dismiss').setStyle(ButtonStyle.Secondary));
  if (card.actions.includes('why')) row.addComponents(new ButtonBuilder().setCustomId(caseCustomId('why', card.caseId)).setLabel('Why this norm?').setStyle(ButtonStyle.Primary));
  if (card.messageUrl) row.addComponents(new ButtonBuilder().setURL(card.messageUrl).setLabel('Jump to message').setStyle(ButtonStyle.Link));
  return { embeds: [embed], components: row.components.length > 0 ? [row] : [] };
}

function quote(text: string): string {
  return text
    .split('\n')
    .map((l) => `> ${l}`)
    .join('\n');
}
