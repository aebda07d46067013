// A small route table over decoded paths. Literal segments such as `@original` or `@me` match
// only themselves, `:name` matches any one segment; routes with fewer parameters are tried
// first, so `/users/@me` wins over `/users/:user` whatever order the route lists use.

import type { UploadedFile } from './message-body.js';

export interface RestRequest {
  method: string;
  path: string;
  params: Record<string, string>;
  query: Record<string, string>;
  // Free-form JSON from the client under test.
  body: any;
  files: UploadedFile[];
  reason?: string;
}

export interface RestAnswer {
  status: number;
  body?: unknown;
}

export type Handler = (req: RestRequest) => RestAnswer | Promise<RestAnswer>;

export interface Route {
  method: string;
  pattern: string;
  handler: Handler;
  /** Interaction callbacks and webhooks are authenticated by their token in the path, not the bot token. */
  public?: boolean;
}

export const ok = (body: unknown): RestAnswer => ({ status: 200, body });
export const created = (body: unknown): RestAnswer => ({ status: 201, body });
export const noContent = (): RestAnswer => ({ status: 204 });

function matchPattern(pattern: string[], segments: string[]): Record<string, string> | undefined {
  if (pattern.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i += 1) {
    const p = pattern[i]!;
    const s = segments[i]!;
    if (p.startsWith(':')) params[p.slice(1)] = s;
    else if (p !== s) return undefined;
  }
  return params;
}

export type RouteMatch = { route: Route; params: Record<string, string> } | 'method-not-allowed' | undefined;

export class Router {
  private readonly compiled: Array<{ route: Route; parts: string[] }>;

  constructor(routes: Route[]) {
    const params = (parts: string[]) => parts.filter((p) => p.startsWith(':')).length;
    this.compiled = routes
      .map((route) => ({ route, parts: route.pattern.split('/').filter(Boolean) }))
      .sort((a, b) => params(a.parts) - params(b.parts));
  }

  match(method: string, path: string): RouteMatch {
    const segments = path.split('/').filter(Boolean);
    let pathKnown = false;
    for (const { route, parts } of this.compiled) {
      const params = matchPattern(parts, segments);
      if (!params) continue;
      if (route.method === method) return { route, params };
      pathKnown = true;
    }
    return pathKnown ? 'method-not-allowed' : undefined;
  }
}
