// Public types of the fake Discord. Wire objects keep Discord's snake_case field names so a test
// reads exactly what the real API would have sent or stored. Embeds and components stay `any`:
// they are free-form JSON the bot chose, and tests dig into them.

export interface UserSpec {
  id: string;
  username: string;
  globalName?: string;
  bot?: boolean;
}

export interface ChannelSpec {
  id: string;
  name: string;
  /** 0 text (default), 2 voice, 4 category, 5 announcement, 15 forum. */
  type?: number;
  topic?: string;
  parentId?: string;
  /** Discord overwrites: `{id, type: 0 role | 1 member, allow, deny}` (bitfield strings). */
  permissionOverwrites?: Array<{ id: string; type: 0 | 1; allow: string; deny: string }>;
}

export interface RoleSpec {
  id: string;
  name: string;
  permissions: bigint | string;
  position?: number;
  color?: number;
  managed?: boolean;
  /** For a bot's integration role: Discord tags it with the bot id. */
  botId?: string;
}

export interface MemberSpec {
  user: UserSpec;
  /** Role ids, without @everyone (Discord never lists it). */
  roles: string[];
  nick?: string;
  joinedAt?: string;
}

export interface GuildSpec {
  id: string;
  name: string;
  ownerId: string;
  channels: ChannelSpec[];
  /** Must include @everyone, whose id is the guild id. */
  roles: RoleSpec[];
  /** The bot is added automatically when missing. */
  members: MemberSpec[];
}

export interface FakeDiscordOptions {
  port?: number;
  /** The OAuth2 client secret the token endpoint accepts (the client id is the application id). */
  clientSecret?: string;
  applicationId?: string;
  bot?: { id: string; username: string };
  guilds?: GuildSpec[];
  heartbeatIntervalMs?: number;
  /** When set, IDENTIFY/RESUME with another token closes 4004 and REST answers 401. Default: any token. */
  token?: string;
  /** Privileged intents the application is allowed (GuildMembers 1<<1, GuildPresences 1<<8, MessageContent 1<<15). Asking for others closes 4014. Default: all. */
  privilegedIntents?: number;
  /** How long after an interaction is created its first callback is accepted (Discord: 3 s). 0 disables. */
  interactionDeadlineMs?: number;
}

export interface WireUser {
  id: string;
  username: string;
  global_name: string | null;
  discriminator: string;
  avatar: string | null;
  bot?: boolean;
  public_flags: number;
  [key: string]: unknown;
}

export interface FakeMessage {
  id: string;
  channel_id: string;
  guild_id?: string;
  type: number;
  content: string;
  author: WireUser;
  embeds: any[];
  components: any[];
  attachments: any[];
  flags: number;
  timestamp: string;
  edited_timestamp: string | null;
  mentions: WireUser[];
  mention_roles: string[];
  mention_everyone: boolean;
  tts: boolean;
  pinned: boolean;
  message_reference?: { type: number; message_id: string; channel_id: string; guild_id?: string };
  referenced_message?: FakeMessage | null;
  /** The thread channel started on this message, if any. */
  thread?: any;
  webhook_id?: string;
  application_id?: string;
  interaction_metadata?: any;
  [key: string]: unknown;
}

export interface RestCall {
  method: string;
  /** Percent-decoded, without the `/api/v10` prefix, e.g. `/channels/1/messages`. */
  path: string;
  query: Record<string, string>;
  /** Parsed JSON; for multipart the `payload_json` part; undefined when there was no body. */
  body: any;
  /** Files of a multipart body. */
  files: Array<{ field: string; filename: string; contentType: string; size: number }>;
  /** `X-Audit-Log-Reason`, decoded. */
  reason?: string;
  /** Status the fake answered. */
  status: number;
  at: number;
}

export interface ThreadInfo {
  id: string;
  parentId: string;
  name: string;
  type: number;
  messageId?: string;
  archived: boolean;
  locked: boolean;
  memberIds: string[];
}

export interface InteractionView {
  id: string;
  token: string;
  /** Interaction type: 2 command, 3 component, 5 modal submit. */
  type: number;
  callbacks: Array<{ type: number; data: any }>;
  /** The reply message as it stands now (type 4/5 reply with edits applied; for 6/7 the component's message). */
  original: any | null;
  followups: any[];
}

export interface InjectedInteraction {
  id: string;
  token: string;
  /** The INTERACTION_CREATE `d` that was dispatched. */
  payload: any;
}

export interface RestFault {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** How many matching calls fail (default 1). */
  times?: number;
}

export interface MessageInjection {
  channelId: string;
  authorId: string;
  content: string;
  bot?: boolean;
  webhookId?: string;
  id?: string;
  replyTo?: string;
  attachments?: number;
  type?: number;
}

export type PermissionsInput = bigint | string;

export type OptionInput = string | boolean | number | { type: number; value: string | number | boolean };

export interface SlashCommandInjection {
  channelId: string;
  userId: string;
  subcommand: string;
  options?: Record<string, OptionInput>;
  permissions?: PermissionsInput;
  guildId?: string;
  /** Default 'ethics'. */
  commandName?: string;
  subcommandGroup?: string;
}

export interface ContextMenuInjection {
  channelId: string;
  userId: string;
  name: string;
  targetMessageId: string;
  permissions?: PermissionsInput;
}

export interface ButtonInjection {
  channelId: string;
  messageId: string;
  userId: string;
  customId: string;
  permissions?: PermissionsInput;
  /** 2 button (default) or a select menu type (3, 5, 6, 7, 8) with `values`. */
  componentType?: number;
  values?: string[];
  /** Skip the check that the message shows an enabled component with this custom id. */
  force?: boolean;
}

export interface ModalInjection {
  channelId: string;
  userId: string;
  customId: string;
  /** Text input values by custom id; an array for a select inside the modal. */
  fields: Record<string, string | string[]>;
  messageId?: string;
  permissions?: PermissionsInput;
  /** Skip the check that the bot showed a modal with this custom id. */
  force?: boolean;
}

export interface WaitOptions {
  count?: number;
  timeoutMs?: number;
}

export interface ReplyWaitOptions {
  timeoutMs?: number;
  /**
   * After the first visible reply, wait until the bot has made no callback, edit or follow-up
   * for `quietMs` and return the reply's latest state. A heuristic: on a loaded machine a slow
   * bot can look quiet; prefer `until` when the expected end state is known.
   */
  final?: boolean;
  /** Quiet period for `final` (default 150 ms). */
  quietMs?: number;
  /** Resolve with the reply's latest state once this holds (deterministic, unlike `final`). */
  until?: (reply: any) => boolean;
}

export interface FakeDiscord {
  apiUrl: string;
  /** The OAuth2 side (sign-in with Discord): client credentials and the calls it answered. */
  oauth: import('./oauth.js').FakeDiscordOAuth;
  gatewayUrl: string;
  port: number;
  applicationId: string;
  botId: string;

  rest: RestCall[];
  restTo(method: string, path: string | RegExp): RestCall[];
  waitForRest(method: string, path: string | RegExp, opts?: WaitOptions): Promise<RestCall[]>;
  /** Make the next matching REST call(s) fail with this answer. */
  failRest(method: string, path: string | RegExp, fault: RestFault): void;

  channelMessages(channelId: string): FakeMessage[];
  message(channelId: string, messageId: string): FakeMessage | undefined;
  deletedMessages(channelId?: string): FakeMessage[];
  threads(): ThreadInfo[];
  dms(userId: string): FakeMessage[];
  /** The DM channel id between the bot and this user, created on first use. */
  dmChannel(userId: string): string;
  commands(scope?: { guildId?: string }): unknown[];
  memberTimeouts(): Array<{ guildId: string; userId: string; until: string | null }>;

  interaction(id: string): InteractionView;
  waitForInteractionReply(id: string, opts?: ReplyWaitOptions): Promise<any>;

  postMessage(p: MessageInjection): Promise<FakeMessage>;
  slashCommand(p: SlashCommandInjection): Promise<InjectedInteraction>;
  contextMenu(p: ContextMenuInjection): Promise<InjectedInteraction>;
  clickButton(p: ButtonInjection): Promise<InjectedInteraction>;
  submitModal(p: ModalInjection): Promise<InjectedInteraction>;

  identifyCount(): number;
  resumeCount(): number;
  /** Sockets currently open to the gateway. */
  connectedCount(): number;
  disconnect(code?: number): void;
  close(): Promise<void>;
}
