// Registered application commands, globally and per guild. Discord keeps a command's id when it
// is registered again under the same name and type, so re-running registration does not change
// ids; the store does the same. Injected slash commands use the registered id when there is one.

import type { Snowflakes } from './snowflake.js';

// Command bodies are free-form JSON from the client under test.
type Json = Record<string, any>;

export class CommandStore {
  private readonly sets = new Map<string, Json[]>();
  private readonly idsByKey = new Map<string, string>();

  constructor(
    private readonly applicationId: string,
    private readonly ids: Snowflakes,
  ) {}

  private scopeKey(guildId: string | undefined): string {
    return guildId ?? 'global';
  }

  private echo(guildId: string | undefined, body: Json): Json {
    const type = body.type ?? 1;
    const key = `${this.scopeKey(guildId)}:${type}:${body.name}`;
    let id = this.idsByKey.get(key);
    if (!id) {
      id = this.ids();
      this.idsByKey.set(key, id);
    }
    return {
      name_localizations: null,
      description_localizations: null,
      default_member_permissions: null,
      nsfw: false,
      contexts: null,
      integration_types: [0],
      ...structuredClone(body),
      id,
      application_id: this.applicationId,
      version: this.ids(),
      type,
      description: body.description ?? '',
      ...(guildId ? { guild_id: guildId } : {}),
    };
  }

  /** PUT: the whole set is replaced. */
  replace(guildId: string | undefined, bodies: Json[]): Json[] {
    const list = bodies.map((b) => this.echo(guildId, b));
    this.sets.set(this.scopeKey(guildId), list);
    return list;
  }

  /** POST: create or overwrite one command by name and type. */
  upsert(guildId: string | undefined, body: Json): { command: Json; created: boolean } {
    const list = this.list(guildId);
    const type = body.type ?? 1;
    const command = this.echo(guildId, body);
    const at = list.findIndex((c) => c.type === type && c.name === body.name);
    if (at >= 0) list[at] = command;
    else list.push(command);
    this.sets.set(this.scopeKey(guildId), list);
    return { command, created: at < 0 };
  }

  list(guildId: string | undefined): Json[] {
    return [...(this.sets.get(this.scopeKey(guildId)) ?? [])];
  }

  get(guildId: string | undefined, id: string): Json | undefined {
    return this.list(guildId).find((c) => c.id === id);
  }

  patch(guildId: string | undefined, id: string, body: Json): Json | undefined {
    const list = this.list(guildId);
    const at = list.findIndex((c) => c.id === id);
    if (at < 0) return undefined;
    const updated = { ...list[at], ...structuredClone(body), id, version: this.ids() };
    list[at] = updated;
    this.sets.set(this.scopeKey(guildId), list);
    return updated;
  }

  remove(guildId: string | undefined, id: string): boolean {
    const list = this.list(guildId);
    const next = list.filter((c) => c.id !== id);
    this.sets.set(this.scopeKey(guildId), next);
    return next.length !== list.length;
  }

  /**
   * An id for a command the test never registered (Discord would not offer it, but most tests
   * do not care about registration); stable per name and type so repeated invocations agree.
   */
  unregisteredId(name: string, type: number): string {
    const key = `unregistered:${type}:${name}`;
    let id = this.idsByKey.get(key);
    if (!id) {
      id = this.ids();
      this.idsByKey.set(key, id);
    }
    return id;
  }

  /** The command a user would invoke by that name in that guild: a guild command wins. */
  find(name: string, type: number, guildId: string | undefined): Json | undefined {
    const match = (c: Json) => c.name === name && c.type === type;
    return (guildId ? this.list(guildId).find(match) : undefined) ?? this.list(undefined).find(match);
  }
}
