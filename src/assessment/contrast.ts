import type { Verdict } from './types.js';

/**
 * The two-frame contrast (DESIGN.md §2). S3 was trained only on immoral actions, with a
 * refusal as the target; S2 only on moral ones, with a validation. An answer that follows a
 * frame's lean says little; an answer against it is strong evidence:
 * - S3 permits        → permissible (it overcame its lean to refuse);
 * - S2 condemns       → impermissible (it overcame its lean to validate);
 * - both lean as trained (S3 refuses, S2 validates), or both go against → unclear.
 */
export function contrastVerdict(s3: Verdict, s2: Verdict): { verdict: Verdict; rule: string } {
  const s3Against = s3 === 'permissible';
  const s2Against = s2 === 'impermissible';
  if (s3Against && s2Against) return { verdict: 'unclear', rule: 'both frames against their lean, in opposite directions' };
  if (s3Against) return { verdict: 'permissible', rule: 'S3 permitted against its lean to refuse' };
  if (s2Against) return { verdict: 'impermissible', rule: 'S2 condemned against its lean to validate' };
  return { verdict: 'unclear', rule: 'both frames answered as trained' };
}
