import { EmbedBuilder } from 'discord.js';
import type { CaseStats } from '../../../src/moderation/stats.js';
import { clip, LIMITS } from '../limits.js';

export function statsEmbed(stats: CaseStats, days: number): EmbedBuilder {
  const rate = stats.upheldRate === null ? '—' : `${Math.round(stats.upheldRate * 100)}%`;
  const median = stats.medianTimeToDecisionMs === null ? '—' : formatDuration(stats.medianTimeToDecisionMs);
  const norms =
    stats.byNorm.length === 0
      ? 'No cases in this period.'
      : stats.byNorm.map((n, i) => `${i + 1}. ${n.norm} — ${n.opened} opened, ${n.upheld} upheld, ${n.dismissed} dismissed`).join('\n');
  const embed = new EmbedBuilder()
    .setTitle(`normguard · last ${days} day${days === 1 ? '' : 's'}`)
    .setColor(0x5865f2)
    .addFields(
      { name: 'Cases opened', value: String(stats.opened), inline: true },
      { name: 'Upheld', value: String(stats.upheld), inline: true },
      { name: 'Dismissed', value: String(stats.dismissed), inline: true },
      { name: 'Still open', value: String(stats.open), inline: true },
      { name: 'Upheld rate', value: rate, inline: true },
      { name: 'Median time to decision', value: median, inline: true },
      { name: 'Norms most often flagged', value: clip(norms, LIMITS.fieldValue) },
    );
  if (stats.decisions) {
    const d = stats.decisions;
    embed.addFields({
      name: 'Monitor',
      value: `${d.audited} audited · ${d.flag} flagged · ${d.explain} explained · ${d.unclear} unclear · shadow: ${d.shadowFlag} would flag, ${d.shadowExplain} would explain · ${d.failed} failed`,
    });
  }
  return embed;
}

function formatDuration(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 60) return `${minutes} min`;
  const hours = ms / 3_600_000;
  return hours < 48 ? `${hours.toFixed(1)} h` : `${(hours / 24).toFixed(1)} d`;
}
