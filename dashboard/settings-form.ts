// The one place the dashboard meets `/ethics config`: its zod options (names, limits, choices)
// drive this form, the same schema validates what comes back, and its pure change function
// applies it, so the web form and the slash command accept and refuse exactly the same things.
import { applyConfigChange, configOptions, PLATFORM_ONLY, type ConfigChange } from '../commands/config.js';
import { optionSpecs, problemsOf, type OptionSpec } from '../commands/options.js';

export const CHANNEL_OPTION_NAMES = ['channel', 'mode', 'unclear_to_review', 'min_score'] as const;
const isChannelOption = (o: OptionSpec) => (CHANNEL_OPTION_NAMES as readonly string[]).includes(o.name);
/** Options the platform has: Discord roles and Slack user groups have their own names. */
const forPlatform = (platform: 'discord' | 'slack') => (o: OptionSpec) => (PLATFORM_ONLY[o.name] ?? platform) === platform;

const ALL = optionSpecs(configOptions);
export const channelOptions = (platform: 'discord' | 'slack'): OptionSpec[] => ALL.filter(isChannelOption).filter(forPlatform(platform));
export const workspaceOptions = (platform: 'discord' | 'slack'): OptionSpec[] => ALL.filter((o) => !isChannelOption(o)).filter(forPlatform(platform));

/** Form fields (all strings) typed by each option's kind; an empty field means "leave as it is". */
export function formToInput(form: Record<string, unknown>): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  for (const spec of ALL) {
    const value = form[spec.name];
    if (typeof value !== 'string' || value.trim() === '') continue;
    const v = value.trim();
    if (spec.kind === 'integer') input[spec.name] = /^-?\d+$/.test(v) ? Number(v) : v;
    else if (spec.kind === 'boolean') input[spec.name] = v === 'true' ? true : v === 'false' ? false : v;
    else input[spec.name] = v;
  }
  return input;
}

/** Validates like `/ethics config` (its schema and its channel rule); the caller stores the change. */
export function checkSettingsChange(form: Record<string, unknown>): { ok: true; change: ConfigChange } | { ok: false; problems: Array<{ option: string; message: string }> } {
  const input = formToInput(form);
  const parsed = configOptions.safeParse(input);
  if (!parsed.success) return { ok: false, problems: problemsOf(parsed.error, input) };
  const change = parsed.data;
  if ((change.mode !== undefined || change.unclear_to_review !== undefined || change.min_score !== undefined) && change.channel === undefined) {
    return { ok: false, problems: [{ option: 'channel', message: 'Say which channel: mode, unclear_to_review and min_score apply to a channel.' }] };
  }
  return { ok: true, change };
}

export { applyConfigChange, type ConfigChange };
