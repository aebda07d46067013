import { describe, expect, it } from 'vitest';
import { splitSections } from '../../commands/sections.js';
import { parseInline } from '../../commands/inline.js';
import { assessCommand } from '../../commands/ethics.js';
import { applyConfigChange } from '../../commands/handlers.js';
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

describe('parseInline', () => {
  const check = assessCommand('check')!;
  it('reads labelled fields in any order, split by | or new lines', () => {
    expect(parseInline(check, 'action: call him an idiot | situation: a game chat\nintention: win')).toEqual({
      ok: true,
      fields: { action: 'call him an idiot', situation: 'a game chat', intent: 'win' },
    });
  });
  it('explains the syntax when a field is unlabelled, unknown or missing', () => {
    const a = parseInline(check, 'just some words');
    expect(a.ok).toBe(false);
    if (!a.ok) expect(a.message).toMatch(/each field needs a label.*\/ethics check situation:/);
    const b = parseInline(check, 'situation: x | colour: blue');
    if (!b.ok) expect(b.message).toMatch(/has no field "colour"; it takes situation, intent, action/);
    const c = parseInline(check, 'situation: x');
    if (!c.ok) expect(c.message).toMatch(/needs intent, action/);
    expect([b.ok, c.ok]).toEqual([false, false]);
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
