import { ASSESS_COMMANDS } from './assess.js';
import { configCommand } from './config.js';
import type { Command } from './define.js';
import { caseCommand, forgetCommand, statsCommand } from './records.js';

export { CHECK_MESSAGE_ACTION, runCheckMessage } from './assess.js';
export { ProseStream, type StreamPacing } from './prose-stream.js';
export { defineCommand, replyOf, type Command, type CommandContext, type Outcome, type Surface } from './define.js';

/** Every command, once: Discord registration and dispatch, Slack's text and forms, the CLI and HTTP read this. */
export const COMMANDS: readonly Command[] = [...ASSESS_COMMANDS, configCommand, statsCommand, caseCommand, forgetCommand];

export function findCommand(name: string): Command | undefined {
  return COMMANDS.find((c) => c.name === name);
}

/** The one top-level command, and its description on every platform. */
export const ETHICS_COMMAND = { name: 'ethics', description: 'Ask normguard, the moral-reasoning judge' } as const;

/** The message action any member may use: "Report to moderators". */
export const REPORT_MESSAGE_ACTION = { name: 'Report to moderators' } as const;
