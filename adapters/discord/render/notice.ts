import { ActionRowBuilder, ButtonBuilder, ButtonStyle, EmbedBuilder, StringSelectMenuBuilder } from 'discord.js';
import { BUTTON_LABELS, caseCustomId } from '../../../commands/case-card.js';
import type { AuthorNotice, DigestModel } from '../../../commands/notices.js';
import { clip, LIMITS } from '../limits.js';

export function noticeMessage(caseId: string, notice: AuthorNotice) {
  const embed = new EmbedBuilder().setTitle(clip(notice.title, LIMITS.embedTitle)).setColor(0x5865f2).setDescription(clip(notice.lines.join('\n\n'), LIMITS.embedDescription));
  const components = notice.appealable
    ? [new ActionRowBuilder<ButtonBuilder>().addComponents(new ButtonBuilder().setCustomId(caseCustomId('appeal', caseId)).setLabel(BUTTON_LABELS.appeal).setStyle(ButtonStyle.Secondary))]
    : [];
  return { embeds: [embed], components };
}

export const DIGEST_OPEN = 'ng:digest-open';
export const PAUSE_PREFIX = 'ng:pause:';

/** The raid digest: counts by channel and norm, a menu to open any case, buttons to pause channels. */
export function digestMessage(d: DigestModel) {
  const embed = new EmbedBuilder()
    .setTitle(`⚠️ Flood of cases: ${d.total} in this window`)
    .setColor(0xe67e22)
    .setDescription('Cases are arriving faster than the configured rate, so they are grouped here. Open any of them below, or pause monitoring in a channel.')
    .addFields(
      { name: 'By channel', value: clip(d.byChannel.map((c) => `<#${c.channelId}>: ${c.count}`).join('\n') || '—', LIMITS.fieldValue), inline: true },
      { name: 'By norm', value: clip(d.byNorm.slice(0, 10).map((n) => `${n.count} × ${n.norm}`).join('\n') || '—', LIMITS.fieldValue), inline: true },
    );
  const rows: Array<ActionRowBuilder<StringSelectMenuBuilder> | ActionRowBuilder<ButtonBuilder>> = [];
  if (d.cases.length > 0) {
    rows.push(
      new ActionRowBuilder<StringSelectMenuBuilder>().addComponents(
        new StringSelectMenuBuilder()
          .setCustomId(`${DIGEST_OPEN}:${d.windowId}`)
          .setPlaceholder('Open a case…')
          .addOptions(d.cases.map((c) => ({ label: clip(c.label, 100), value: c.id }))),
      ),
    );
  }
  const pause = d.byChannel.slice(0, 5);
  if (pause.length > 0) {
    rows.push(new ActionRowBuilder<ButtonBuilder>().addComponents(pause.map((c) => new ButtonBuilder().setCustomId(`${PAUSE_PREFIX}${c.channelId}`).setLabel(clip(`Pause monitoring (${c.count})`, 80)).setStyle(ButtonStyle.Secondary).setEmoji('⏸️'))));
  }
  return { embeds: [embed], components: rows };
}
