import { NormguardError, PlatformError } from '../errors.js';

export const EXIT = { ok: 0, failure: 1, badInput: 2, modelUnavailable: 3 } as const;

/** Codes Node's sockets and fetch give when the other side cannot be reached at all. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_SOCKET']);

/** Could not reach a server (Ollama, Discord, Slack): the same exit code everywhere, 3. */
export function isNetworkFailure(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return true;
    if (e instanceof Error && e.name !== 'AbortError' && /fetch failed|socket hang up|connect ECONNREFUSED/i.test(e.message)) return true;
  }
  return false;
}

/** One exit code per kind of failure, whichever command met it. */
export function exitCodeOf(err: unknown): number {
  if (err instanceof PlatformError) return err.failure === 'failed' || err.failure === 'rate-limited' ? EXIT.modelUnavailable : EXIT.failure;
  if (err instanceof NormguardError && (err.code === 'BAD_INPUT' || err.code === 'CONFIG')) return EXIT.badInput;
  // Everything else the model or the store did (unavailable, unreadable output) is theirs, not the user's.
  if (err instanceof NormguardError) return EXIT.modelUnavailable;
  return isNetworkFailure(err) ? EXIT.modelUnavailable : EXIT.failure;
}

/** `--json`: a failure as JSON on stderr, so scripts never parse prose. */
export function failureJson(code: string, message: string, extra: Record<string, unknown> = {}): { error: Record<string, unknown> } {
  return { error: { code, message, ...extra } };
}
