import type { Assessment } from '../src/assessment/types.js';
import type { CaseStats } from '../src/moderation/stats.js';
import type { Section } from './sections.js';

/** What a command answers, platform-free; each adapter has one renderer per kind. */
export type Reply =
  | { kind: 'assessment'; title: string; assessment: Assessment; sections: Section[]; ephemeral: boolean }
  | { kind: 'stats'; stats: CaseStats; days: number; ephemeral: boolean }
  | { kind: 'notice'; text: string; ephemeral: boolean }
  | { kind: 'error'; text: string; ephemeral: true };

export function errorReply(text: string): Reply {
  return { kind: 'error', text, ephemeral: true };
}
