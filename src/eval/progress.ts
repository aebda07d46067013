import type { Clock } from '../clock.js';

/** How often a running evaluation says where it is: a GPU run of 2,400 asks has no long silences. */
export const PROGRESS_EVERY_MS = 5_000;

export interface ProgressOptions {
  /** Asks this run will make. */
  total: number;
  clock: Clock;
  write: (line: string) => void;
  everyMs?: number;
}

/** done/total, rate and ETA on a timer, whatever the pace of answers. */
export class Progress {
  private done = 0;
  private failed = 0;
  private readonly startedAt: number;
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor(private readonly options: ProgressOptions) {
    this.startedAt = options.clock.now();
  }

  start(): void {
    if (this.options.total === 0) return;
    this.timer = setInterval(() => this.options.write(this.line()), this.options.everyMs ?? PROGRESS_EVERY_MS);
    this.timer.unref();
  }

  record(failed: boolean): void {
    this.done++;
    if (failed) this.failed++;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  line(): string {
    const { total } = this.options;
    const elapsedS = Math.max(0, this.options.clock.now() - this.startedAt) / 1000;
    const rate = elapsedS > 0 ? this.done / elapsedS : 0;
    const eta = rate > 0 ? duration((total - this.done) / rate) : '?';
    const share = total === 0 ? 100 : (this.done / total) * 100;
    const failed = this.failed > 0 ? ` · ${this.failed} failed` : '';
    return `normguard eval: ${this.done}/${total} (${share.toFixed(1)}%) · ${rate.toFixed(2)} asks/s · ETA ${eta}${failed}\n`;
  }
}

/** "42s", "4m 07s", "2h 05m". */
export function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
