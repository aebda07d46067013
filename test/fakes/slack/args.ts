// Reading Web API arguments the way Slack does. The WebClient form-encodes every call, so numbers
// and booleans arrive as strings and objects (blocks, view…) as JSON strings; a JSON body carries
// them typed. Handlers read through ApiArgs and never care which one came in.

/** A Slack-style failure: answered as HTTP 200 {ok:false, error} like the real API. */
export class ApiError extends Error {
  constructor(
    readonly error: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(error);
  }
}

/** Fields whose value Slack defines as JSON: parsed for handlers and for ApiCall.args. */
const JSON_FIELDS = new Set(['blocks', 'attachments', 'view', 'metadata', 'unfurls', 'user_auth_blocks']);

export function parseJsonFields(raw: Record<string, unknown>): Record<string, unknown> {
  const parsed: Record<string, unknown> = { ...raw };
  for (const key of Object.keys(parsed)) {
    const value = parsed[key];
    if (!JSON_FIELDS.has(key) || typeof value !== 'string') continue;
    try {
      parsed[key] = JSON.parse(value);
    } catch {
      // Left as sent: the handler that needs it reports invalid_arguments/invalid_blocks.
    }
  }
  return parsed;
}

/** Decodes a request body by content type; throws ApiError for bodies Slack would refuse. */
export function decodeBody(body: string, contentType: string | undefined): Record<string, unknown> {
  if (body.length === 0) return {};
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase();
  if (type === 'application/json') {
    let value: unknown;
    try {
      value = JSON.parse(body);
    } catch {
      throw new ApiError('invalid_json');
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ApiError('invalid_json');
    return value as Record<string, unknown>;
  }
  if (type === 'application/x-www-form-urlencoded' || type === '') {
    return Object.fromEntries(new URLSearchParams(body));
  }
  throw new ApiError('invalid_form_data');
}

export class ApiArgs {
  constructor(readonly values: Record<string, unknown>) {}

  has(name: string): boolean {
    const v = this.values[name];
    return v !== undefined && v !== null && v !== '';
  }

  str(name: string): string | undefined {
    const v = this.values[name];
    if (v === undefined || v === null || v === '') return undefined;
    return typeof v === 'string' ? v : String(v);
  }

  /** Missing required arguments answer invalid_arguments, as Slack does for most methods. */
  required(name: string): string {
    const v = this.str(name);
    if (v === undefined) throw new ApiError('invalid_arguments', { detail: `missing required argument ${name}` });
    return v;
  }

  int(name: string, fallback: number): number {
    const v = this.str(name);
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!Number.isInteger(n)) throw new ApiError('invalid_arguments', { detail: `${name} must be an integer` });
    return n;
  }

  bool(name: string, fallback: boolean): boolean {
    const v = this.values[name];
    if (v === undefined || v === null || v === '') return fallback;
    if (typeof v === 'boolean') return v;
    return v === 'true' || v === '1' || v === 1;
  }

  /** A JSON-valued argument, parsed; a string that is not JSON is invalid_arguments. */
  json<T = unknown>(name: string): T | undefined {
    const v = this.values[name];
    if (v === undefined || v === null || v === '') return undefined;
    if (typeof v !== 'string') return v as T;
    try {
      return JSON.parse(v) as T;
    } catch {
      throw new ApiError('invalid_arguments', { detail: `${name} is not valid JSON` });
    }
  }

  /** Comma-separated list ('U1,U2') or a JSON array. */
  list(name: string): string[] {
    const v = this.values[name];
    if (Array.isArray(v)) return v.map(String);
    const s = this.str(name);
    return s === undefined ? [] : s.split(',').map((x) => x.trim()).filter(Boolean);
  }
}
