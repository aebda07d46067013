import type { Strategy } from '../src/assessment/types.js';
import { CHANNEL_MODES } from '../src/policy/settings.js';
import { channel, choice, flag, integer, role, text, user, type OptionSpec } from './options.js';

/** Field lengths: generous for people, far inside the model's context (see strategies/sanitize.ts). */
const situation = text('situation', 'What is going on: the setting and who is involved', { max: 1000, multiline: true });
const intent = text('intent', 'What the person wants to achieve', { max: 300 });
const action = text('action', 'The action to judge', { max: 600, multiline: true });
const norm = text('norm', 'The norm or guideline to explain, e.g. "You should not insult people."', { max: 300 });
const isPublic = flag('public', 'Show the answer to the whole channel (default: only you)');

export interface AssessCommand {
  name: 'advise' | 'evaluate' | 'check' | 'why';
  strategy: Strategy;
  title: string;
  description: string;
  options: readonly OptionSpec[];
}

/** `/ethics advise|evaluate|check|why`: frames S1, S2, S3, S4 (DESIGN.md §2). */
export const ASSESS_COMMANDS: readonly AssessCommand[] = [
  {
    name: 'advise',
    strategy: 'guidance',
    title: 'Ethical guidance',
    description: 'Get an ethical assessment and an action plan for a situation',
    options: [situation, intent, isPublic],
  },
  {
    name: 'evaluate',
    strategy: 'evaluation',
    title: 'Moral evaluation',
    description: 'Get a moral evaluation of an action in a situation',
    options: [situation, intent, action, isPublic],
  },
  {
    name: 'check',
    strategy: 'permissibility',
    title: 'Permissibility check',
    description: 'Ask whether an action is permissible in a situation',
    options: [situation, intent, action, isPublic],
  },
  {
    name: 'why',
    strategy: 'norm-rationale',
    title: 'Why this norm matters',
    description: 'Ask why a norm should be kept in a situation',
    options: [norm, situation, isPublic],
  },
];

export function assessCommand(name: string): AssessCommand | undefined {
  return ASSESS_COMMANDS.find((c) => c.name === name);
}

export const SEVERITY_CHOICES = ['low', 'medium', 'high'] as const;

/** `/ethics config`: admins only. Each run changes what its options name and shows the result. */
export const CONFIG_OPTIONS: readonly OptionSpec[] = [
  channel('channel', 'A channel to monitor (with mode)'),
  choice('mode', 'How to monitor that channel: off, shadow (record only), flag, coach', CHANNEL_MODES),
  flag('unclear_to_review', 'For that channel: send unclear verdicts to review too'),
  channel('review_channel', 'Where case cards are posted for moderators'),
  role('moderator_role', 'A role whose members may act on cases (adds it)'),
  choice('flag_threshold', 'Lowest severity that opens a case in flag mode', SEVERITY_CHOICES),
  choice('coach_flag_threshold', 'In coach mode: lowest severity flagged rather than explained', SEVERITY_CHOICES),
  role('exempt_role', 'A role never audited (adds it)'),
  role('unexempt_role', 'Remove a role from the exempt list'),
  flag('notify_authors', 'Tell authors privately when a case about them is upheld, with how to appeal'),
  integer('appeal_days', 'Days an appeal waits for a moderator before it times out', { min: 1, max: 90 }),
  integer('flood_max_cases', 'Cases per minute before they are grouped into one digest card', { min: 1, max: 1000 }),
  user('block_reporter', 'Refuse reports from this member'),
  user('unblock_reporter', 'Accept reports from this member again'),
];

export const STATS_OPTIONS: readonly OptionSpec[] = [
  integer('days', 'The period to report, in days (default 30)', { min: 1, max: 365 }),
  isPublic,
];

/** The message action "Check this message": S3 on the chosen message with its surroundings. */
export const CHECK_MESSAGE_ACTION = { name: 'Check this message' } as const;

/** The message action any member may use: "Report to moderators". */
export const REPORT_MESSAGE_ACTION = { name: 'Report to moderators' } as const;

/** `/ethics forget <member>`: admins remove a member's stored text from this workspace. */
export const FORGET_OPTIONS: readonly OptionSpec[] = [user('user', 'The member whose stored messages normguard should forget', true)];

/** `/ethics case <id>`: a case's whole timeline, for moderators. */
export const CASE_OPTIONS: readonly OptionSpec[] = [text('id', 'The case id, e.g. c_abcdefghij', { max: 12 })];

/** The one top-level command, and its description on every platform. */
export const ETHICS_COMMAND = { name: 'ethics', description: 'Ask normguard, the moral-reasoning judge' } as const;
