/**
 * The simulator's own reading of the four trained frames (DESIGN.md §2). It is written
 * independently of src/strategies on purpose: if the bot builds a frame wrongly, this parser
 * does not recognise it and the answer turns generic, so the mistake shows up in tests.
 */

export type FrameKind = 'guidance' | 'evaluation' | 'permissibility' | 'norm-rationale';

interface TwoLineFields {
  situation: string;
  intention: string;
}

export type ParsedFrame =
  | ({ kind: 'guidance' } & TwoLineFields)
  | ({ kind: 'evaluation' | 'permissibility'; action: string } & TwoLineFields)
  | { kind: 'norm-rationale'; norm: string; guideline: string; situation: string }
  | { kind: 'unframed'; text: string };

const CONTEXT_LINE = /^(?:Context|Scenario|Background):[ \t]*(.+?)\s*$/;
const INTENT_LINE = /^(?:Intent|Objective|Goal):[ \t]*(.+?)\s*$/;
const S1_LINE = /^Provide an ethical assessment and an appropriate action plan for this situation\.\s*$/;
const S2_LINE = /^What is the moral evaluation of executing the following action: "(.+)"\?\s*$/;
const S3_LINE = /^Is it permissible to implement the following approach: "(.+)"\?\s*$/;
const S4_LINE =
  /^Based on fundamental ethics, why must an agent preserve the (ethical guideline|moral baseline) that "(.+)" given the following background\?\s*$/;

export function parseFrame(message: string): ParsedFrame {
  const text = message.replace(/\r\n?/g, '\n').trim();
  const lines = text.split('\n');

  if (lines.length === 2) {
    const s4 = S4_LINE.exec(lines[0] ?? '');
    const context = CONTEXT_LINE.exec(lines[1] ?? '');
    if (s4 && context) {
      return { kind: 'norm-rationale', guideline: s4[1] ?? '', norm: s4[2] ?? '', situation: context[1] ?? '' };
    }
  }

  if (lines.length === 3) {
    const context = CONTEXT_LINE.exec(lines[0] ?? '');
    const intent = INTENT_LINE.exec(lines[1] ?? '');
    const question = lines[2] ?? '';
    if (context && intent) {
      const fields = { situation: context[1] ?? '', intention: intent[1] ?? '' };
      if (S1_LINE.test(question)) return { kind: 'guidance', ...fields };
      const s2 = S2_LINE.exec(question);
      if (s2) return { kind: 'evaluation', action: s2[1] ?? '', ...fields };
      const s3 = S3_LINE.exec(question);
      if (s3) return { kind: 'permissibility', action: s3[1] ?? '', ...fields };
    }
  }

  return { kind: 'unframed', text };
}

export function actionOf(frame: ParsedFrame): string | undefined {
  return frame.kind === 'evaluation' || frame.kind === 'permissibility' ? frame.action : undefined;
}
