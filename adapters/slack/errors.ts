import { PlatformError, type PlatformFailure } from '../../src/errors.js';

/** Slack's `error` strings that mean "not there" (api.slack.com/methods, per method). */
const NOT_FOUND = new Set(['channel_not_found', 'message_not_found', 'thread_not_found', 'user_not_found']);
/** ...and those that mean "not allowed here". */
const FORBIDDEN = new Set(['not_in_channel', 'is_archived', 'restricted_action', 'cant_update_message', 'cant_delete_message', 'missing_scope', 'not_allowed_token_type', 'no_permission']);

interface WebApiError {
  code?: string;
  data?: { error?: string };
  statusCode?: number;
  message?: string;
}

/** A @slack/web-api failure as a PlatformError with Slack's own `error` string kept. */
export function toPlatformError(err: unknown, what: string): unknown {
  if (err instanceof PlatformError || typeof err !== 'object' || err === null) return err;
  const e = err as WebApiError;
  if (typeof e.code !== 'string' || !e.code.startsWith('slack_webapi_')) return err;
  const slackCode = e.data?.error ?? e.statusCode ?? e.code;
  let failure: PlatformFailure = 'failed';
  if (e.code === 'slack_webapi_rate_limited_error') failure = 'rate-limited';
  else if (typeof slackCode === 'string' && NOT_FOUND.has(slackCode)) failure = 'not-found';
  else if (typeof slackCode === 'string' && FORBIDDEN.has(slackCode)) failure = 'forbidden';
  return new PlatformError(failure, slackCode, `${what}: ${typeof slackCode === 'string' ? slackCode : (e.message ?? 'failed')}`, err);
}

/** Runs one Web API call and turns its failure into a PlatformError the core can reason about. */
export async function slackCall<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw toPlatformError(err, what);
  }
}
