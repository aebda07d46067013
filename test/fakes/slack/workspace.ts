import { Directory, type Identity } from './directory.js';
import { EphemeralStore } from './ephemerals.js';
import { MessageStore } from './messages.js';
import { tsClock } from './timestamps.js';
import type { FakeChannel, FakeUser, FakeUsergroup } from './types.js';
import { ViewStore } from './views.js';

// Everything a person in the workspace could see, in one place for the Web API handlers, the
// response_url effects and the test-facing accessors. Each fake owns its own Workspace.

export interface Workspace {
  identity: Identity;
  directory: Directory;
  messages: MessageStore;
  ephemerals: EphemeralStore;
  views: ViewStore;
  /** Fresh, strictly increasing message ts. */
  nextTs: () => string;
}

export interface WorkspaceSetup {
  identity: Identity;
  users: FakeUser[];
  channels: FakeChannel[];
  usergroups: FakeUsergroup[];
  triggerTtlMs: number;
  onChange: () => void;
}

export function createWorkspace(s: WorkspaceSetup): Workspace {
  const nextTs = tsClock();
  return {
    identity: s.identity,
    directory: new Directory(s.identity, s.users, s.channels, s.usergroups),
    messages: new MessageStore(nextTs, s.onChange),
    ephemerals: new EphemeralStore(s.onChange),
    views: new ViewStore(s.identity, s.triggerTtlMs, s.onChange),
    nextTs,
  };
}

/** The author fields Slack puts on a message the app posted with its bot token. */
export function botAuthor(identity: Identity): { user: string; bot_id: string; app_id: string } {
  return { user: identity.botUserId, bot_id: identity.botId, app_id: identity.appId };
}
