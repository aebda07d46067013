import { NormguardError } from '../errors.js';

export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** A storage failure: retryable, because the usual causes (a restart, a lost connection) pass. */
export function storeError(message: string, cause?: unknown): NormguardError {
  return new NormguardError('STORE', message, { retryable: true, cause });
}
