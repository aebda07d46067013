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

  /** replace_original through the response_url that posted it: the person sees the new content in its place. */
  replace(ts: string, content: Pick<EphemeralMessage, 'text' | 'blocks'>): boolean {
    const at = this.items.findIndex((e) => e.ts === ts);
    if (at < 0) return false;
    const { blocks: _old, ...kept } = this.items[at]!;
    this.items[at] = { ...kept, text: content.text, ...(content.blocks ? { blocks: content.blocks } : {}) };
    this.onChange();
    return true;
  }

  list(channel: string, user?: string): EphemeralMessage[] {
    return structuredClone(this.items.filter((e) => e.channel === channel && (user === undefined || e.user === user)));
  }
}
