import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { COMMANDS, defineCommand, findCommand, type CommandContext } from '../../commands/index.js';
import { parseCommandText } from '../../commands/inline.js';
import { optionSpecs, text } from '../../commands/options.js';
import { adminOnly } from '../../commands/preconditions.js';
import type { CommandDeps } from '../../commands/deps.js';

const check = findCommand('check')!;
const nobody = { platformModerator: false, platformAdmin: false, roleIds: [] };
const ctx = (admin: boolean): CommandContext => ({ surface: 'slack', workspaceId: 'T1', channelId: 'C1', userId: 'U1', actor: async () => ({ ...nobody, id: 'U1', platformAdmin: admin }) });

describe('the command registry', () => {
  it('declares every option with a description, and the limits Discord and --help show', () => {
    for (const c of COMMANDS) for (const o of optionSpecs(c.options)) expect(o.description.length, `${c.name}.${o.name}`).toBeGreaterThan(10);
    const situation = optionSpecs(check.options).find((o) => o.name === 'situation');
    expect(situation).toMatchObject({ kind: 'string', required: true, minLength: 1, maxLength: 1000, multiline: true });
    expect(optionSpecs(findCommand('stats')!.options).find((o) => o.name === 'days')).toMatchObject({ kind: 'integer', required: false, minValue: 1, maxValue: 365 });
  });

  it('runs preconditions before reading options, and types arguments from the schema', async () => {
    let seen: string | undefined;
    const echo = defineCommand({
      name: 'echo',
      description: 'Says a word back',
      example: { word: 'hello' },
      options: z.object({ word: text('The word to say back', { name: 'word', max: 5 }) }),
      preconditions: [adminOnly],
      run: async (args) => {
        seen = args.word.toUpperCase();
        return { kind: 'notice', text: args.word, ephemeral: true };
      },
    });
    const deps = {} as CommandDeps;
    expect(await echo.execute({ word: 123 }, ctx(false), deps)).toEqual({ kind: 'refused', message: 'Only workspace admins can do that.' });
    expect(await echo.execute({ word: 'toolong' }, ctx(true), deps)).toMatchObject({ kind: 'invalid', problems: [{ option: 'word', message: 'word is too long (5 characters at most)' }] });
    expect(await echo.execute({ word: 'hi' }, ctx(true), deps)).toMatchObject({ kind: 'reply', reply: { text: 'hi' } });
    expect(seen).toBe('HI');
  });
});

describe('the text form of a command', () => {
  it('reads labelled fields in any order, split by | or new lines or before the next label', () => {
    expect(parseCommandText(check, 'action: call him an idiot | situation: a game chat\nintention: win')).toEqual({ ok: true, input: { action: 'call him an idiot', situation: 'a game chat', intent: 'win' } });
    expect(parseCommandText(check, 'situation: He said: hi intent: greet action: waves public: yes')).toEqual({ ok: true, input: { situation: 'He said: hi', intent: 'greet', action: 'waves', public: true } });
  });

  it('explains the syntax when a field is unlabelled or unknown', () => {
    const a = parseCommandText(check, 'just some words');
    expect(a.ok ? '' : a.message).toMatch(/each field needs a label.*\/ethics check situation:/);
    const b = parseCommandText(check, 'situation: x | colour: blue');
    expect(b.ok ? '' : b.message).toMatch(/has no field "colour"; it takes situation, intent, action/);
  });

  it('fills a positional option and turns Slack references and words into values', () => {
    expect(parseCommandText(findCommand('case')!, 'c_abcdefghij')).toEqual({ ok: true, input: { id: 'c_abcdefghij' } });
    expect(parseCommandText(findCommand('stats')!, '7 public: yes')).toEqual({ ok: true, input: { days: 7, public: true } });
    expect(parseCommandText(findCommand('config')!, 'channel: <#C123|general> mode: coach unclear_to_review: yes appeal_days: 3 moderator_group: <!subteam^S1|@mods> exempt_user: <@U9|eve>')).toEqual({
      ok: true,
      input: { channel: 'C123', mode: 'coach', unclear_to_review: true, appeal_days: 3, moderator_group: 'S1', exempt_user: 'U9' },
    });
  });
});
