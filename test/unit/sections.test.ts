import { describe, expect, it } from 'vitest';
import { splitSections } from '../../commands/sections.js';
import { applyConfigChange } from '../../commands/config.js';
import { defaultWorkspaceSettings } from '../../src/policy/settings.js';

describe('splitSections', () => {
  it('splits labelled parts of an S3 refusal', () => {
    const text = 'No, it is not permissible.\n\n**Risk:** It hurts Tom.\nBoundary crossed: respect for others.\n### Course correction\nApologise to Tom.';
    expect(splitSections(text)).toEqual([
      { title: null, body: 'No, it is not permissible.' },
      { title: 'Risk', body: 'It hurts Tom.' },
      { title: 'Boundary crossed', body: 'respect for others.' },
      { title: 'Course correction', body: 'Apologise to Tom.' },
    ]);
  });
  it('keeps unstructured prose as paragraphs and loses no words', () => {
    const text = 'First paragraph here.\nstill first.\n\nSecond paragraph, not a heading: it is a long sentence with many words in it.';
    const out = splitSections(text);
    expect(out.map((s) => s.title)).toEqual([null, null]);
    expect(out.map((s) => s.body).join(' ').split(/\s+/)).toEqual(text.split(/\s+/));
  });
  it('returns nothing for empty prose', () => {
    expect(splitSections('')).toEqual([]);
  });
});

describe('applyConfigChange', () => {
  it('sets a channel mode, defaulting to flag, and removes it when switched off', () => {
    let s = applyConfigChange(defaultWorkspaceSettings(), { channel: 'c1' });
    expect(s.channels.c1).toEqual({ mode: 'flag', unclearToReview: false });
    s = applyConfigChange(s, { channel: 'c1', mode: 'coach', unclear_to_review: true });
    expect(s.channels.c1).toEqual({ mode: 'coach', unclearToReview: true });
    s = applyConfigChange(s, { channel: 'c1', mode: 'off' });
    expect(s.channels.c1).toBeUndefined();
  });
  it('sets and clears a channel’s calibrated score threshold, keeping it across other changes', () => {
    let s = applyConfigChange(defaultWorkspaceSettings(), { channel: 'c1', min_score: 80 });
    expect(s.channels.c1).toEqual({ mode: 'flag', unclearToReview: false, minScore: 0.8 });
    s = applyConfigChange(s, { channel: 'c1', mode: 'coach' });
    expect(s.channels.c1?.minScore).toBe(0.8);
    s = applyConfigChange(s, { channel: 'c1', min_score: 0 });
    expect(s.channels.c1).toEqual({ mode: 'coach', unclearToReview: false });
  });

  it('adds roles once, removes exempt roles, sets thresholds and the review channel', () => {
    const base = defaultWorkspaceSettings();
    let s = applyConfigChange(base, { moderator_role: 'r1', exempt_role: 'r2', review_channel: 'mods', flag_threshold: 'high' });
    s = applyConfigChange(s, { moderator_role: 'r1', unexempt_role: 'r2' });
    expect(s.moderatorRoleIds).toEqual(['r1']);
    expect(s.exemptRoleIds).toEqual([]);
    expect(s.reviewChannelId).toBe('mods');
    expect(s.thresholds.flag).toBe('high');
    expect(base.moderatorRoleIds).toEqual([]);
  });
});
