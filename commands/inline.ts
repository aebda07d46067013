import type { Command } from './define.js';
import { optionSpecs, type OptionSpec } from './options.js';

export const INLINE_SYNTAX =
  'Use `/ethics check situation: … | intent: … | action: …` (fields separated by `|` or new lines; ' +
  '`advise` takes situation and intent, `why` takes norm and situation), or `/ethics` alone for a form.';

export type TextParse = { ok: true; input: Record<string, unknown> } | { ok: false; message: string };

/** Older words people type for an option. */
const ALIASES: Record<string, string> = { intention: 'intent' };

/**
 * Parses the text form of any command, as typed after `/ethics <name>` on Slack:
 * `situation: We are in a game chat | intent: win | action: call him an idiot`,
 * `channel: #general mode: coach`, or a bare value for the command's positional option
 * (`/ethics case c_abcdefghij`). Labels may come in any order; an unknown one is named.
 */
export function parseCommandText(command: Command, text: string): TextParse {
  const specs = optionSpecs(command.options);
  const names = [...specs.map((s) => s.name), ...Object.keys(ALIASES)];
  // A known label may follow a space; any other `word:` counts as a label only at the start of a
  // field (after `|` or a new line), so a colon inside someone's words is just text.
  const label = new RegExp(`(?:(?:^|[\\s|]+)(${names.join('|')})|(?:^|\\s*[|\\n]\\s*)([a-z_]+))\\s*[:=]\\s*`, 'gi');
  const input: Record<string, unknown> = {};
  const marks = [...text.matchAll(label)];
  const lead = (marks[0] ? text.slice(0, marks[0].index) : text).trim();
  if (lead) {
    if (!command.positional) return { ok: false, message: `I could not read "${truncate(lead)}": each field needs a label, like \`${specs[0]?.name ?? 'name'}: …\`. ${INLINE_SYNTAX}` };
    input[command.positional] = lead;
  }
  for (const [i, m] of marks.entries()) {
    const raw = (m[1] ?? m[2] ?? '').toLowerCase();
    const name = ALIASES[raw] ?? raw;
    const spec = specs.find((s) => s.name === name);
    if (!spec) return { ok: false, message: `\`/ethics ${command.name}\` has no field "${raw}"; it takes ${specs.map((s) => s.name).join(', ')}.` };
    const end = marks[i + 1]?.index ?? text.length;
    input[name] = text.slice((m.index ?? 0) + m[0].length, end).replace(/[\s|]+$/, '').trim();
  }
  for (const spec of specs) if (typeof input[spec.name] === 'string') input[spec.name] = convert(spec, input[spec.name] as string);
  return { ok: true, input };
}

/** Text to the option's type; Slack's escaped references (<#C1|name>, <@U1|name>, <!subteam^S1|@x>) to their ids. */
function convert(spec: OptionSpec, value: string): unknown {
  switch (spec.kind) {
    case 'boolean':
      return /^(yes|true|1|on)$/i.test(value) ? true : /^(no|false|0|off)$/i.test(value) ? false : value;
    case 'integer':
      return /^-?\d+$/.test(value) ? Number(value) : value;
    case 'channel':
      return /^<#([A-Z0-9_]+)(?:\|[^>]*)?>$/i.exec(value)?.[1] ?? value;
    case 'user':
      return /^<@([A-Z0-9_]+)(?:\|[^>]*)?>$/i.exec(value)?.[1] ?? value;
    case 'role':
      return /^<!subteam\^([A-Z0-9_]+)(?:\|[^>]*)?>$/i.exec(value)?.[1] ?? value;
    case 'string':
      return value;
  }
}

function truncate(s: string): string {
  return s.length > 40 ? `${s.slice(0, 39)}…` : s;
}
