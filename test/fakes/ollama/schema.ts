/**
 * Structured answers. Ollama constrains decoding to the request's JSON schema, so a healthy
 * simulator must always return a conforming value; the facts decide what goes in the fields
 * the bot reads (verdict, severity, norm, summary).
 */
export interface Facts {
  verdict: 'permissible' | 'impermissible' | 'unclear';
  severity: 'none' | 'low' | 'medium' | 'high';
  norm: string;
  summary: string;
}

type Schema = Record<string, unknown>;

const PLACEHOLDER = 'n/a';

export function freeJson(facts: Facts): Record<string, unknown> {
  return { verdict: facts.verdict, severity: facts.severity, norm: facts.norm, summary: facts.summary };
}

export function conformingValue(schema: unknown, facts: Facts): unknown {
  return conform(asSchema(schema), facts, asSchema(schema), undefined);
}

/** The `nonsense` fault for structured requests: the right shape, every field the wrong type. */
export function wronglyTypedValue(schema: unknown): unknown {
  const root = asSchema(schema);
  const resolved = resolve(root, root);
  const properties = asSchema(resolved.properties);
  const names = Object.keys(properties);
  if (names.length === 0) return { verdict: 7, severity: false, norm: 0, summary: null };
  const out: Record<string, unknown> = {};
  for (const name of names) out[name] = wrongFor(resolve(asSchema(properties[name]), root));
  return out;
}

function wrongFor(schema: Schema): unknown {
  if (Array.isArray(schema.enum) || schema.const !== undefined) return 7;
  switch (firstType(schema)) {
    case 'number':
    case 'integer':
      return 'seven';
    case 'boolean':
      return 'maybe';
    case 'array':
      return { not: 'a list' };
    case 'object':
      return 'not an object';
    case 'null':
      return 0;
    default:
      return 7;
  }
}

function conform(input: Schema, facts: Facts, root: Schema, name: string | undefined): unknown {
  const schema = resolve(input, root);
  if (schema.const !== undefined) return schema.const;
  const wanted = name === undefined ? undefined : wellKnownString(name, facts);
  if (Array.isArray(schema.enum) && schema.enum.length > 0) {
    return wanted !== undefined && schema.enum.includes(wanted) ? wanted : schema.enum[0];
  }
  for (const key of ['anyOf', 'oneOf', 'allOf'] as const) {
    const branches = schema[key];
    if (Array.isArray(branches) && branches.length > 0) {
      const branch = branches.map(asSchema).find((b) => firstType(resolve(b, root)) !== 'null') ?? asSchema(branches[0]);
      return conform({ ...withoutKey(schema, key), ...resolve(branch, root) }, facts, root, name);
    }
  }

  switch (firstType(schema)) {
    case 'object':
      return conformObject(schema, facts, root);
    case 'array': {
      const min = typeof schema.minItems === 'number' ? schema.minItems : 0;
      const max = typeof schema.maxItems === 'number' ? schema.maxItems : Infinity;
      const count = Math.min(Math.max(min, 1), max);
      const itemName = name?.replace(/s$/, '');
      return Array.from({ length: count }, () => conform(asSchema(schema.items), facts, root, itemName));
    }
    case 'string':
      return fitString(wanted ?? PLACEHOLDER, schema);
    case 'number':
    case 'integer':
      return fitNumber(name !== undefined && /confidence|probability|score/i.test(name) ? 0.9 : 0, schema);
    case 'boolean':
      return name !== undefined && /flag|violat|harm/i.test(name) ? facts.verdict === 'impermissible' : false;
    case 'null':
      return null;
    default:
      return wanted ?? PLACEHOLDER;
  }
}

function conformObject(schema: Schema, facts: Facts, root: Schema): Record<string, unknown> {
  const properties = asSchema(schema.properties);
  const out: Record<string, unknown> = {};
  // Every declared property is filled: allowed even under additionalProperties:false, and
  // a client that reads an optional field still gets something to read.
  for (const [key, sub] of Object.entries(properties)) out[key] = conform(asSchema(sub), facts, root, key);
  const required = Array.isArray(schema.required) ? schema.required : [];
  for (const key of required) {
    if (typeof key === 'string' && !(key in out)) {
      const extra = schema.additionalProperties;
      out[key] = extra && typeof extra === 'object' ? conform(asSchema(extra), facts, root, key) : PLACEHOLDER;
    }
  }
  return out;
}

function wellKnownString(name: string, facts: Facts): string | undefined {
  switch (name) {
    case 'verdict':
      return facts.verdict;
    case 'severity':
      return facts.severity;
    case 'norm':
      return facts.norm;
    case 'summary':
      return facts.summary;
    default:
      return undefined;
  }
}

function fitString(value: string, schema: Schema): string {
  let out = value;
  if (typeof schema.maxLength === 'number') out = out.slice(0, schema.maxLength);
  if (typeof schema.minLength === 'number' && out.length < schema.minLength) out = out.padEnd(schema.minLength, '.');
  return out;
}

function fitNumber(value: number, schema: Schema): number {
  let out = value;
  if (typeof schema.minimum === 'number') out = Math.max(out, schema.minimum);
  if (typeof schema.exclusiveMinimum === 'number' && out <= schema.exclusiveMinimum) out = schema.exclusiveMinimum + 1;
  if (typeof schema.maximum === 'number') out = Math.min(out, schema.maximum);
  if (typeof schema.exclusiveMaximum === 'number' && out >= schema.exclusiveMaximum) out = schema.exclusiveMaximum - 1;
  return firstType(schema) === 'integer' ? Math.ceil(out) : out;
}

function firstType(schema: Schema): string | undefined {
  const type = schema.type;
  if (typeof type === 'string') return type;
  if (Array.isArray(type)) return type.find((t) => t !== 'null') ?? type[0];
  if (schema.properties !== undefined) return 'object';
  if (schema.items !== undefined) return 'array';
  return undefined;
}

/** Local references only (`#/$defs/x`, `#/definitions/x`): what zod and pydantic emit. */
function resolve(schema: Schema, root: Schema): Schema {
  let current = schema;
  for (let depth = 0; depth < 16 && typeof current.$ref === 'string'; depth++) {
    const path = current.$ref.replace(/^#\/?/, '').split('/').filter(Boolean);
    let target: unknown = root;
    for (const part of path) target = asSchema(target)[part.replace(/~1/g, '/').replace(/~0/g, '~')];
    current = { ...withoutKey(current, '$ref'), ...asSchema(target) };
  }
  return current;
}

function withoutKey(schema: Schema, key: string): Schema {
  const { [key]: _dropped, ...rest } = schema;
  return rest;
}

function asSchema(value: unknown): Schema {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Schema) : {};
}
