import type { ContentFault } from './generation.js';
import type { LogprobFault } from './logprobs.js';
import type { Fault, InjectOptions } from './types.js';

/** Faults that decide the whole response on their own, most drastic first. */
export type TerminalFault = 'unreachable' | 'die-mid-request' | 'hang' | 'http500' | 'http503' | 'model-missing';
const TERMINAL_ORDER: TerminalFault[] = ['unreachable', 'die-mid-request', 'hang', 'http500', 'http503', 'model-missing'];

// An unreachable (or hung, or failing) server is so everywhere, probes included; the other
// faults are about generation unless the test names the paths.
const EVERYWHERE_BY_DEFAULT = new Set<string>(['unreachable', 'hang', 'http500']);

export interface RouteInfo {
  path: string;
  generation: boolean;
  /** Routes whose answer depends on which models are installed. */
  modelAware: boolean;
}

interface Entry {
  fault: Fault;
  remaining: number;
  paths: string[] | undefined;
}

/** The faults a test injected, each used up one affected request at a time. */
export class FaultBook {
  private entries: Entry[] = [];

  inject(fault: Fault, options: InjectOptions = {}): void {
    const remaining = options.times ?? Infinity;
    if (typeof fault === 'object' && !(typeof fault.slowMs === 'number' && fault.slowMs >= 0)) {
      throw new TypeError('slowMs must be a non-negative number');
    }
    if (remaining > 0) this.entries.push({ fault, remaining, paths: options.paths });
  }

  clear(): void {
    this.entries = [];
  }

  takeTerminal(route: RouteInfo): TerminalFault | undefined {
    for (const kind of TERMINAL_ORDER) {
      if (kind === 'model-missing' && !route.modelAware) continue;
      const entry = this.find(route, (fault) => fault === kind);
      if (entry) {
        this.use(entry);
        return kind;
      }
    }
    return undefined;
  }

  /** Every matching slowdown applies, and each one is used up. */
  takeSlowMs(route: RouteInfo): number {
    let total = 0;
    for (const entry of this.entries.filter((e) => typeof e.fault === 'object' && this.matches(e, route))) {
      total += (entry.fault as { slowMs: number }).slowMs;
      this.use(entry);
    }
    return total;
  }

  /** The earliest injected content fault that would change this answer. */
  takeContent(route: RouteInfo, applies: (fault: ContentFault) => boolean): ContentFault | undefined {
    const entry = this.find(route, (fault) => isContentFault(fault) && applies(fault));
    if (!entry) return undefined;
    this.use(entry);
    return entry.fault as ContentFault;
  }

  /** A logprob fault, used up only by a request that asked for logprobs. */
  takeLogprobFault(route: RouteInfo): LogprobFault | undefined {
    const entry = this.find(route, (fault) => fault === 'logprobs-missing' || fault === 'logprobs-malformed' || fault === 'logprobs-nan');
    if (!entry) return undefined;
    this.use(entry);
    return entry.fault as LogprobFault;
  }

  /** Used up only by a streamed request: the others cannot be cut halfway. */
  takeStreamFault(route: RouteInfo): 'stream-cut' | undefined {
    const entry = this.find(route, (fault) => fault === 'stream-cut');
    if (!entry) return undefined;
    this.use(entry);
    return 'stream-cut';
  }

  private find(route: RouteInfo, accept: (fault: Fault) => boolean): Entry | undefined {
    return this.entries.find((entry) => accept(entry.fault) && this.matches(entry, route));
  }

  private matches(entry: Entry, route: RouteInfo): boolean {
    if (entry.remaining <= 0) return false;
    if (entry.paths) return entry.paths.includes(route.path);
    return route.generation || (typeof entry.fault === 'string' && EVERYWHERE_BY_DEFAULT.has(entry.fault));
  }

  private use(entry: Entry): void {
    entry.remaining--;
    if (entry.remaining <= 0) this.entries = this.entries.filter((e) => e !== entry);
  }
}

function isContentFault(fault: Fault): fault is ContentFault {
  return (
    fault === 'malformed-json' ||
    fault === 'leak-think' ||
    fault === 'leak-think-unterminated' ||
    fault === 'nonsense' ||
    fault === 'empty'
  );
}
