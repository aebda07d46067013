// Every message the fake knows, by channel, in the order they were posted. Ephemeral interaction
// replies are stored too (a button on one can be clicked) but are hidden from channel views,
// because only the invoker ever sees them.

import { compareSnowflakes } from './snowflake.js';
import type { FakeMessage } from './types.js';
import { channelPayload } from './payloads.js';
import type { World } from './world.js';

export interface StoredMessage {
  wire: FakeMessage;
  channelId: string;
  ephemeral: boolean;
  deleted: boolean;
}

export interface HistoryQuery {
  limit: number;
  before?: string;
  after?: string;
  around?: string;
}

export class MessageStore {
  private readonly byId = new Map<string, StoredMessage>();
  private readonly byChannel = new Map<string, string[]>();

  constructor(private readonly world: World) {}

  add(wire: FakeMessage, ephemeral: boolean): StoredMessage {
    if (this.byId.has(wire.id)) throw new Error(`message id ${wire.id} is already taken`);
    const stored: StoredMessage = { wire, channelId: wire.channel_id, ephemeral, deleted: false };
    this.byId.set(wire.id, stored);
    const list = this.byChannel.get(wire.channel_id) ?? [];
    list.push(wire.id);
    this.byChannel.set(wire.channel_id, list);
    if (!ephemeral) {
      const channel = this.world.channels.get(wire.channel_id);
      if (channel) {
        channel.lastMessageId = wire.id;
        if (channel.thread) channel.thread.messageCount += 1;
      }
    }
    return stored;
  }

  get(id: string): StoredMessage | undefined {
    return this.byId.get(id);
  }

  /** A live message in that channel, ephemeral or not. */
  find(channelId: string, id: string): StoredMessage | undefined {
    const stored = this.byId.get(id);
    return stored && !stored.deleted && stored.channelId === channelId ? stored : undefined;
  }

  /** What a person scrolling the channel sees, oldest first. */
  visible(channelId: string): StoredMessage[] {
    return (this.byChannel.get(channelId) ?? [])
      .map((id) => this.byId.get(id)!)
      .filter((m) => !m.deleted && !m.ephemeral);
  }

  deleted(channelId?: string): StoredMessage[] {
    return [...this.byId.values()].filter((m) => m.deleted && (channelId === undefined || m.channelId === channelId));
  }

  markDeleted(id: string): StoredMessage | undefined {
    const stored = this.byId.get(id);
    if (stored) stored.deleted = true;
    return stored;
  }

  /**
   * GET /channels/:id/messages: newest first, like Discord, whichever anchor is used; `around`
   * takes half the limit on each side of the anchor, including it.
   */
  history(channelId: string, q: HistoryQuery): StoredMessage[] {
    const all = this.visible(channelId);
    const newestFirst = [...all].reverse();
    if (q.around) {
      const older = newestFirst.filter((m) => compareSnowflakes(m.wire.id, q.around!) <= 0).slice(0, Math.ceil(q.limit / 2));
      const newer = all.filter((m) => compareSnowflakes(m.wire.id, q.around!) > 0).slice(0, Math.floor(q.limit / 2));
      return [...newer.reverse(), ...older];
    }
    if (q.after) {
      // The messages right after the anchor, still presented newest first.
      return all
        .filter((m) => compareSnowflakes(m.wire.id, q.after!) > 0)
        .slice(0, q.limit)
        .reverse();
    }
    const before = q.before;
    return newestFirst.filter((m) => before === undefined || compareSnowflakes(m.wire.id, before) < 0).slice(0, q.limit);
  }

  /**
   * The message as the API returns it: a copy (so tests cannot mutate the store), with the
   * thread started on it and the message it replies to filled in.
   */
  render(stored: StoredMessage): FakeMessage {
    const out = structuredClone(stored.wire);
    const thread = this.world.channels.get(stored.wire.id);
    if (thread?.thread && thread.thread.starterMessageId === stored.wire.id) out.thread = channelPayload(this.world, thread);
    const ref = stored.wire.message_reference;
    if (ref && stored.wire.type === 19) {
      const target = this.byId.get(ref.message_id);
      out.referenced_message = target && !target.deleted ? structuredClone(target.wire) : null;
    }
    return out;
  }
}
