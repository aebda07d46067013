import { createHash } from 'node:crypto';
import { type Assessment, assessmentSchema, type Strategy, type VerdictMethod } from '../assessment/types.js';
import { keys } from './keys.js';
import type { KvStore } from './kv.js';

/** Everything that decides an assessment: the frame, the verdict method, the model and the field texts. */
export interface CacheKeyParts {
  strategy: Strategy;
  method: VerdictMethod;
  model: string;
  /** The frame's fields (situation, intent, action, norm…); undefined/null fields are left out. */
  fields: Readonly<Record<string, string | null | undefined>>;
}

/** Case, width and Unicode form do not change what the model is asked about. */
export function normaliseText(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();
}

/**
 * sha256 (hex) over the normalised parts, so exact repeats — up to case and whitespace — hit.
 * Field order does not matter; field names do.
 */
export function cacheKey(parts: CacheKeyParts): string {
  const fields = Object.entries(parts.fields)
    .filter((entry): entry is [string, string] => typeof entry[1] === 'string')
    .map(([name, value]) => [name, normaliseText(value)] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  // JSON keeps the parts apart: no choice of field text can make two different inputs collide.
  const canonical = JSON.stringify(['v1', parts.strategy, parts.method, parts.model.trim(), fields]);
  return createHash('sha256').update(canonical).digest('hex');
}

/** Assessments by cache key, with a TTL. A malformed entry counts as a miss. */
export class AssessmentCache {
  readonly #kv: KvStore;

  constructor(kv: KvStore) {
    this.#kv = kv;
  }

  async get(key: string): Promise<Assessment | null> {
    const raw = await this.#kv.get(keys.assessment(key));
    if (raw === undefined) return null;
    const parsed = assessmentSchema.safeParse(raw);
    if (!parsed.success) {
      await this.#kv.delete(keys.assessment(key));
      return null;
    }
    return { ...parsed.data, cached: true };
  }

  async set(key: string, assessment: Assessment, ttlMs: number): Promise<void> {
    const { cached: _cached, ...stored } = assessmentSchema.parse(assessment);
    await this.#kv.set(keys.assessment(key), stored, ttlMs);
  }
}
