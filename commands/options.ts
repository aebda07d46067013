import { z } from 'zod';

/**
 * A command's options are one zod object; each option carries its description and platform
 * kind as metadata. Validation, argument types (z.infer) and every platform's registration
 * (Discord slash-command JSON, Slack text and forms, CLI flags and --help) come from it.
 */
export type OptionKind = 'string' | 'boolean' | 'integer' | 'channel' | 'role' | 'user';

interface OptionMeta {
  description: string;
  kind: OptionKind;
  multiline?: boolean;
}

/** Discord's ceilings: 32-character option names, 100-character descriptions, 6000-character string options. */
export const DISCORD_LIMITS = { name: 32, description: 100, stringOption: 6000 } as const;

export function text(description: string, opts: { max: number; multiline?: boolean; name: string }) {
  return z
    .string({ error: `${opts.name} must be text` })
    .trim()
    .min(1, `${opts.name} cannot be empty`)
    .max(opts.max, `${opts.name} is too long (${opts.max} characters at most)`)
    .meta({ description, kind: 'string', ...(opts.multiline ? { multiline: true } : {}) } satisfies OptionMeta);
}

export function flag(description: string) {
  return z.boolean().meta({ description, kind: 'boolean' } satisfies OptionMeta);
}

export function choice<T extends string>(name: string, description: string, choices: readonly [T, ...T[]]) {
  return z.enum(choices, { error: `${name} must be one of ${choices.join(', ')}` }).meta({ description, kind: 'string' } satisfies OptionMeta);
}

export function integer(name: string, description: string, opts: { min: number; max: number }) {
  return z
    .number({ error: `${name} must be a number` })
    .int(`${name} must be a whole number`)
    .min(opts.min, `${name} must be at least ${opts.min}`)
    .max(opts.max, `${name} must be at most ${opts.max}`)
    .meta({ description, kind: 'integer' } satisfies OptionMeta);
}

/** A platform id: channel, role (a Slack user group) or member. */
export function ref(kind: 'channel' | 'role' | 'user', description: string) {
  return z.string().min(1).meta({ description, kind } satisfies OptionMeta);
}

/** One option as platforms render it, read back from the schema. */
export interface OptionSpec {
  name: string;
  description: string;
  kind: OptionKind;
  required: boolean;
  minLength?: number;
  maxLength?: number;
  minValue?: number;
  maxValue?: number;
  choices?: readonly string[];
  multiline?: boolean;
}

export type Options = z.ZodObject<Record<string, z.ZodType>>;

export function optionSpecs(options: Options): OptionSpec[] {
  return Object.entries(options.shape).map(([name, schema]) => {
    const required = !(schema instanceof z.ZodOptional);
    const inner = (schema instanceof z.ZodOptional ? schema.unwrap() : schema) as z.ZodType;
    const meta = z.globalRegistry.get(inner) as OptionMeta | undefined;
    if (!meta) throw new Error(`option ${name} has no description`);
    const spec: OptionSpec = { name, description: meta.description, kind: meta.kind, required, ...(meta.multiline ? { multiline: true } : {}) };
    if (inner instanceof z.ZodString) {
      if (inner.minLength !== null) spec.minLength = inner.minLength;
      if (inner.maxLength !== null) spec.maxLength = inner.maxLength;
    }
    if (inner instanceof z.ZodNumber) {
      if (Number.isFinite(inner.minValue)) spec.minValue = inner.minValue as number;
      if (Number.isFinite(inner.maxValue)) spec.maxValue = inner.maxValue as number;
    }
    if (inner instanceof z.ZodEnum) spec.choices = inner.options as string[];
    return spec;
  });
}

export interface OptionProblem {
  option: string;
  message: string;
}

/** Every problem at once, in option names; a missing value says so rather than "expected string". */
export function problemsOf(error: z.ZodError, input: Record<string, unknown>): OptionProblem[] {
  return error.issues.map((i) => {
    const option = String(i.path[0] ?? '');
    const missing = i.code === 'invalid_type' && input[option] === undefined;
    return { option, message: missing ? `${option} is required` : i.message };
  });
}

export function problemsText(problems: readonly OptionProblem[]): string {
  return `Please fix: ${problems.map((p) => p.message).join('; ')}.`;
}
