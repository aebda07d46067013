/**
 * Typed errors with stable codes. Adapters, the CLI and the HTTP API map a code to a
 * friendly sentence, an exit code or a status; nobody parses messages.
 */
export const ERROR_CODES = [
  'BAD_INPUT',
  'CONFIG',
  'MODEL_UNAVAILABLE',
  'MODEL_MISSING',
  'OVERLOADED',
  'TIMEOUT',
  'BAD_OUTPUT',
  'SHED',
  'STORE',
  'PLATFORM',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export class NormguardError extends Error {
  readonly code: ErrorCode;
  /** Worth trying again later (by the scheduler, or by the user). */
  readonly retryable: boolean;
  /** When the message names a wait ("next try in 15s"), that wait, so an HTTP Retry-After can say the same. */
  readonly retryAfterMs: number | undefined;
  constructor(code: ErrorCode, message: string, options: { retryable?: boolean; cause?: unknown; retryAfterMs?: number } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'NormguardError';
    this.code = code;
    this.retryable = options.retryable ?? false;
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** One problem with one input field, reported together with the others. */
export interface FieldProblem {
  field: string;
  message: string;
}

export class BadInputError extends NormguardError {
  readonly problems: FieldProblem[];
  constructor(problems: FieldProblem[]) {
    super('BAD_INPUT', problems.map((p) => `${p.field}: ${p.message}`).join('; '));
    this.name = 'BadInputError';
    this.problems = problems;
  }
}

export class ConfigError extends NormguardError {
  readonly problems: string[];
  constructor(problems: string[]) {
    super('CONFIG', `invalid configuration:\n${problems.join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/** Why a chat platform refused a call: only `not-found` may be treated as "nothing there". */
export type PlatformFailure = 'not-found' | 'forbidden' | 'rate-limited' | 'failed';

/**
 * A Discord or Slack API call that failed, with the platform's own code (Discord's numeric JSON
 * code or HTTP status, Slack's `error` string) kept for the logs.
 */
export class PlatformError extends NormguardError {
  readonly failure: PlatformFailure;
  readonly platformCode: string | number | null;
  constructor(failure: PlatformFailure, platformCode: string | number | null, message: string, cause?: unknown) {
    super('PLATFORM', message, { retryable: failure === 'rate-limited' || failure === 'failed', cause });
    this.name = 'PlatformError';
    this.failure = failure;
    this.platformCode = platformCode;
  }
}

/** The code a log line should carry: a platform's own code, else ours or the library's (`ECONNREFUSED`…). */
export function errorCodeOf(err: unknown): string | number | undefined {
  if (err instanceof PlatformError && err.platformCode !== null) return err.platformCode;
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' || typeof code === 'number' ? code : undefined;
}

export function isNotFound(err: unknown): boolean {
  return err instanceof PlatformError && err.failure === 'not-found';
}

/** Codes that mean "the model could not answer", as opposed to "you asked wrongly". */
export const MODEL_UNAVAILABLE_CODES: ReadonlySet<ErrorCode> = new Set([
  'MODEL_UNAVAILABLE',
  'MODEL_MISSING',
  'OVERLOADED',
  'TIMEOUT',
  'SHED',
]);

export function isModelUnavailable(err: unknown): err is NormguardError {
  return err instanceof NormguardError && MODEL_UNAVAILABLE_CODES.has(err.code);
}

/** The one sentence a chat user or CLI user sees for an error; never a stack trace. */
export function describeError(err: unknown): string {
  if (!(err instanceof NormguardError)) return 'Something went wrong on our side; the moderators can check the logs.';
  switch (err.code) {
    case 'BAD_INPUT':
      return `That input was not usable: ${err.message}.`;
    case 'CONFIG':
      return err.message;
    case 'MODEL_MISSING':
      return `The model is not installed on the Ollama host: ${err.message}`;
    case 'MODEL_UNAVAILABLE':
      return `The model is unavailable right now (${err.message}). Please try again in a minute.`;
    case 'OVERLOADED':
    case 'SHED':
      return 'The model is busy right now. Please try again in a minute.';
    case 'TIMEOUT':
      return `The model took too long to answer (${err.message}). Please try again.`;
    case 'BAD_OUTPUT':
      return 'The model gave an answer we could not read. Please try again.';
    case 'STORE':
      return 'Storage is unavailable right now; nothing was lost, please try again.';
    case 'PLATFORM':
      return platformSentence(err as PlatformError);
  }
}

function platformSentence(err: PlatformError): string {
  const code = err.platformCode === null ? '' : ` (${err.platformCode})`;
  switch (err.failure) {
    case 'not-found':
      return `That is gone${code}: ${err.message}.`;
    case 'forbidden':
      return `normguard is not allowed to do that here${code}: ${err.message}. An admin can check the bot's permissions.`;
    case 'rate-limited':
      return `The chat platform asked normguard to slow down${code}. Please try again in a minute.`;
    case 'failed':
      return `The chat platform did not answer${code}: ${err.message}. Please try again.`;
  }
}
