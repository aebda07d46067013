// The REST entry point: strips `/api/v10`, decodes the path (`@original` arrives as
// `%40original`), checks the bot token, applies injected faults, routes, answers, and records
// every call with the status it got — so a failing wait can show what the bot actually did.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Changes } from './changes.js';
import { Errors, parseBody, readRaw, RestError, sendJson, sendNoContent } from './http.js';
import type { Router } from './router.js';
import type { RestCall, RestFault } from './types.js';

interface ArmedFault {
  method: string;
  path: string | RegExp;
  fault: RestFault;
  remaining: number;
}

export function pathMatches(pattern: string | RegExp, path: string): boolean {
  return typeof pattern === 'string' ? pattern === path : pattern.test(path);
}

export class RestServer {
  readonly calls: RestCall[] = [];
  private readonly faults: ArmedFault[] = [];

  constructor(
    private readonly router: Router,
    private readonly changes: Changes,
    private readonly token: string | undefined,
  ) {}

  armFault(method: string, path: string | RegExp, fault: RestFault): void {
    this.faults.push({ method: method.toUpperCase(), path, fault, remaining: fault.times ?? 1 });
  }

  private takeFault(method: string, path: string): RestFault | undefined {
    const armed = this.faults.find((f) => f.remaining > 0 && f.method === method && pathMatches(f.path, path));
    if (!armed) return undefined;
    armed.remaining -= 1;
    return armed.fault;
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake.discord');
    const method = (req.method ?? 'GET').toUpperCase();
    const prefix = /^\/api(\/v\d+)?(?=\/|$)/.exec(url.pathname);
    let path: string;
    try {
      path = decodeURIComponent(prefix ? url.pathname.slice(prefix[0].length) || '/' : url.pathname);
    } catch {
      path = url.pathname;
    }
    const query = Object.fromEntries(url.searchParams);
    const reasonHeader = req.headers['x-audit-log-reason'];
    const reason = typeof reasonHeader === 'string' ? safeDecode(reasonHeader) : undefined;
    const call: RestCall = { method, path, query, body: undefined, files: [], ...(reason !== undefined ? { reason } : {}), status: 0, at: Date.now() };

    const finish = (status: number, body?: unknown, headers: Record<string, string> = {}) => {
      call.status = status;
      this.calls.push(call);
      if (status === 204 || body === undefined) {
        for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
        sendNoContent(res);
      } else {
        sendJson(res, status, body, headers);
      }
      this.changes.notify();
    };

    try {
      const raw = await readRaw(req);
      const parsed = await parseBody(raw, req.headers['content-type']);
      call.body = parsed.body;
      call.files = parsed.files;
      if (!prefix) throw new RestError(404, 0, 'Unknown route');

      const fault = this.takeFault(method, path);
      if (fault) {
        const body = fault.status === 204 ? undefined : (fault.body ?? { message: 'Injected failure', code: 0 });
        return finish(fault.status, body, fault.headers);
      }

      const match = this.router.match(method, path);
      if (match === undefined) throw new RestError(404, 0, 'Unknown route');
      if (match === 'method-not-allowed') throw new RestError(405, 0, '405: Method Not Allowed');
      if (!match.route.public && this.token !== undefined && req.headers.authorization !== `Bot ${this.token}`) throw Errors.unauthorized();

      const answer = await match.route.handler({ method, path, params: match.params, query, body: parsed.body, files: parsed.files, ...(reason !== undefined ? { reason } : {}) });
      return finish(answer.status, answer.status === 204 ? undefined : answer.body);
    } catch (err) {
      if (err instanceof RestError) return finish(err.status, err.toBody());
      return finish(500, { message: `Fake Discord failed: ${(err as Error).message}`, code: 0 });
    }
  }
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
