import type { Clock } from '../clock.js';
import type { NormguardError } from '../errors.js';

export type BreakerState = 'closed' | 'open' | 'half-open';

/**
 * Per-backend circuit breaker: after `threshold` consecutive failures the backend is skipped
 * for `cooldownMs`, so users hear "unavailable" at once instead of waiting for a timeout.
 * After the cooldown one trial request goes through; its outcome closes or re-opens it.
 */
export class CircuitBreaker {
  private failures = 0;
  private openedAt = 0;
  private trialInFlight = false;
  private _state: BreakerState = 'closed';
  lastError: NormguardError | null = null;

  constructor(
    private readonly threshold: number,
    private readonly cooldownMs: number,
    private readonly clock: Clock,
  ) {}

  get state(): BreakerState {
    if (this._state === 'open' && this.clock.now() - this.openedAt >= this.cooldownMs) this._state = 'half-open';
    return this._state;
  }

  /** Milliseconds until an open breaker lets a trial through. */
  retryInMs(): number {
    return this._state === 'open' ? Math.max(0, this.cooldownMs - (this.clock.now() - this.openedAt)) : 0;
  }

  /** Whether a request may be sent now; in half-open, only one trial at a time. */
  canPass(): boolean {
    const state = this.state;
    if (state === 'closed') return true;
    if (state === 'open') return false;
    return !this.trialInFlight;
  }

  onDispatch(): void {
    if (this.state === 'half-open') this.trialInFlight = true;
  }

  onSuccess(): void {
    this.failures = 0;
    this.trialInFlight = false;
    this._state = 'closed';
    this.lastError = null;
  }

  /**
   * The request ended without saying anything about the host's health (the caller gave up, or
   * the host answered but not usefully: busy, unreadable, refused). A half-open trial must still
   * end here, or the breaker would wait for its outcome forever and never let another through.
   */
  onInconclusive(): void {
    this.trialInFlight = false;
  }

  onFailure(err: NormguardError): void {
    this.lastError = err;
    this.trialInFlight = false;
    this.failures++;
    if (this._state === 'half-open' || this.failures >= this.threshold) {
      this._state = 'open';
      this.openedAt = this.clock.now();
    }
  }
}
