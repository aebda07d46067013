import { ApiArgs, ApiError } from '../args.js';
import { appMethods } from './apps.js';
import { chatMethods } from './chat.js';
import type { ApiContext, ApiTable } from './context.js';
import { conversationMethods } from './conversations.js';
import { directoryMethods } from './directory.js';
import { viewMethods } from './views.js';

export type { ApiContext } from './context.js';

const METHODS: ApiTable = {
  ...appMethods,
  ...chatMethods,
  ...conversationMethods,
  ...directoryMethods,
  ...viewMethods,
};

/** Methods only an app-level token (xapp-) may call; Slack refuses bot tokens there and vice versa. */
const APP_TOKEN_METHODS = new Set(['apps.connections.open']);
/** Methods either kind of token may call. */
const ANY_TOKEN_METHODS = new Set(['auth.test']);

/** Runs one Web API method and returns the body Slack would answer, success or failure. */
export function callMethod(method: string, values: Record<string, unknown>, ctx: ApiContext): Record<string, unknown> {
  const handler = METHODS[method];
  if (!handler) return { ok: false, error: 'unknown_method', req_method: method };
  try {
    checkToken(method, ctx.token);
    return { ok: true, ...handler(new ApiArgs(values), ctx) };
  } catch (err) {
    if (err instanceof ApiError) return { ok: false, error: err.error, ...err.extra };
    throw err;
  }
}

// Mixing up the bot token and the Socket Mode app token is a classic misconfiguration, so the
// fake tells them apart by prefix as Slack does.
function checkToken(method: string, token: string | undefined): void {
  if (token === undefined || token === '') throw new ApiError('not_authed');
  if (ANY_TOKEN_METHODS.has(method)) return;
  const isAppToken = token.startsWith('xapp-');
  if (APP_TOKEN_METHODS.has(method) !== isAppToken) throw new ApiError('not_allowed_token_type');
}
