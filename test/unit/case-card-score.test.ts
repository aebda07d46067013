import { describe, expect, it } from 'vitest';
import { caseCardModel } from '../../commands/case-card.js';
import type { Assessment } from '../../src/assessment/types.js';
import { systemClock } from '../../src/clock.js';
import { createRepositories, MemoryKvStore } from '../../src/store/index.js';

const assessment = (over: Partial<Assessment>): Assessment => ({
  strategy: 'permissibility',
  verdict: 'impermissible',
  severity: 'medium',
  norm: 'Be civil.',
  summary: 'An insult.',
  text: '',
  model: 'normguard',
  method: 'calibrated',
  latencyMs: 5,
  usage: { promptTokens: 1, completionTokens: 1 },
  ...over,
});

async function card(a: Assessment) {
  const { cases } = createRepositories(new MemoryKvStore(), systemClock);
  const c = await cases.create({
    workspaceId: 'g1', platform: 'discord', channelId: 'c1', messageId: 'm1', messageUrl: null, authorId: 'u1', authorName: 'u1',
    authorIsNew: false, messageText: 'you idiot', context: '', assessment: a, rule: 'flag-threshold',
  });
  return caseCardModel(c, { earlier: 0, upheld: 0, dismissed: 0 });
}

describe('the case card shows the calibrated score', () => {
  it('next to the verdict, naming the method that measured it', async () => {
    const model = await card(assessment({ score: 0.934 }));
    expect(model.score).toBe(0.934);
    expect(model.fields.find((f) => f.label === 'Verdict')?.value).toBe('impermissible · severity medium · score 0.93 (calibrated)');
  });
  it('and nothing when no score was measured (contrast fallback, older cases)', async () => {
    for (const a of [assessment({ method: 'contrast', score: null }), assessment({ method: 'fast' })]) {
      const model = await card(a);
      expect(model.score).toBeNull();
      expect(model.fields.find((f) => f.label === 'Verdict')?.value).toBe('impermissible · severity medium');
    }
  });
});
