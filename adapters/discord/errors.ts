import { DiscordAPIError } from 'discord.js';
import { PlatformError, type PlatformFailure } from '../../src/errors.js';

/**
 * Discord's "unknown" JSON codes (discord.com/developers/docs/topics/opcodes-and-status-codes):
 * 10003 channel, 10007 member, 10008 message, 10013 user, 10062 interaction. Only these mean
 * "not there"; a 403, a 429 or a 5xx is something else and must be reported as such.
 */
const NOT_FOUND = new Set([10003, 10007, 10008, 10013, 10062]);
/** 50001 Missing Access, 50007 cannot DM this user, 50013 Missing Permissions. */
const FORBIDDEN = new Set([50001, 50007, 50013]);

export function toPlatformError(err: unknown, what: string): unknown {
  if (err instanceof PlatformError) return err;
  if (!(err instanceof DiscordAPIError)) return err;
  const code = typeof err.code === 'number' ? err.code : null;
  let failure: PlatformFailure = 'failed';
  if ((code !== null && NOT_FOUND.has(code)) || err.status === 404) failure = 'not-found';
  else if ((code !== null && FORBIDDEN.has(code)) || err.status === 403) failure = 'forbidden';
  else if (err.status === 429) failure = 'rate-limited';
  return new PlatformError(failure, code ?? err.status, `${what}: ${err.message}`, err);
}

/** Runs one Discord call and turns its failure into a PlatformError the core can reason about. */
export async function discordCall<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw toPlatformError(err, what);
  }
}

/** The value, or null when Discord says it is not there; every other failure propagates. */
export async function orNotFound<T>(what: string, fn: () => Promise<T>): Promise<T | null> {
  try {
    return await discordCall(what, fn);
  } catch (err) {
    if (err instanceof PlatformError && err.failure === 'not-found') return null;
    throw err;
  }
}
