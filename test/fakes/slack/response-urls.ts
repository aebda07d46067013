import { randomBytes } from 'node:crypto';
import type { ResponsePost, ResponseUrlBinding } from './types.js';

// response_url capture: URLs on the fake's own server whose POSTed bodies (Bolt's respond())
// are kept per URL. What a response does to the workspace lives in response-effects.ts.

interface Entry {
  binding: ResponseUrlBinding;
  bodies: unknown[];
  posted?: ResponsePost;
}

/** Slack takes up to five POSTs per response_url (within 30 minutes), then refuses the rest. */
export const RESPONSE_URL_USES = 5;

export class ResponseUrls {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly onChange: () => void) {}

  create(baseUrl: string, binding: ResponseUrlBinding = {}): { url: string; id: string } {
    const id = randomBytes(6).toString('hex');
    this.entries.set(id, { binding: { ...binding }, bodies: [] });
    return { id, url: `${baseUrl}/response/${id}` };
  }

  binding(id: string): ResponseUrlBinding | undefined {
    return this.entries.get(id)?.binding;
  }

  /** Records a body; false when the id was never issued (the server answers 404). */
  record(id: string, body: unknown): boolean {
    const entry = this.entries.get(id);
    if (!entry) return false;
    entry.bodies.push(body);
    this.onChange();
    return true;
  }

  /** Whether this URL has already taken all the POSTs it will. */
  usedUp(id: string): boolean {
    return (this.entries.get(id)?.bodies.length ?? 0) >= RESPONSE_URL_USES;
  }

  posted(id: string): ResponsePost | undefined {
    return this.entries.get(id)?.posted;
  }

  setPosted(id: string, post: ResponsePost): void {
    const entry = this.entries.get(id);
    if (entry) entry.posted = post;
  }

  responses(id: string): unknown[] {
    return structuredClone(this.entries.get(id)?.bodies ?? []);
  }

  known(id: string): boolean {
    return this.entries.has(id);
  }
}
