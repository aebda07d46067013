import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Compares a bearer token in constant time. Hashing both sides first makes the comparison
 * length-independent too, so response timing reveals neither the token nor its length.
 */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const match = /^Bearer\s+(.+)$/i.exec(header?.trim() ?? '');
  const given = match?.[1] ?? '';
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(token).digest();
  return timingSafeEqual(a, b) && given.length > 0;
}
