import pino, { type Logger as PinoLogger, type DestinationStream } from 'pino';

export type Logger = PinoLogger;

/** Keys whose values never reach a log line, wherever they sit in a logged object. */
const REDACT_PATHS = [
  'token',
  'apiToken',
  'authorization',
  'password',
  'secret',
  '*.token',
  '*.apiToken',
  '*.authorization',
  '*.Authorization',
  '*.password',
  '*.secret',
  '*.signingSecret',
  '*.botToken',
  '*.appToken',
  'headers.authorization',
  'req.headers.authorization',
  'config.NORMGUARD_API_TOKEN',
  'config.DISCORD_TOKEN',
  'config.SLACK_BOT_TOKEN',
  'config.SLACK_SIGNING_SECRET',
  'config.SLACK_APP_TOKEN',
];

export interface LoggerOptions {
  level: string;
  /** Secret values to scrub from every message, even inside free text (e.g. an error message quoting a URL). */
  secrets?: string[];
  destination?: DestinationStream;
}

export function createLogger(options: LoggerOptions): Logger {
  const secrets = (options.secrets ?? []).filter((s) => s.length >= 6);
  return pino(
    {
      level: options.level,
      base: { app: 'normguard' },
      // The default serializer folds a cause into the message and drops its properties; this keeps
      // the cause as an object, with its own code and status (a DiscordAPIError behind a STORE error).
      serializers: { err: pino.stdSerializers.errWithCause },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      hooks: {
        // Redaction by path misses secrets quoted inside strings (a URL with a token, an SDK
        // error message); scrub the known values from the arguments as a second line of defence.
        logMethod(args, method) {
          if (secrets.length === 0) return method.apply(this, args);
          const scrubbed = args.map((a) => scrubSecrets(a, secrets)) as Parameters<typeof method>;
          return method.apply(this, scrubbed);
        },
      },
    },
    options.destination ?? pino.destination(2),
  );
}

/** Nesting followed while scrubbing; anything deeper is replaced, since it could not be checked. */
const MAX_SCRUB_DEPTH = 6;

export function scrubSecrets(value: unknown, secrets: string[], depth = 0): unknown {
  if (typeof value === 'string') {
    let out = value;
    for (const s of secrets) out = out.split(s).join('[redacted]');
    return out;
  }
  if (value === null || typeof value !== 'object') return value;
  if (depth > MAX_SCRUB_DEPTH) return '[not logged: nested too deep to check for secrets]';
  if (value instanceof Error) return scrubError(value, secrets, depth);
  if (Array.isArray(value)) return value.map((v) => scrubSecrets(v, secrets, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = scrubSecrets(v, secrets, depth + 1);
  return out;
}

/**
 * A scrubbed copy of an error that is still the same kind of error: same prototype (so pino's
 * serializer names its class, and getters such as discord.js's `name` still work), and every own
 * property — message, stack, `code`, `retryable`, `status`, `cause` — copied with secrets scrubbed.
 */
function scrubError(err: Error, secrets: string[], depth: number): Error {
  const copy = Object.create(Object.getPrototypeOf(err) as object) as Error;
  for (const key of Object.getOwnPropertyNames(err)) {
    const descriptor = Object.getOwnPropertyDescriptor(err, key);
    if (descriptor === undefined || !('value' in descriptor)) continue;
    Object.defineProperty(copy, key, { ...descriptor, value: scrubSecrets(descriptor.value, secrets, depth + 1) });
  }
  return copy;
}

/** A logger that writes nothing, for tests and tools that do not want logs. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
