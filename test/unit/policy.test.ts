import { describe, expect, it } from 'vitest';
import { decide, minScoreFromPercent, workspaceSettingsSchema, type ChannelMode, type PolicyInput } from '../../src/policy/index.js';
import type { Severity, Verdict } from '../../src/assessment/types.js';

const NOW = 1_000_000_000;

function input(over: {
  mode?: ChannelMode | null;
  verdict?: Verdict;
  severity?: Severity;
  unclearToReview?: boolean;
  authorAt?: number | null;
  channelAt?: number | null;
  settings?: Record<string, unknown>;
  author?: { id: string; roleIds: string[] };
}): PolicyInput {
  const channels = over.mode === null ? {} : { c1: { mode: over.mode ?? 'flag', unclearToReview: over.unclearToReview ?? false } };
  return {
    assessment: { verdict: over.verdict ?? 'impermissible', severity: over.severity ?? 'medium' },
    settings: workspaceSettingsSchema.parse({ channels, ...over.settings }),
    channelId: 'c1',
    author: over.author ?? { id: 'u1', roleIds: ['member'] },
    history: { lastActionOnAuthorAt: over.authorAt ?? null, lastExplainInChannelAt: over.channelAt ?? null },
    now: NOW,
  };
}

type Row = [string, Parameters<typeof input>[0], string, string, string?];

// [name, input, decision, rule, shadow]. Default thresholds: flag >= medium; coach: explain >= medium, flag >= high.
const table: Row[] = [
  ['unmonitored channel', { mode: null }, 'silent', 'channel-off'],
  ['off', { mode: 'off', severity: 'high' }, 'silent', 'channel-off'],

  ['flag: permissible', { mode: 'flag', verdict: 'permissible', severity: 'none' }, 'silent', 'permissible'],
  ['flag: unclear stays silent by default', { mode: 'flag', verdict: 'unclear' }, 'silent', 'unclear'],
  ['flag: unclear to review when chosen', { mode: 'flag', verdict: 'unclear', unclearToReview: true }, 'flag', 'unclear-to-review'],
  ['flag: low is below threshold', { mode: 'flag', severity: 'low' }, 'silent', 'below-threshold'],
  ['flag: medium flags', { mode: 'flag', severity: 'medium' }, 'flag', 'flag-threshold'],
  ['flag: high flags', { mode: 'flag', severity: 'high' }, 'flag', 'flag-threshold'],
  ['flag: custom threshold high', { mode: 'flag', severity: 'medium', settings: { thresholds: { flag: 'high' } } }, 'silent', 'below-threshold'],
  ['flag: custom threshold low', { mode: 'flag', severity: 'low', settings: { thresholds: { flag: 'low' } } }, 'flag', 'flag-threshold'],

  ['coach: permissible', { mode: 'coach', verdict: 'permissible', severity: 'none' }, 'silent', 'permissible'],
  ['coach: low silent', { mode: 'coach', severity: 'low' }, 'silent', 'below-threshold'],
  ['coach: medium explains', { mode: 'coach', severity: 'medium' }, 'explain', 'coach-explain-threshold'],
  ['coach: high flags', { mode: 'coach', severity: 'high' }, 'flag', 'coach-flag-threshold'],
  ['coach: unclear silent', { mode: 'coach', verdict: 'unclear' }, 'silent', 'unclear'],
  ['coach: unclear to review', { mode: 'coach', verdict: 'unclear', unclearToReview: true }, 'flag', 'unclear-to-review'],
  ['coach: channel cooldown mutes explain', { mode: 'coach', severity: 'medium', channelAt: NOW - 1000 }, 'silent', 'channel-cooldown'],
  ['coach: channel cooldown over', { mode: 'coach', severity: 'medium', channelAt: NOW - 3 * 60_000 }, 'explain', 'coach-explain-threshold'],
  ['coach: channel cooldown does not mute a flag', { mode: 'coach', severity: 'high', channelAt: NOW - 1000 }, 'flag', 'coach-flag-threshold'],

  ['shadow: would flag', { mode: 'shadow', severity: 'medium' }, 'silent', 'shadow:flag-threshold', 'flag'],
  ['shadow: below threshold', { mode: 'shadow', severity: 'low' }, 'silent', 'below-threshold'],
  ['shadow: permissible', { mode: 'shadow', verdict: 'permissible', severity: 'none' }, 'silent', 'permissible'],
  ['shadow: unclear to review is still silent', { mode: 'shadow', verdict: 'unclear', unclearToReview: true }, 'silent', 'shadow:unclear-to-review', 'flag'],

  ['author cooldown mutes a medium flag', { mode: 'flag', severity: 'medium', authorAt: NOW - 60_000 }, 'silent', 'author-cooldown'],
  ['author cooldown never mutes high', { mode: 'flag', severity: 'high', authorAt: NOW - 60_000 }, 'flag', 'flag-threshold'],
  ['author cooldown over', { mode: 'flag', severity: 'medium', authorAt: NOW - 11 * 60_000 }, 'flag', 'flag-threshold'],
  ['author cooldown mutes coaching', { mode: 'coach', severity: 'medium', authorAt: NOW - 1000 }, 'silent', 'author-cooldown'],
  ['custom author cooldown', { mode: 'flag', severity: 'medium', authorAt: NOW - 60_000, settings: { cooldowns: { authorMs: 30_000 } } }, 'flag', 'flag-threshold'],

  ['exempt user', { mode: 'flag', severity: 'high', settings: { exemptUserIds: ['u1'] } }, 'silent', 'exempt-user'],
  ['exempt role', { mode: 'flag', severity: 'high', author: { id: 'u2', roleIds: ['member', 'mod'] }, settings: { exemptRoleIds: ['mod'] } }, 'silent', 'exempt-role'],
  ['exempt channel', { mode: 'coach', severity: 'high', settings: { exemptChannelIds: ['c1'] } }, 'silent', 'exempt-channel'],
  ['another role is not exempt', { mode: 'flag', severity: 'high', settings: { exemptRoleIds: ['mod'] } }, 'flag', 'flag-threshold'],
];

describe('policy.decide', () => {
  it.each(table)('%s', (_name, over, decision, rule, shadow) => {
    const result = decide(input(over));
    expect(result.decision).toBe(decision);
    expect(result.rule).toBe(rule);
    expect(result.shadow).toBe(shadow);
  });

  it('never posts in shadow mode, whatever the assessment', () => {
    for (const verdict of ['permissible', 'impermissible', 'unclear'] as const) {
      for (const severity of ['none', 'low', 'medium', 'high'] as const) {
        expect(decide(input({ mode: 'shadow', verdict, severity, unclearToReview: true })).decision).toBe('silent');
      }
    }
  });
});

describe('a channel’s score threshold', () => {
  const withScore = (score: number | null | undefined, verdict: Verdict, minScore: number | null, severity: Severity = verdict === 'impermissible' ? 'medium' : 'none'): PolicyInput => {
    const base = input({ mode: 'flag', verdict, severity, settings: { channels: { c1: { mode: 'flag', minScore } } } });
    return { ...base, assessment: { ...base.assessment, score } };
  };

  it('below it, nothing to act on, whatever the verdict', () => {
    expect(decide(withScore(0.55, 'impermissible', 0.8))).toEqual({ decision: 'silent', rule: 'below-score-threshold' });
  });
  it('at or above it, a violation even when the verdict band said unclear or permissible; unknown severity counts as medium', () => {
    expect(decide(withScore(0.8, 'unclear', 0.8))).toEqual({ decision: 'flag', rule: 'flag-threshold' });
    expect(decide(withScore(0.45, 'permissible', 0.4))).toEqual({ decision: 'flag', rule: 'flag-threshold' });
    expect(decide(withScore(0.9, 'impermissible', 0.8, 'low'))).toEqual({ decision: 'silent', rule: 'below-threshold' });
  });
  it('an assessment without a score keeps its verdict; a channel without a threshold uses the verdict', () => {
    expect(decide(withScore(null, 'impermissible', 0.8))).toEqual({ decision: 'flag', rule: 'flag-threshold' });
    expect(decide(withScore(undefined, 'unclear', 0.8))).toEqual({ decision: 'silent', rule: 'unclear' });
    expect(decide(withScore(0.99, 'permissible', null))).toEqual({ decision: 'silent', rule: 'permissible' });
  });
  it('a config option in whole percent: 0 turns it off', () => {
    expect(minScoreFromPercent(70)).toBe(0.7);
    expect(minScoreFromPercent(0)).toBeNull();
    expect(() => minScoreFromPercent(100)).toThrow(RangeError);
    expect(() => minScoreFromPercent(2.5)).toThrow(RangeError);
  });
  it('refuses thresholds outside 0.01–0.99 when settings are parsed', () => {
    expect(() => workspaceSettingsSchema.parse({ channels: { c1: { mode: 'flag', minScore: 1.5 } } })).toThrow(/between 0.01 and 0.99/);
    expect(() => workspaceSettingsSchema.parse({ channels: { c1: { mode: 'flag', minScore: 0 } } })).toThrow(/between 0.01 and 0.99/);
  });
});
