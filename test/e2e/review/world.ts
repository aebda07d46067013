import type { ReviewFlow } from '../../../commands/review/flow.js';
import type { App } from '../../../src/app.js';
import type { OllamaSimulator } from '../../fakes/ollama/index.js';

export type FormId = 'dismiss-reason' | 'appeal-deny-reason' | 'appeal-text';

/**
 * One platform, real client against its fake, as the shared review scenarios drive it. Each
 * method is what a person does (press a button, fill a form) or sees (a card, a DM, a private
 * answer), so the scenarios read the same for Discord and Slack.
 */
export interface ReviewWorld {
  platform: 'discord' | 'slack';
  /** The guild or workspace id. */
  workspace: string;
  sim: OllamaSimulator;
  core: App;
  flow: ReviewFlow;
  /** author writes the flagged messages; member has no rights; mod and mod2 moderate. */
  people: { author: string; member: string; mod: string; mod2: string };
  /** The monitored channel in flag mode, the review channel, and who moderates. */
  monitor(): Promise<void>;
  /** The author says something in the monitored channel. */
  say(text: string): Promise<void>;
  /** The author says something; resolves once its case card (and thread) are posted. */
  flag(text?: string): Promise<string>;
  /** Someone presses a card button (ng:<action>:<caseId>); resolves once it was answered. */
  press(caseId: string, action: string, userId: string): Promise<void>;
  /** A component with a custom id the bot never made (a stale or foreign one). */
  pressUnknown(customId: string, userId: string): Promise<void>;
  submit(form: FormId, caseId: string, userId: string, text: string): Promise<void>;
  /** The author presses Appeal on their notice and sends their side. */
  appeal(caseId: string, text: string): Promise<void>;
  /** A member reports the author's message with a note; resolves once the reporter was answered. */
  report(reporterId: string, text: string, note: string): Promise<void>;
  /** The card as a person reads it (all its text and button ids). */
  card(caseId: string): string;
  thread(caseId: string): string[];
  /** Everything said privately to this user (ephemerals, interaction replies). */
  privately(userId: string): string[];
  dms(userId: string): string[];
  /** The next DM to this user fails as the platform would refuse it. */
  failNextDm(userId: string): void;
  /** The next card post in the review channel is refused (the bot may not post there). */
  failNextCardPost(): void;
  restart(): Promise<void>;
  close(): Promise<void>;
}

export async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

export const json = (x: unknown) => JSON.stringify(x ?? null);
export const INSULT = 'You are a stupid idiot and everyone here knows it';
