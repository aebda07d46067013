import { describe, expect, it } from 'vitest';
import { NormguardError, describeError, isModelUnavailable } from '../../src/errors.js';

describe('errors', () => {
  it('classifies model-unavailable codes and gives one friendly sentence', () => {
    const err = new NormguardError('TIMEOUT', 'no answer within 30s', { retryable: true });
    expect(isModelUnavailable(err)).toBe(true);
    expect(isModelUnavailable(new NormguardError('BAD_INPUT', 'x'))).toBe(false);
    expect(describeError(err)).toContain('took too long');
    expect(describeError(new Error('boom at line 3'))).not.toContain('boom');
  });
});
