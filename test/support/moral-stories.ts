import { readFileSync } from 'node:fs';
import { MORAL_STORIES_SAMPLE } from '../../src/package-root.js';

export interface MoralStory {
  ID: string;
  norm: string;
  situation: string;
  intention: string;
  moral_action: string;
  moral_consequence: string;
  immoral_action: string;
  immoral_consequence: string;
}

/** The real Moral Stories sample bundled in data/ (see data/README.md). */
export const MORAL_STORIES_PATH = MORAL_STORIES_SAMPLE;

export function loadMoralStories(limit = Infinity): MoralStory[] {
  return readFileSync(MORAL_STORIES_PATH, 'utf8')
    .split('\n')
    .filter((l) => l.trim().length > 0)
    .slice(0, limit)
    .map((l) => JSON.parse(l) as MoralStory);
}

/** Labels for the simulator: each story's moral action is permissible, its immoral one is not. */
export function labelledActions(stories: MoralStory[]): Array<{ action: string; label: 'permissible' | 'impermissible' }> {
  return stories.flatMap((s) => [
    { action: s.moral_action, label: 'permissible' as const },
    { action: s.immoral_action, label: 'impermissible' as const },
  ]);
}
