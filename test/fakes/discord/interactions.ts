// What happened to each interaction the fake sent: the callbacks the bot made, which message
// `@original` refers to, and its follow-ups. REST routes write it; tests read it.

export const InteractionType = { Ping: 1, ApplicationCommand: 2, MessageComponent: 3, Autocomplete: 4, ModalSubmit: 5 } as const;

export const CallbackType = {
  Pong: 1,
  ChannelMessage: 4,
  DeferredChannelMessage: 5,
  DeferredUpdateMessage: 6,
  UpdateMessage: 7,
  AutocompleteResult: 8,
  Modal: 9,
  LaunchActivity: 12,
} as const;

export interface InteractionRec {
  id: string;
  token: string;
  type: number;
  /** Application command type (1 chat input, 3 message) for commands. */
  commandType?: number;
  channelId: string;
  guildId?: string;
  userId: string;
  createdAt: number;
  /** The message a component or modal was used on. */
  messageId?: string;
  payload: Record<string, unknown>;
  callbacks: Array<{ type: number; data: unknown; at: number }>;
  /** The message `@original` names once acknowledged. */
  originalId?: string;
  /** Edits made through the interaction webhook to @original. */
  originalEdits: number;
  followupIds: string[];
  /** Bumped on every callback, edit or follow-up: lets `final` waits see when the bot went quiet. */
  lastChangeAt: number;
}

export class InteractionStore {
  private readonly byId = new Map<string, InteractionRec>();
  private readonly byToken = new Map<string, InteractionRec>();

  add(rec: InteractionRec): void {
    this.byId.set(rec.id, rec);
    this.byToken.set(rec.token, rec);
  }

  get(id: string): InteractionRec | undefined {
    return this.byId.get(id);
  }

  byWebhookToken(token: string): InteractionRec | undefined {
    return this.byToken.get(token);
  }

  /** The custom ids of modals the bot has shown, newest last; a person can only submit those. */
  shownModals(): Array<{ customId: string; data: Record<string, unknown> }> {
    const out: Array<{ customId: string; data: Record<string, unknown> }> = [];
    for (const rec of this.byId.values()) {
      for (const cb of rec.callbacks) {
        const data = cb.data as Record<string, unknown> | undefined;
        if (cb.type === CallbackType.Modal && data && typeof data.custom_id === 'string') out.push({ customId: data.custom_id, data });
      }
    }
    return out;
  }

  all(): InteractionRec[] {
    return [...this.byId.values()];
  }
}
