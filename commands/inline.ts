import type { AssessCommand } from './ethics.js';

export const INLINE_SYNTAX =
  'Use `/ethics check situation: … | intent: … | action: …` (fields separated by `|` or new lines; ' +
  '`advise` takes situation and intent, `why` takes norm and situation), or `/ethics` alone for a form.';

/**
 * Parses the quick inline form Slack users type after a subcommand:
 * `situation: We are in a game chat | intent: win | action: call him an idiot`.
 * Labels may come in any order; unknown labels are an error that names them.
 */
export function parseInline(command: AssessCommand, text: string): { ok: true; fields: Record<string, string> } | { ok: false; message: string } {
  const known = command.options.filter((o) => o.kind === 'string').map((o) => o.name);
  const fields: Record<string, string> = {};
  const parts = text.split(/\s*(?:\||\n)\s*/).filter((p) => p.trim().length > 0);
  for (const part of parts) {
    const m = /^([a-z_]+)\s*[:=]\s*([\s\S]*)$/i.exec(part.trim());
    if (!m) return { ok: false, message: `I could not read "${truncate(part)}": each field needs a label, like \`situation: …\`. ${INLINE_SYNTAX}` };
    const label = (m[1] ?? '').toLowerCase();
    const name = label === 'intention' ? 'intent' : label;
    if (name === 'public') {
      fields.public = (m[2] ?? '').trim();
      continue;
    }
    if (!known.includes(name)) {
      return { ok: false, message: `\`/ethics ${command.name}\` has no field "${label}"; it takes ${known.join(', ')}. ${INLINE_SYNTAX}` };
    }
    fields[name] = (m[2] ?? '').trim();
  }
  const missing = known.filter((n) => command.options.find((o) => o.name === n)?.required && !fields[n]);
  if (missing.length > 0) return { ok: false, message: `\`/ethics ${command.name}\` needs ${missing.join(', ')}. ${INLINE_SYNTAX}` };
  return { ok: true, fields };
}

function truncate(s: string): string {
  return s.length > 40 ? `${s.slice(0, 39)}…` : s;
}
