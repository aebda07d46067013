// Waiting for the bot to do something without polling on a timer: every state change notifies,
// and each waiter re-checks its condition then. One instance per fake.

export class Changes {
  private readonly listeners = new Set<() => void>();

  notify(): void {
    for (const listener of [...this.listeners]) listener();
  }

  /**
   * Resolves with the first non-undefined value of `probe`, checked now and after every change;
   * rejects with `onTimeout()`'s error when `timeoutMs` passes first.
   */
  until<T>(probe: () => T | undefined, timeoutMs: number, onTimeout: () => Error): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const finish = (fn: () => void) => {
        this.listeners.delete(check);
        if (timer) clearTimeout(timer);
        fn();
      };
      const check = () => {
        let value: T | undefined;
        try {
          value = probe();
        } catch (err) {
          finish(() => reject(err as Error));
          return;
        }
        if (value !== undefined) finish(() => resolve(value));
      };
      this.listeners.add(check);
      timer = setTimeout(() => finish(() => reject(onTimeout())), timeoutMs);
      check();
    });
  }
}
