import type { Command } from '../../commands/index.js';
import { optionSpecs, type OptionSpec } from '../../commands/options.js';
import { verdictMethodSchema } from '../../src/assessment/types.js';

const METHODS = verdictMethodSchema.options.join('|');

/** One-letter flags people already type. */
export const SHORT: Record<string, string> = { situation: 's', intent: 'i', action: 'a', norm: 'n' };

/** Options that mean nothing on a terminal (`public`: the answer is only ever yours here). */
export function cliOptions(command: Command): OptionSpec[] {
  return optionSpecs(command.options).filter((o) => o.name !== 'public');
}

function placeholder(o: OptionSpec): string {
  if (o.kind === 'boolean') return '';
  if (o.choices) return ` ${o.choices.join('|')}`;
  return o.kind === 'integer' ? ' N' : ' TEXT';
}

function limits(o: OptionSpec): string {
  const parts = [o.required ? 'required' : 'optional'];
  if (o.maxLength !== undefined) parts.push(`up to ${o.maxLength} characters`);
  if (o.minValue !== undefined && o.maxValue !== undefined) parts.push(`${o.minValue}–${o.maxValue}`);
  return parts.join(', ');
}

const quote = (v: string | number | boolean) => (typeof v === 'string' && /[\s"'$`\\]/.test(v) ? `"${v.replace(/(["$`\\])/g, '\\$1')}"` : String(v));

/** `normguard <command> --help`: every option explained, and an example, all from the registry. */
export function commandHelp(command: Command): string {
  const options = cliOptions(command);
  const synopsis = options.map((o) => (o.required ? `--${o.name}${placeholder(o)}` : `[--${o.name}${placeholder(o)}]`)).join(' ');
  const rows: Array<[string, string]> = [
    ...options.map((o): [string, string] => [`${SHORT[o.name] ? `-${SHORT[o.name]}, ` : '    '}--${o.name}${placeholder(o)}`, `${o.description} (${limits(o)})`]),
    ['    --json', 'print the Assessment as JSON; errors too, as JSON on stderr'],
    [`    --method ${METHODS}`, 'calibrated (default): token probabilities with the frame’s lean removed; contrast: S3 against S2; structured: prose, then a JSON verdict; fast: the JSON verdict only'],
    ['-h, --help', 'this help'],
  ];
  const width = Math.max(...rows.map(([flag]) => flag.length)) + 2;
  const example = Object.entries(command.example).map(([k, v]) => `--${k} ${quote(v)}`).join(' ');
  return [
    `normguard ${command.name} — ${command.description}`,
    '',
    `Usage: normguard ${command.name} ${synopsis} [--json] [--method ${METHODS}]`,
    '',
    'Options:',
    ...rows.map(([flag, text]) => `  ${flag.padEnd(width)}${text}`),
    '',
    'Example:',
    `  normguard ${command.name} ${example}`,
    '',
    'Exit codes: 0 answered, 2 bad input, 3 model unavailable or unreachable.',
    '',
  ].join('\n');
}
