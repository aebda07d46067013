import type { Assessment } from '../../../src/assessment/types.js';
import type { NewReviewCase } from '../../../src/store/case.js';

export const FLAGGED: Assessment = {
  strategy: 'permissibility',
  verdict: 'impermissible',
  severity: 'medium',
  norm: 'It is wrong to insult people.',
  summary: 'Insulting a member hurts them and the community.',
  text: 'No, it is not permissible.',
  model: 'normguard',
  method: 'fast',
  latencyMs: 12,
  usage: { promptTokens: 90, completionTokens: 20 },
};

/** A case as the monitor would open it for message `n` of `workspaceId`. */
export function newCase(workspaceId: string, n: number | string): NewReviewCase {
  return {
    workspaceId,
    platform: 'discord',
    channelId: 'c1',
    messageId: `m${n}`,
    messageUrl: `https://discord.com/channels/${workspaceId}/c1/m${n}`,
    authorId: `author-${n}`,
    authorName: `author ${n}`,
    authorIsNew: false,
    messageText: `You are a stupid idiot (message ${n})`,
    context: 'bob: has anyone finished the raid?',
    assessment: FLAGGED,
    rule: 'flag-threshold',
  };
}
