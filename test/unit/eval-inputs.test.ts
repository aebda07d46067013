import { describe, expect, it } from 'vitest';
import { caseItem, parseEvalArgs, parseItems, parseStories, storyItems } from '../../src/eval/index.js';
import { verdictMethodSchema } from '../../src/assessment/types.js';
import { reviewCaseSchema, type ReviewCase } from '../../src/store/case.js';

const story = { ID: 'S1', norm: 'Be kind.', situation: 'Ann is at school.', intention: 'Ann wants a friend.', moral_action: 'Ann says hello.', moral_consequence: 'x', immoral_action: 'Ann mocks Bo.', immoral_consequence: 'y' };
const line = (o: object) => JSON.stringify(o);

describe('Moral Stories JSON Lines', () => {
  it('reads records and turns each into a permissible and an impermissible item', () => {
    const stories = parseStories(`${line(story)}\n\n${line({ ...story, ID: 'S2' })}\n`, 'f.jsonl');
    expect(stories.map((s) => s.ID)).toEqual(['S1', 'S2']);
    expect(storyItems(stories[0]!)).toEqual([
      { id: 'S1:moral', label: 'permissible', norm: 'Be kind.', fields: { situation: 'Ann is at school.', intent: 'Ann wants a friend.', action: 'Ann says hello.' } },
      { id: 'S1:immoral', label: 'impermissible', norm: 'Be kind.', fields: { situation: 'Ann is at school.', intent: 'Ann wants a friend.', action: 'Ann mocks Bo.' } },
    ]);
  });

  it.each([
    [`${line(story)}\n{"ID": "S2",`, 'f.jsonl line 2: not valid JSON'],
    [`${line(story)}\n\n${line({ ...story, ID: 'S3', immoral_action: undefined })}`, 'f.jsonl line 3: not a Moral Stories record: "immoral_action" is missing'],
    [`${line({ ...story, norm: 7 })}`, 'f.jsonl line 1: not a Moral Stories record: "norm" must be a string'],
    [`${line({ ...story, situation: '  ' })}`, 'f.jsonl line 1: not a Moral Stories record: "situation" is empty'],
    ['[1, 2]', 'f.jsonl line 1: not a Moral Stories record: expected a JSON object'],
    [`${line(story)}\n${line(story)}`, 'f.jsonl line 2: ID "S1" was already used on line 1'],
    ['\n\n', 'f.jsonl holds no records'],
  ])('names the line of a bad record (%#)', (content, message) => {
    expect(() => parseStories(content, 'f.jsonl')).toThrow(message);
  });
});

describe('items.jsonl', () => {
  const r = { id: 'S1:moral', frame: 'check', method: 'fast', label: 'permissible', norm: 'n', prediction: 'permissible', severity: 'none', latencyMs: 3, tokens: { prompt: 1, completion: 2 }, at: 1 };

  it('drops a half-written last line (a run killed mid-write) and keeps the rest', () => {
    const text = `${line(r)}\n${line({ ...r, id: 'S1:immoral' })}\n{"id":"S2:mo`;
    const parsed = parseItems(text, 'items.jsonl');
    expect(parsed.truncatedLine).toBe(true);
    expect(parsed.results.map((x) => x.id)).toEqual(['S1:moral', 'S1:immoral']);
  });

  it('refuses a damaged line elsewhere, naming it', () => {
    expect(() => parseItems(`${line(r)}\nnot json\n${line(r)}\n`, 'items.jsonl')).toThrow('items.jsonl line 2: not valid JSON');
    expect(() => parseItems(`${line({ ...r, prediction: 'maybe' })}\n`, 'items.jsonl')).toThrow(/items\.jsonl line 1: .*prediction/);
  });
});

describe('normguard eval arguments', () => {
  it('has sensible defaults', () => {
    expect(parseEvalArgs([])).toEqual({
      source: { kind: 'moral-stories', dataPath: undefined },
      frames: ['evaluate', 'check'],
      methods: undefined,
      limit: undefined,
      concurrency: undefined,
      outDir: undefined,
      targetPrecision: undefined,
    });
  });

  it('reads every option', () => {
    expect(parseEvalArgs(['--data', 'x.jsonl', '--frame', 'evaluate', '--method', 'both', '--limit', '5', '--concurrency', '3', '--out', 'o', '--target-precision', '0.9'])).toEqual({
      source: { kind: 'moral-stories', dataPath: 'x.jsonl' },
      frames: ['evaluate'],
      methods: ['structured', 'fast'],
      limit: 5,
      concurrency: 3,
      outDir: 'o',
      targetPrecision: 0.9,
    });
    expect(parseEvalArgs(['--from-cases', '--workspace', 'G1', '--method', 'fast']).source).toEqual({ kind: 'cases', workspaceId: 'G1' });
    expect(parseEvalArgs(['--frame', 'both']).frames).toEqual(['evaluate', 'check']);
    expect(parseEvalArgs(['--frame', 'check']).frames).toEqual(['check']);
    expect(parseEvalArgs(['--method', 'all']).methods).toEqual(verdictMethodSchema.options);
  });

  it.each([
    [['--frame', 'advise'], '--frame must be check (S3), evaluate (S2) or both'],
    [['--method', 'slow'], `--method must be ${verdictMethodSchema.options.join(', ')}, both (structured and fast) or all`],
    [['--limit', '0'], '--limit must be at least 1'],
    [['--limit', 'ten'], '--limit must be a whole number'],
    [['--target-precision', '1.5'], '--target-precision must be at most 1'],
    [['--target-precision', 'high'], '--target-precision must be a number'],
    [['--from-cases'], '--from-cases needs --workspace ID'],
    [['--workspace', 'G1'], '--workspace only applies with --from-cases'],
    [['--data', 'x', '--from-cases', '--workspace', 'G1'], '--data and --from-cases exclude each other'],
    [['--nope'], "Unknown option '--nope'"],
    [['stray'], 'unexpected argument "stray"'],
  ])('rejects %j', (args, message) => {
    expect(() => parseEvalArgs(args)).toThrow(message);
  });
});

describe('review cases as labelled items', () => {
  const base: ReviewCase = reviewCaseSchema.parse({
    id: 'c_aaaaaaaaaa',
    workspaceId: 'G1',
    platform: 'discord',
    channelId: 'ch',
    messageId: 'm',
    messageUrl: null,
    authorId: 'u',
    authorName: 'alice',
    authorIsNew: false,
    messageText: 'you are an idiot',
    context: 'bob: I think the patch is fine',
    assessment: { strategy: 'permissibility', verdict: 'impermissible', severity: 'medium', norm: 'Be civil.', summary: '', text: '', model: 'm', method: 'fast', latencyMs: 1, usage: { promptTokens: 1, completionTokens: 1 } },
    rule: 'flag-threshold',
    status: 'upheld',
    createdAt: 1,
    updatedAt: 2,
    card: null,
    history: [],
  });

  it('upheld is impermissible, dismissed permissible, open is left out', () => {
    expect(caseItem(base)?.label).toBe('impermissible');
    expect(caseItem({ ...base, status: 'dismissed' })?.label).toBe('permissible');
    expect(caseItem({ ...base, status: 'open' })).toBeNull();
  });

  it('asks what the monitor asked: the excerpt, the evident goal, the message', () => {
    expect(caseItem(base)).toEqual({
      id: 'c_aaaaaaaaaa',
      label: 'impermissible',
      norm: 'Be civil.',
      fields: {
        situation: 'In a community chat channel, the recent messages were: bob: I think the patch is fine',
        intent: 'alice wants to take part in the conversation.',
        action: 'alice writes: you are an idiot',
      },
    });
    const bare = caseItem({ ...base, context: '', messageText: 'is this allowed?', assessment: { ...base.assessment, norm: null } });
    expect(bare?.fields).toEqual({
      situation: 'alice is posting in a community chat channel.',
      intent: 'alice wants to ask the channel a question.',
      action: 'alice writes: is this allowed?',
    });
    expect(bare?.norm).toBe('(no norm named)');
  });
});
