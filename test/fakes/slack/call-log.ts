import type { ApiCall } from './types.js';
import type { Notifier } from './waiting.js';

// Every Web API request the fake answered, in arrival order, and waiting for the ones a test
// expects. A timeout names what did arrive, which is usually the whole diagnosis.

export class CallLog {
  readonly calls: ApiCall[] = [];

  constructor(private readonly changes: Notifier) {}

  record(call: ApiCall): void {
    this.calls.push(call);
    this.changes.notify();
  }

  to(method: string): ApiCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  waitFor(method: string, opts: { count?: number; timeoutMs?: number; where?: (c: ApiCall) => boolean } = {}): Promise<ApiCall[]> {
    const count = opts.count ?? 1;
    const where = opts.where ?? (() => true);
    const matching = () => this.calls.filter((c) => c.method === method && where(c));
    return this.changes.waitUntil(
      () => {
        const found = matching();
        return found.length >= count ? found : undefined;
      },
      opts.timeoutMs ?? 10_000,
      () => `expected ${count} call(s) to ${method}${opts.where ? ' matching the filter' : ''}, saw ${matching().length}. ${this.describeRecent()}`,
    );
  }

  describeRecent(limit = 10): string {
    if (this.calls.length === 0) return 'No Web API calls were made.';
    const recent = this.calls.slice(-limit).map((c) => {
      const outcome = c.response.ok === true ? 'ok' : `error ${String(c.response.error)}`;
      return `${c.method} (${outcome}) ${abbreviate(c.rawArgs)}`;
    });
    return `Recent calls:\n  ${recent.join('\n  ')}`;
  }
}

function abbreviate(args: Record<string, unknown>): string {
  const text = JSON.stringify(args);
  return text.length > 160 ? `${text.slice(0, 157)}...` : text;
}
