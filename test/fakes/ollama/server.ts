import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { Exchange, SimState } from './context.js';
import type { RouteInfo, TerminalFault } from './faults.js';
import { BUSY_MESSAGE, parseBody, readBody, sendError, sendText } from './http.js';
import { CancelledError, delay, untilAborted } from './latency.js';
import { nativeChat, nativeGenerate } from './native-routes.js';
import { openAiChat, openAiModelById, openAiModels } from './openai-routes.js';
import { ps, root, show, tags, version } from './probe-routes.js';

type Handler = (state: SimState, exchange: Exchange) => Promise<void>;

interface Route {
  methods: string[];
  match: (path: string) => boolean;
  generation: boolean;
  modelAware: boolean;
  handler: Handler;
}

const exactly = (wanted: string) => (path: string) => path === wanted;

const ROUTES: Route[] = [
  { methods: ['GET', 'HEAD'], match: exactly('/'), generation: false, modelAware: false, handler: root },
  { methods: ['GET'], match: exactly('/api/version'), generation: false, modelAware: false, handler: version },
  { methods: ['GET'], match: exactly('/api/tags'), generation: false, modelAware: true, handler: tags },
  { methods: ['GET'], match: exactly('/api/ps'), generation: false, modelAware: true, handler: ps },
  { methods: ['POST'], match: exactly('/api/show'), generation: false, modelAware: true, handler: show },
  { methods: ['POST'], match: exactly('/api/chat'), generation: true, modelAware: true, handler: nativeChat },
  { methods: ['POST'], match: exactly('/api/generate'), generation: true, modelAware: true, handler: nativeGenerate },
  { methods: ['POST'], match: exactly('/v1/chat/completions'), generation: true, modelAware: true, handler: openAiChat },
  { methods: ['GET'], match: exactly('/v1/models'), generation: false, modelAware: true, handler: openAiModels },
  { methods: ['GET'], match: (p) => p.startsWith('/v1/models/'), generation: false, modelAware: true, handler: openAiModelById },
];

// Pause before killing the socket in die-mid-request: the client has sent everything and is
// waiting for an answer, which is the case retry logic most often gets wrong.
const DIE_AFTER_MS = 20;

/** Resets the connection (RST, not a polite FIN) so the client sees ECONNRESET. */
function reset(socket: Socket): void {
  if (typeof socket.resetAndDestroy === 'function' && !socket.destroyed) socket.resetAndDestroy();
  else socket.destroy();
}

export function createSimulatorServer(state: SimState, closing: AbortSignal, log?: (line: string) => void): Server {
  const server = createServer((req, res) => {
    handle(state, closing, req, res, log).catch((error: unknown) => {
      if (error instanceof CancelledError) return;
      // A bug in the simulator must surface in the test, not take the process down.
      if (!res.headersSent) sendError(res, req.url ?? '/', 500, `simulator error: ${String(error)}`);
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 5_000;
  return server;
}

async function handle(
  state: SimState,
  closing: AbortSignal,
  req: IncomingMessage,
  res: ServerResponse,
  log: ((line: string) => void) | undefined,
): Promise<void> {
  const receivedAt = performance.now();
  const method = req.method ?? 'GET';
  const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
  const clientGone = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) clientGone.abort();
  });
  res.on('error', () => undefined);
  const signal = AbortSignal.any([clientGone.signal, closing]);

  let outcome: string | undefined;
  let model: unknown;
  if (log) {
    res.on('close', () => {
      const status = res.headersSent ? String(res.statusCode) : (outcome ?? 'closed');
      const name = typeof model === 'string' ? ` ${model}` : '';
      log(`${new Date().toISOString()} ${method} ${path}${name} -> ${status} in ${Math.round(performance.now() - receivedAt)} ms`);
    });
  }

  let raw: string;
  try {
    raw = await readBody(req);
  } catch {
    return;
  }
  const body = parseBody(raw);
  model = body !== null && typeof body === 'object' ? (body as { model?: unknown }).model : undefined;
  state.requests.push({ method, path, headers: { ...req.headers }, body, at: Date.now() });

  const route = ROUTES.find((r) => r.match(path));
  const info: RouteInfo = { path, generation: route?.generation ?? false, modelAware: route?.modelAware ?? false };

  const terminal: TerminalFault | undefined = state.faults.takeTerminal(info);
  switch (terminal) {
    case 'unreachable':
      outcome = 'reset';
      return reset(req.socket);
    case 'die-mid-request':
      outcome = 'reset';
      await delay(DIE_AFTER_MS, signal).catch(() => undefined);
      return reset(req.socket);
    case 'hang':
      outcome = 'hung';
      return untilAborted(signal);
    case 'http500':
      return sendError(res, path, 500, 'internal server error (simulated fault)');
    case 'http503':
      return sendError(res, path, 503, BUSY_MESSAGE);
    default:
      break;
  }

  const slowMs = state.faults.takeSlowMs(info);
  if (slowMs > 0) {
    try {
      await delay(slowMs, signal);
    } catch {
      return;
    }
  }

  if (!route) return sendText(res, 404, '404 page not found');
  if (!route.methods.includes(method)) return sendText(res, 405, '405 method not allowed');
  const exchange: Exchange = { req, res, method, path, body, signal, route: info, modelMissing: terminal === 'model-missing', receivedAt };
  await route.handler(state, exchange);
}
