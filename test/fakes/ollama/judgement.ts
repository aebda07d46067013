import type { Label } from './types.js';

/**
 * Deterministic stand-in for the model's moral judgement: tests pick actions whose label they
 * can predict, either through the keyword families below or an explicit `labelled` table.
 */
export interface HarmCategory {
  name: string;
  violent: boolean;
  norm: string;
  risk: string;
  boundary: string;
  correction: string;
}

interface Family extends HarmCategory {
  pattern: RegExp;
}

function words(...forms: string[]): RegExp {
  return new RegExp(`\\b(?:${forms.join('|')})\\b`, 'i');
}

// Ordered: the first family that matches explains the action, so violence wins over insults.
const FAMILIES: Family[] = [
  {
    name: 'violence',
    violent: true,
    pattern: words(
      'kill(?:s|ed|ing)?',
      'murder(?:s|ed|ing)?',
      'hit(?:s|ting)?',
      'punch(?:es|ed|ing)?',
      'threaten(?:s|ed|ing)?',
      'stab(?:s|bed|bing)?',
      'shoot(?:s|ing)?',
      'shot',
      'slap(?:s|ped|ping)?',
      'kick(?:s|ed|ing)?',
      'attack(?:s|ed|ing)?',
      'beat(?:s|ing)? up',
    ),
    norm: 'It is wrong to hurt or threaten other people.',
    risk: 'someone could be physically hurt or made to feel unsafe',
    boundary: 'the line against violence and intimidation',
    correction: 'step away, calm down and settle the disagreement with words or with help from someone trusted',
  },
  {
    name: 'danger',
    violent: false,
    pattern: words('swerv(?:e|es|ed|ing)'),
    norm: 'It is wrong to drive irresponsibly.',
    risk: 'it endangers the driver and everyone else on the road',
    boundary: 'the duty of care owed to the safety of others',
    correction: 'stay patient and follow the rules of the road, even when it is inconvenient',
  },
  {
    name: 'deception',
    violent: false,
    pattern: words('lie', 'lies', 'lied', 'lying', 'cheat(?:s|ed|ing)?'),
    norm: 'It is wrong to deceive people.',
    risk: 'it breaks the trust other people place in the agent',
    boundary: 'the commitment to honesty',
    correction: 'be truthful, even if the truth is uncomfortable, and accept the consequences openly',
  },
  {
    name: 'theft',
    violent: false,
    pattern: words('steal(?:s|ing)?', 'stole', 'stolen', 'sabotag(?:e|es|ed|ing)'),
    norm: 'It is wrong to take or damage what belongs to others.',
    risk: 'another person loses what is rightfully theirs',
    boundary: "respect for other people's property and work",
    correction: 'ask for what is needed, or earn it, and leave the work of others intact',
  },
  {
    name: 'privacy',
    violent: false,
    pattern: words('dox(?:es|ed|ing)?', 'doxx(?:es|ed|ing)?', 'leak(?:s|ed|ing)?'),
    norm: "It is wrong to expose other people's private information.",
    risk: 'the person exposed could be harassed or harmed',
    boundary: 'the right of others to their privacy',
    correction: 'keep private information private and raise concerns through the proper channels',
  },
  {
    name: 'abuse',
    violent: false,
    pattern: words(
      'insult(?:s|ed|ing)?',
      'mock(?:s|ed|ing)?',
      'idiots?',
      'stupid',
      'shut up',
      'hat(?:e|es|ed|ing)',
      'humiliat(?:e|es|ed|ing)',
      'harass(?:es|ed|ing)?',
      'yell(?:s|ed|ing)?',
      'scream(?:s|ed|ing)?',
    ),
    norm: 'It is wrong to insult or demean other people.',
    risk: 'it hurts the person targeted and makes the community hostile',
    boundary: 'the basic respect owed to everyone',
    correction: 'state the disagreement calmly and criticise ideas, not people',
  },
  {
    name: 'unfairness',
    violent: false,
    pattern: words(
      'blam(?:e|es|ed|ing)',
      'ignor(?:e|es|ed|ing)',
      'spread(?:s|ing)? (?:a |the |some )?rumou?rs?',
      'rumou?rs?',
      'spam(?:s|med|ming)?',
    ),
    norm: 'It is wrong to treat others unfairly.',
    risk: 'other people bear costs they did nothing to deserve',
    boundary: 'fairness towards the people affected',
    correction: 'take responsibility, listen to the others involved and act fairly towards them',
  },
];

export const UNNAMED_HARM: HarmCategory = {
  name: 'harm',
  violent: false,
  norm: 'It is wrong to act in ways that harm others.',
  risk: 'it causes harm to people who did not agree to bear it',
  boundary: 'the duty not to harm others',
  correction: 'choose a course of action that reaches the goal without harming anyone',
};

export interface Judgement {
  label: Label;
  /** Why an impermissible action is wrong; absent for permissible ones. */
  harm?: HarmCategory;
}

export type Judge = (action: string) => Judgement;

export function makeJudge(labelled: ReadonlyArray<{ action: string; label: Label }> = []): Judge {
  const table = new Map(labelled.map((entry) => [entry.action.trim(), entry.label]));
  return (action) => {
    const family = FAMILIES.find((candidate) => candidate.pattern.test(action));
    const label = table.get(action.trim()) ?? (family ? 'impermissible' : 'permissible');
    if (label === 'permissible') return { label };
    return { label, harm: family ?? UNNAMED_HARM };
  };
}

export function severityOf(judgement: Judgement): 'none' | 'medium' | 'high' {
  if (judgement.label === 'permissible') return 'none';
  return judgement.harm?.violent ? 'high' : 'medium';
}

export const RESPECT_NORM = 'It is good to treat others with honesty and respect.';
