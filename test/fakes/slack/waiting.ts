// Bolt acks first and keeps working after the HTTP answer, so tests must wait for the fake to see
// the later calls. Every change to the fake's state rings one Notifier; waiters re-check on each
// ring instead of polling, so a wait ends the moment its condition holds.

type Listener = () => void;

export class Notifier {
  private readonly listeners = new Set<Listener>();
  private closedReason: Error | undefined;
  private readonly closeListeners = new Set<(err: Error) => void>();

  notify(): void {
    for (const listener of [...this.listeners]) listener();
  }

  /** Ends every pending wait with `reason`; later waits reject at once. */
  close(reason: Error): void {
    this.closedReason = reason;
    for (const listener of [...this.closeListeners]) listener(reason);
    this.listeners.clear();
    this.closeListeners.clear();
  }

  /**
   * Resolves with the first value of `check` that is neither undefined nor false. `describe`
   * builds the timeout message when it is needed, so it can list what the fake did see.
   */
  waitUntil<T>(check: () => T | undefined | false, timeoutMs: number, describe: () => string): Promise<T> {
    const first = check();
    if (first !== undefined && first !== false) return Promise.resolve(first);
    if (this.closedReason) return Promise.reject(this.closedReason);
    return new Promise<T>((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        this.listeners.delete(onChange);
        this.closeListeners.delete(onClose);
      };
      const onChange = () => {
        const value = check();
        if (value === undefined || value === false) return;
        done();
        resolve(value);
      };
      const onClose = (err: Error) => {
        done();
        reject(err);
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`Timed out after ${timeoutMs} ms: ${describe()}`));
      }, timeoutMs);
      this.listeners.add(onChange);
      this.closeListeners.add(onClose);
    });
  }
}
