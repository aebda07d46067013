// The state and services one fake instance shares between its REST routes, the gateway and the
// test-side injectors. Built once in startFakeDiscord and passed down; nothing is global.

import type { Changes } from './changes.js';
import type { CommandStore } from './commands.js';
import type { Gateway } from './gateway.js';
import type { InteractionStore } from './interactions.js';
import type { MessageStore } from './messages.js';
import type { Snowflakes } from './snowflake.js';
import type { World } from './world.js';

export interface FakeContext {
  applicationId: string;
  botId: string;
  world: World;
  messages: MessageStore;
  interactions: InteractionStore;
  commands: CommandStore;
  gateway: Gateway;
  changes: Changes;
  ids: Snowflakes;
  now: () => number;
  interactionDeadlineMs: number;
  timeouts: Array<{ guildId: string; userId: string; until: string | null }>;
}

export function isoNow(ctx: FakeContext): string {
  return new Date(ctx.now()).toISOString();
}
