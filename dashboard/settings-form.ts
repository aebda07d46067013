// The one place the dashboard meets `/ethics config`: its option specs (zod schemas, limits,
// choices) drive this form, its parser validates what comes back, and its pure change function
// applies it, so the web form and the slash command accept and refuse exactly the same things.
import { CONFIG_OPTIONS } from '../commands/ethics.js';
import { applyConfigChange, type ConfigChange } from '../commands/handlers.js';
import { parseOptions, type OptionSpec } from '../commands/options.js';
import type { WorkspaceSettings } from '../src/policy/settings.js';

export const CHANNEL_OPTION_NAMES = ['channel', 'mode', 'unclear_to_review'] as const;

export const channelOptions: readonly OptionSpec[] = CONFIG_OPTIONS.filter((o) => (CHANNEL_OPTION_NAMES as readonly string[]).includes(o.name));
export const workspaceOptions: readonly OptionSpec[] = CONFIG_OPTIONS.filter((o) => !(CHANNEL_OPTION_NAMES as readonly string[]).includes(o.name));

export type SettingsResult = { ok: true; settings: WorkspaceSettings; change: ConfigChange } | { ok: false; problems: Array<{ option: string; message: string }> };

/** Form fields (all strings) typed by each option's kind; an empty field means "leave as it is". */
export function formToInput(form: Record<string, unknown>): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  for (const spec of CONFIG_OPTIONS) {
    const value = form[spec.name];
    if (typeof value !== 'string' || value.trim() === '') continue;
    const v = value.trim();
    if (spec.kind === 'integer') input[spec.name] = /^-?\d+$/.test(v) ? Number(v) : v;
    else if (spec.kind === 'boolean') input[spec.name] = v === 'true' ? true : v === 'false' ? false : v;
    else input[spec.name] = v;
  }
  return input;
}

/** Validates like `/ethics config` and returns the settings it would produce; the caller stores them. */
export function checkSettingsChange(form: Record<string, unknown>): { ok: true; change: ConfigChange } | { ok: false; problems: Array<{ option: string; message: string }> } {
  const parsed = parseOptions(CONFIG_OPTIONS, formToInput(form));
  if (!parsed.ok) return { ok: false, problems: parsed.problems };
  const change = parsed.value as ConfigChange;
  if ((change.mode !== undefined || change.unclear_to_review !== undefined) && change.channel === undefined) {
    return { ok: false, problems: [{ option: 'channel', message: 'Say which channel: mode and unclear_to_review apply to a channel.' }] };
  }
  return { ok: true, change };
}

export { applyConfigChange, type ConfigChange };
