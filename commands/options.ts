import { z } from 'zod';

/**
 * A command option declared once: its zod schema validates input on every platform, and its
 * metadata (description, limits, choices) is what each adapter renders into its own
 * registration (Discord slash-command JSON, Slack modal inputs).
 */
export type OptionKind = 'string' | 'boolean' | 'integer' | 'channel' | 'role' | 'user';

export interface OptionSpec {
  name: string;
  /** Discord caps option descriptions at 100 characters. */
  description: string;
  kind: OptionKind;
  required: boolean;
  minLength?: number;
  maxLength?: number;
  minValue?: number;
  maxValue?: number;
  choices?: readonly string[];
  /** Multi-line input on platforms that distinguish (Slack modals, Discord modals). */
  multiline?: boolean;
  schema: z.ZodType;
}

/** Discord's ceilings: 32-character option names, 100-character descriptions, 6000-character string options. */
export const DISCORD_LIMITS = { name: 32, description: 100, stringOption: 6000 } as const;

export function text(name: string, description: string, opts: { max: number; required?: boolean; multiline?: boolean }): OptionSpec {
  const required = opts.required ?? true;
  const base = z
    .string({ error: `${name} must be text` })
    .trim()
    .min(1, `${name} cannot be empty`)
    .max(opts.max, `${name} is too long (${opts.max} characters at most)`);
  return { name, description, kind: 'string', required, minLength: 1, maxLength: opts.max, multiline: opts.multiline, schema: required ? base : base.optional() };
}

export function flag(name: string, description: string): OptionSpec {
  return { name, description, kind: 'boolean', required: false, schema: z.boolean().optional() };
}

export function choice<T extends string>(name: string, description: string, choices: readonly [T, ...T[]], required = false): OptionSpec {
  const base = z.enum(choices, { error: `${name} must be one of ${choices.join(', ')}` });
  return { name, description, kind: 'string', required, choices, schema: required ? base : base.optional() };
}

export function integer(name: string, description: string, opts: { min: number; max: number; required?: boolean }): OptionSpec {
  const base = z
    .number({ error: `${name} must be a number` })
    .int(`${name} must be a whole number`)
    .min(opts.min, `${name} must be at least ${opts.min}`)
    .max(opts.max, `${name} must be at most ${opts.max}`);
  return { name, description, kind: 'integer', required: opts.required ?? false, minValue: opts.min, maxValue: opts.max, schema: opts.required ? base : base.optional() };
}

export function channel(name: string, description: string, required = false): OptionSpec {
  const base = z.string().min(1);
  return { name, description, kind: 'channel', required, schema: required ? base : base.optional() };
}

export function role(name: string, description: string, required = false): OptionSpec {
  const base = z.string().min(1);
  return { name, description, kind: 'role', required, schema: required ? base : base.optional() };
}

export function user(name: string, description: string, required = false): OptionSpec {
  const base = z.string().min(1);
  return { name, description, kind: 'user', required, schema: required ? base : base.optional() };
}

/** The zod object for a command's options: the single source of truth for validation. */
export function schemaOf(options: readonly OptionSpec[]): z.ZodObject<Record<string, z.ZodType>> {
  return z.object(Object.fromEntries(options.map((o) => [o.name, o.schema])));
}

export interface OptionProblem {
  option: string;
  message: string;
}

/** Validates raw input against a command's options; every problem at once, in option names. */
export function parseOptions(
  options: readonly OptionSpec[],
  input: Record<string, unknown>,
): { ok: true; value: Record<string, unknown> } | { ok: false; problems: OptionProblem[] } {
  const result = schemaOf(options).safeParse(input);
  if (result.success) return { ok: true, value: result.data };
  return {
    ok: false,
    problems: result.error.issues.map((i) => {
      const option = String(i.path[0] ?? '');
      const missing = i.code === 'invalid_type' && input[option] === undefined;
      return { option, message: missing ? `${option} is required` : i.message };
    }),
  };
}
