import type { Logger } from '../src/logger.js';

/** How fast a surface may show a growing answer: each adapter sets its platform's documented limit. */
export interface StreamPacing {
  /** The least time between the starts of two edits. */
  intervalMs: number;
  /** The most edits before the final reply (Slack's response_url takes five posts in all). */
  maxEdits?: number;
}

export interface ProseStreamOptions extends StreamPacing {
  /** Shows the text so far, e.g. by editing the deferred reply. Never called twice at once. */
  render(text: string): Promise<unknown>;
  logger: Logger;
  now?: () => number;
}

/**
 * Shows an answer's prose while the model writes it: the first words at once, then at most one
 * edit per interval with whatever is newest (edits in between are coalesced, not queued). The
 * final reply belongs to the caller: `close()` stops the edits and waits for one in flight, so
 * a late edit can never overwrite the final card.
 */
export class ProseStream {
  private latest = '';
  private shown = '';
  private lastStart = Number.NEGATIVE_INFINITY;
  private inFlight: Promise<void> | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private stopped = false;
  private edits = 0;
  private readonly now: () => number;
  private firstShownAt: number | null = null;

  constructor(private readonly options: ProseStreamOptions) {
    this.now = options.now ?? (() => performance.now());
  }

  /** Hand this to the command (CommandContext.onProse): the visible text so far. */
  readonly update = (soFar: string): void => {
    if (this.stopped) return;
    this.latest = soFar;
    this.pump();
  };

  /** How many edits were made (or started). */
  get editCount(): number {
    return this.edits;
  }

  /** When the first words were on screen (the `now()` clock), or null if they never were. */
  get firstShown(): number | null {
    return this.firstShownAt;
  }

  /** No more edits; resolves once none is in flight. Safe to call twice. */
  async close(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.inFlight;
  }

  private pump(): void {
    if (this.stopped || this.inFlight || this.timer || this.latest.trim() === '' || this.latest === this.shown) return;
    if (this.edits >= (this.options.maxEdits ?? Number.POSITIVE_INFINITY)) return;
    const wait = this.lastStart + this.options.intervalMs - this.now();
    if (wait > 0) {
      this.timer = setTimeout(() => {
        this.timer = null;
        this.pump();
      }, wait);
      return;
    }
    const text = this.latest;
    this.edits++;
    this.lastStart = this.now();
    this.inFlight = this.options
      .render(text)
      .then(
        () => {
          this.shown = text;
          this.firstShownAt ??= this.now();
        },
        (err: unknown) => {
          // A preview that cannot be shown (rate-limited, message gone) is not worth more tries;
          // the final reply still goes out, and it is what counts.
          this.stopped = true;
          this.options.logger.warn({ err, code: (err as { code?: unknown }).code }, 'could not show the answer while it was written; the final reply follows');
        },
      )
      .finally(() => {
        this.inFlight = null;
        this.pump();
      });
  }
}
