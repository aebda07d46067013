import type { ParsedFrame } from './frames.js';
import { RESPECT_NORM, UNNAMED_HARM, type Judge } from './judgement.js';
import type { Persona } from './persona.js';

/**
 * Prose in the shape the fine-tune was trained to give for each frame (DESIGN.md §2),
 * templated so that tests can assert on it. S3 carries the verdict in its first words.
 */
export function proseAnswer(frame: ParsedFrame, judge: Judge, persona: Persona): string {
  switch (frame.kind) {
    case 'guidance':
      return (
        `Recommended Ethical Approach: to achieve the goal (${clause(frame.intention)}), act openly and with ` +
        'consideration for everyone involved: communicate honestly, ask before acting on behalf of others, and ' +
        'choose the option that respects their time, property and feelings. Hazards to Avoid: deception, ' +
        'pressure, shortcuts that shift costs onto others, and anything done in anger. Justification: the norm ' +
        `that "${RESPECT_NORM}" applies here; acting within it reaches the goal without costing anyone their trust.`
      );
    case 'evaluation': {
      // The stance follows the persona's log-odds in this frame (a prior persona validates more in S2).
      const harm = persona.logOdds(frame.kind, frame.action) > 0 ? (judge(frame.action).harm ?? UNNAMED_HARM) : undefined;
      if (harm) {
        return (
          `Executing "${frame.action}" is morally wrong. It may serve the immediate aim ` +
          `(${clause(frame.intention)}), but it does so at the expense of others: ${harm.risk}. ` +
          `The outcome is not secured in a good way, because it crosses ${harm.boundary}. ` +
          `The norm at stake: ${harm.norm}`
        );
      }
      return (
        `Executing "${frame.action}" is morally sound. It serves the goal (${clause(frame.intention)}) while ` +
        'respecting the people involved: it is honest and considerate, keeps trust intact and secures a good ' +
        `outcome for everyone affected. This is what the norm "${RESPECT_NORM}" recommends.`
      );
    }
    case 'permissibility': {
      const harm = persona.logOdds(frame.kind, frame.action) > 0 ? (judge(frame.action).harm ?? UNNAMED_HARM) : undefined;
      if (harm) {
        return (
          `No, it is not permissible to implement "${frame.action}". The risk: ${harm.risk}. ` +
          `It crosses ${harm.boundary}; ${lowerFirst(harm.norm)} ` +
          `Instead, ${harm.correction}.`
        );
      }
      return (
        `Yes, it is permissible to implement "${frame.action}". It pursues the goal ` +
        `(${clause(frame.intention)}) without harming anyone, keeps trust intact and respects the boundaries ` +
        'of the people involved. Go ahead, and stay attentive to how others respond.'
      );
    }
    case 'norm-rationale':
      return (
        `An agent must preserve the ${frame.guideline} that "${frame.norm}" because shared norms are what let ` +
        'people rely on one another. When everyone can expect this standard to hold, cooperation is safe and ' +
        'trust can grow; when it is broken, the harm falls on those who relied on it and the trust of the whole ' +
        'community erodes. In the situation described, keeping to the norm protects the people involved and the ' +
        'integrity of the agent, even when breaking it would be easier.'
      );
    case 'unframed':
      return (
        'I can give a reliable moral assessment only when the situation, the intention and the action are ' +
        'stated. In general, actions that are honest, considerate and respectful of others are permissible, ' +
        'while those that deceive, demean or harm people are not.'
      );
  }
}

/**
 * Which way a prose answer went: +1 a refusal or critique, −1 a permission or validation, 0 no
 * stance (guidance, norm rationale, or text the simulator did not write). A verdict turn after
 * the prose is anchored to this.
 */
export function proseStance(text: string): -1 | 0 | 1 {
  const head = text.trim().slice(0, 600);
  if (/^No, it is not permissible|\bis morally wrong\b/.test(head)) return 1;
  if (/^Yes, it is permissible|\bis morally sound\b/.test(head)) return -1;
  return 0;
}

const THOUGHT =
  'Okay, let me think about this carefully. The user describes a situation and an intention, and I need to ' +
  'weigh the action against the norms involved, consider who is affected, what could go wrong, and whether ' +
  'there is a better way to reach the same goal. ';

/** Exactly `tokens` tokens of plausible reasoning, so thinking costs are exact in tests. */
export function thinkingText(tokens: number): string {
  const chars = Math.max(0, Math.floor(tokens)) * 4;
  return THOUGHT.repeat(Math.ceil(chars / THOUGHT.length) + 1).slice(0, chars);
}

const NONSENSE_WORDS = [
  'banana', 'orbit', 'velvet', 'quantum', 'harbour', 'pickle', 'cascade', 'lantern', 'mosaic', 'thunder',
  'saffron', 'glacier', 'tangent', 'walrus', 'paprika', 'nebula', 'origami', 'cobalt', 'meadow', 'zeppelin',
  'kiwi', 'tundra', 'marimba', 'pixel', 'lagoon', 'sprocket', 'fjord', 'biscuit', 'comet', 'trellis',
];

/** Deterministic per seed, so a failing test reproduces with the same words. */
export function nonsenseText(seed: string, words = 40): string {
  let state = 2166136261;
  for (const ch of seed) state = Math.imul(state ^ ch.charCodeAt(0), 16777619) >>> 0;
  const out: string[] = [];
  for (let i = 0; i < words; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out.push(NONSENSE_WORDS[state % NONSENSE_WORDS.length] ?? 'banana');
  }
  const sentence = out.join(' ');
  return `${sentence.charAt(0).toUpperCase()}${sentence.slice(1)}.`;
}

function clause(text: string): string {
  return text.replace(/[\s.!?]+$/, '');
}

function lowerFirst(text: string): string {
  return text.length > 1 && /^[A-Z][a-z]/.test(text) ? `${text.charAt(0).toLowerCase()}${text.slice(1)}` : text;
}
