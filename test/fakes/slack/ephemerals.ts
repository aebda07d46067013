import type { EphemeralMessage } from './types.js';

// Ephemeral messages are seen by one person and never appear in history, so they are kept apart
// from the channel record.

export class EphemeralStore {
  private readonly items: EphemeralMessage[] = [];

  constructor(private readonly onChange: () => void) {}

  add(message: EphemeralMessage): void {
    this.items.push(message);
    this.onChange();
  }

  list(channel: string, user?: string): EphemeralMessage[] {
    return structuredClone(this.items.filter((e) => e.channel === channel && (user === undefined || e.user === user)));
  }
}
