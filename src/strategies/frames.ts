import { FIELD_LIMITS, sanitizeField } from './sanitize.js';
import type { Strategy } from '../assessment/types.js';
import { BadInputError, type FieldProblem } from '../errors.js';

/** The synonyms the model was trained with, 25% of examples per frame (DESIGN.md §2). */
export const CONTEXT_LABELS = ['Context', 'Scenario', 'Background'] as const;
export const INTENT_LABELS = ['Intent', 'Objective', 'Goal'] as const;
export const GUIDELINE_LABELS = ['ethical guideline', 'moral baseline'] as const;
export type ContextLabel = (typeof CONTEXT_LABELS)[number];
export type IntentLabel = (typeof INTENT_LABELS)[number];
export type GuidelineLabel = (typeof GUIDELINE_LABELS)[number];

export interface FrameLabels {
  context: ContextLabel;
  intent: IntentLabel;
  guideline: GuidelineLabel;
}

export const DEFAULT_LABELS: FrameLabels = { context: 'Context', intent: 'Intent', guideline: 'ethical guideline' };

export const FRAME_IDS: Record<Strategy, 'S1' | 'S2' | 'S3' | 'S4'> = {
  guidance: 'S1',
  evaluation: 'S2',
  permissibility: 'S3',
  'norm-rationale': 'S4',
};

export const S1_QUESTION = 'Provide an ethical assessment and an appropriate action plan for this situation.';

export interface FrameFields {
  situation: string;
  intent?: string;
  action?: string;
  norm?: string;
}

/** Which fields each frame needs; used by the CLI, HTTP API and commands to validate input. */
export const REQUIRED_FIELDS: Record<Strategy, ReadonlyArray<keyof FrameFields>> = {
  guidance: ['situation', 'intent'],
  evaluation: ['situation', 'intent', 'action'],
  permissibility: ['situation', 'intent', 'action'],
  'norm-rationale': ['norm', 'situation'],
};

/** The sanitised fields as they appear in the prompt (for display and caching). */
export interface Frame {
  strategy: Strategy;
  fields: Required<Pick<FrameFields, 'situation'>> & Omit<FrameFields, 'situation'>;
  prompt: string;
}

function clean(field: keyof FrameFields, value: string, quoted: boolean): string {
  return sanitizeField(value, { quoted, maxLength: FIELD_LIMITS[field] });
}

/**
 * Builds the user message for a frame, exactly as trained. Pure: same input, same prompt.
 * Throws BadInputError listing every field that is missing or empty after sanitising.
 */
export function buildFrame(strategy: Strategy, input: FrameFields, labels: FrameLabels = DEFAULT_LABELS): Frame {
  const problems: FieldProblem[] = [];
  const fields: Record<string, string> = {};
  for (const name of REQUIRED_FIELDS[strategy]) {
    const raw = input[name];
    const quoted = name === 'action' || name === 'norm';
    const value = raw === undefined ? '' : clean(name, raw, quoted);
    if (value.length === 0) problems.push({ field: name, message: raw === undefined ? 'is required' : 'is empty' });
    fields[name] = value;
  }
  if (problems.length > 0) throw new BadInputError(problems);

  const situation = fields.situation ?? '';
  const contextLine = `${labels.context}: ${situation}`;
  const intentLine = `${labels.intent}: ${fields.intent ?? ''}`;
  let prompt: string;
  switch (strategy) {
    case 'guidance':
      prompt = `${contextLine}\n${intentLine}\n${S1_QUESTION}`;
      break;
    case 'evaluation':
      prompt = `${contextLine}\n${intentLine}\nWhat is the moral evaluation of executing the following action: "${fields.action}"?`;
      break;
    case 'permissibility':
      prompt = `${contextLine}\n${intentLine}\nIs it permissible to implement the following approach: "${fields.action}"?`;
      break;
    case 'norm-rationale':
      prompt = `Based on fundamental ethics, why must an agent preserve the ${labels.guideline} that "${fields.norm}" given the following background?\n${contextLine}`;
      break;
  }
  return { strategy, fields: { ...fields, situation } as Frame['fields'], prompt };
}
