import type { ApiArgs } from '../args.js';
import type { Workspace } from '../workspace.js';

// The shape shared by all Web API method handlers: parsed arguments in, the body after `ok:true`
// out; failures are thrown as ApiError and answered {ok:false, error}.

export interface ApiContext {
  ws: Workspace;
  token: string | undefined;
  /** A fresh single-use Socket Mode URL (apps.connections.open). */
  openSocketUrl: () => string;
}

export type ApiHandler = (args: ApiArgs, ctx: ApiContext) => Record<string, unknown>;

export type ApiTable = Readonly<Record<string, ApiHandler>>;
