import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Strategy } from '../../src/assessment/types.js';
import { BadInputError } from '../../src/errors.js';
import {
  buildFrame,
  CONTEXT_LABELS,
  FIELD_LIMITS,
  GUIDELINE_LABELS,
  INTENT_LABELS,
  REQUIRED_FIELDS,
  sanitizeField,
  S1_QUESTION,
  type FrameFields,
  type FrameLabels,
} from '../../src/strategies/index.js';
import { hostileText } from '../fixtures/arbitraries.js';

const RUNS = { numRuns: 1000 };
const strategy = fc.constantFrom<Strategy>('guidance', 'evaluation', 'permissibility', 'norm-rationale');
const labels: fc.Arbitrary<FrameLabels> = fc.record({
  context: fc.constantFrom(...CONTEXT_LABELS),
  intent: fc.constantFrom(...INTENT_LABELS),
  guideline: fc.constantFrom(...GUIDELINE_LABELS),
});
const fields: fc.Arbitrary<FrameFields> = fc.record({
  situation: hostileText,
  intent: fc.option(hostileText, { nil: undefined }),
  action: fc.option(hostileText, { nil: undefined }),
  norm: fc.option(hostileText, { nil: undefined }),
});

/** What each line of each frame must start with, and which line holds the quoted field. */
function expectedShape(s: Strategy, l: FrameLabels): { starts: string[]; quotedLine: number | null } {
  const two = [`${l.context}: `, `${l.intent}: `];
  switch (s) {
    case 'guidance':
      return { starts: [...two, S1_QUESTION], quotedLine: null };
    case 'evaluation':
      return { starts: [...two, 'What is the moral evaluation of executing the following action: "'], quotedLine: 2 };
    case 'permissibility':
      return { starts: [...two, 'Is it permissible to implement the following approach: "'], quotedLine: 2 };
    case 'norm-rationale':
      return { starts: [`Based on fundamental ethics, why must an agent preserve the ${l.guideline} that "`, `${l.context}: `], quotedLine: 0 };
  }
}

describe('buildFrame, for any field strings', () => {
  it('keeps every field inside its line: the fixed line count, each line starting with its label, two quotes around the quoted field', () => {
    fc.assert(
      fc.property(strategy, fields, labels, (s, f, l) => {
        let prompt: string;
        try {
          prompt = buildFrame(s, f, l).prompt;
        } catch (err) {
          // The only refusal: a required field that is missing or empty once sanitised.
          expect(err).toBeInstanceOf(BadInputError);
          const empty = REQUIRED_FIELDS[s].filter((name) => {
            const v = f[name];
            return v === undefined || sanitizeField(v, { maxLength: FIELD_LIMITS[name] }).length === 0;
          });
          expect((err as BadInputError).problems.map((p) => p.field).sort()).toEqual([...empty].sort());
          return;
        }
        const shape = expectedShape(s, l);
        const lines = prompt.split(/\r\n|\r|\n|\u2028|\u2029|\u0085|\v|\f/);
        expect(lines).toHaveLength(shape.starts.length);
        lines.forEach((line, i) => expect(line.startsWith(shape.starts[i] as string), `line ${i}: ${line.slice(0, 80)}`).toBe(true));
        if (shape.quotedLine !== null) {
          const line = lines[shape.quotedLine] as string;
          expect(line.split('"')).toHaveLength(3);
          expect(line.endsWith(s === 'norm-rationale' ? '" given the following background?' : '"?')).toBe(true);
        }
      }),
      RUNS,
    );
  });

  it('returns already-clean fields exactly as given', () => {
    const clean = (name: keyof typeof FIELD_LIMITS, quoted: boolean) =>
      hostileText.map((t) => sanitizeField(t, { quoted, maxLength: FIELD_LIMITS[name] })).filter((t) => t.length > 0);
    const cleanFields = fc.record({
      situation: clean('situation', false),
      intent: clean('intent', false),
      action: clean('action', true),
      norm: clean('norm', true),
    });
    fc.assert(
      fc.property(strategy, cleanFields, labels, (s, f, l) => {
        const frame = buildFrame(s, f, l);
        for (const name of REQUIRED_FIELDS[s]) expect(frame.fields[name]).toBe(f[name]);
        for (const name of REQUIRED_FIELDS[s]) expect(frame.prompt).toContain(f[name] as string);
      }),
      RUNS,
    );
  });

  it('is pure: the same input builds the same prompt', () => {
    fc.assert(
      fc.property(strategy, fields, labels, (s, f, l) => {
        const build = () => {
          try {
            return buildFrame(s, f, l).prompt;
          } catch (err) {
            return (err as Error).message;
          }
        };
        expect(build()).toBe(build());
      }),
      { numRuns: 300 },
    );
  });
});
