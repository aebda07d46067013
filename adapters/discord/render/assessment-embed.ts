import { EmbedBuilder } from 'discord.js';
import type { Assessment } from '../../../src/assessment/types.js';
import type { Section } from '../../../commands/sections.js';
import { clip, LIMITS } from '../limits.js';

export const VERDICT_STYLE: Record<Assessment['verdict'], { color: number; icon: string; word: string }> = {
  impermissible: { color: 0xd83c3e, icon: '🔴', word: 'Impermissible' },
  permissible: { color: 0x2d9d5a, icon: '🟢', word: 'Permissible' },
  unclear: { color: 0x8a8f98, icon: '⚪', word: 'Unclear' },
};

/** The verdict and severity at a glance, the summary, then the model's answer by section. */
export function assessmentEmbed(title: string, a: Assessment, sections: Section[]): EmbedBuilder {
  const style = VERDICT_STYLE[a.verdict];
  const severity = a.verdict === 'impermissible' ? ` · severity ${a.severity}` : '';
  // Guidance (S1) and a norm's rationale (S4) answer no verdict: the title names the question instead.
  const headline = a.method === 'prose' ? title : `${style.icon} ${style.word}${severity}`;
  const embed = new EmbedBuilder()
    .setColor(a.method === 'prose' ? 0x5865f2 : style.color)
    .setAuthor({ name: clip(title, LIMITS.embedTitle) })
    .setTitle(clip(headline, LIMITS.embedTitle))
    .setFooter({ text: `${a.model} · ${a.method} · ${(a.latencyMs / 1000).toFixed(1)} s${a.cached ? ' · cached' : ''}` });
  if (a.summary) embed.setDescription(clip(a.summary, LIMITS.embedDescription));
  const fields: Array<{ name: string; value: string }> = [];
  if (a.norm) fields.push({ name: 'Norm at stake', value: clip(a.norm, LIMITS.fieldValue) });
  for (const s of sections) fields.push({ name: clip(s.title ?? (fields.length <= 1 ? 'Answer' : '\u200b'), LIMITS.fieldName), value: clip(s.body, LIMITS.fieldValue) });
  if (a.raw !== undefined) fields.push({ name: 'Note', value: 'The model’s verdict could not be read, so it is shown as unclear.' });
  // Stay inside the 6000-character total: drop trailing sections rather than fail the reply.
  let total = (embed.data.title?.length ?? 0) + (embed.data.description?.length ?? 0) + (embed.data.footer?.text.length ?? 0) + title.length;
  const kept: typeof fields = [];
  for (const f of fields.slice(0, LIMITS.fields)) {
    if (total + f.name.length + f.value.length > LIMITS.embedTotal - 50) break;
    total += f.name.length + f.value.length;
    kept.push(f);
  }
  if (kept.length < fields.length) kept.push({ name: '\u200b', value: '(answer shortened to fit Discord’s limits)' });
  return embed.addFields(kept);
}
