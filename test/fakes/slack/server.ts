import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { ApiError, decodeBody, parseJsonFields } from './args.js';
import type { CallLog } from './call-log.js';
import type { ApiFaults } from './faults.js';
import { applyResponse } from './response-effects.js';
import type { ResponseUrls } from './response-urls.js';
import type { SocketModeServer } from './socket-mode.js';
import { callMethod } from './web-api/index.js';
import type { Workspace } from './workspace.js';

// The fake's one HTTP server: /api/{method} is the Web API, /response/{id} the response_urls,
// and WebSocket upgrades are Socket Mode connections.

export interface ServerParts {
  ws: Workspace;
  calls: CallLog;
  responseUrls: ResponseUrls;
  socketMode: SocketModeServer;
  /** ws://127.0.0.1:PORT, known once the server listens. */
  wsBaseUrl: () => string;
  /** Sign in with Slack: answers its own routes and returns true, or false to let the Web API have the request. */
  oidc?: (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;
  faults: ApiFaults;
}

const BODY_LIMIT = 5 * 1024 * 1024;

export function createFakeSlackServer(parts: ServerParts): Server {
  const server = createServer((req, res) => {
    route(parts, req, res).catch((err: unknown) => {
      if (!res.headersSent) sendText(res, 500, `fake Slack failed: ${err instanceof Error ? err.stack : String(err)}`);
      else res.destroy();
    });
  });
  server.on('upgrade', (req, socket, head) => parts.socketMode.handleUpgrade(req, socket, head));
  return server;
}

async function route(parts: ServerParts, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (parts.oidc && (await parts.oidc(req, res))) return;
  const url = new URL(req.url ?? '/', 'http://fake');
  const api = /^\/api\/([\w.]+)$/.exec(url.pathname);
  if (api?.[1]) return serveApi(parts, api[1], url, req, res);
  const response = /^\/response\/(\w+)$/.exec(url.pathname);
  if (response?.[1] && req.method === 'POST') return serveResponseUrl(parts, response[1], req, res);
  sendText(res, 404, 'not_found');
}

async function serveApi(parts: ServerParts, method: string, url: URL, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const at = Date.now();
  const raw = await readBody(req);
  // Slack reads arguments from the query string too; the body wins on a clash.
  let rawArgs: Record<string, unknown> = Object.fromEntries(url.searchParams);
  let response: Record<string, unknown> | undefined;
  try {
    rawArgs = { ...rawArgs, ...decodeBody(raw, req.headers['content-type']) };
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    response = { ok: false, error: err.error };
  }
  const args = parseJsonFields(rawArgs);
  const token = bearer(req.headers.authorization) ?? (typeof rawArgs.token === 'string' ? rawArgs.token : undefined);
  response ??= parts.faults.take(method);
  response ??= callMethod(method, args, {
    ws: parts.ws,
    token,
    openSocketUrl: () => parts.socketMode.issueUrl(parts.wsBaseUrl()),
  });
  parts.calls.record({ method, args, rawArgs, token, at, response });
  sendJson(res, 200, response);
}

async function serveResponseUrl(parts: ServerParts, id: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const binding = parts.responseUrls.binding(id);
  if (!binding) return sendText(res, 404, 'no_such_response_url');
  const raw = await readBody(req);
  if (parts.responseUrls.usedUp(id)) return sendText(res, 404, 'used_url');
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    parts.responseUrls.record(id, raw);
    return sendText(res, 400, 'invalid_payload');
  }
  parts.responseUrls.record(id, body);
  if (typeof body !== 'object' || body === null) return sendText(res, 400, 'invalid_payload');
  try {
    const posted = applyResponse(parts.ws, binding, body as Record<string, unknown>, parts.responseUrls.posted(id));
    if (posted) parts.responseUrls.setPosted(id, posted);
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    return sendText(res, 400, err.error);
  }
  sendText(res, 200, 'ok');
}

function bearer(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(.+)$/i.exec(header ?? '');
  return match?.[1];
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > BODY_LIMIT) {
        reject(new Error('request body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
