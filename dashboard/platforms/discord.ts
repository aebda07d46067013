import { CodeChallengeMethod, OAuth2Client } from 'arctic';
import { isAdmin, isModerator } from '../../src/moderation/preconditions.js';
import { SignInError, TtlCache, type Rights, type SignInOptions, type SignedIn, type SignInProvider } from './types.js';

/** Discord's permission bits, as documented: the same ones the bot's preconditions read from interactions. */
const MANAGE_GUILD = 1n << 5n;
const MANAGE_MESSAGES = 1n << 13n;
const ADMINISTRATOR = 1n << 3n;
const SCOPES = ['identify', 'guilds'];

interface PartialGuild {
  id: string;
  name: string;
}

/**
 * "Sign in with Discord": the authorisation-code flow with PKCE (arctic's client) against the
 * endpoints under DISCORD_API_URL. The user's token names the person and their servers; the
 * bot's token then reads their roles and the roles' permissions in each server the bot is in,
 * and the bot's own preconditions (`isModerator`, `isAdmin`) decide what they may open.
 */
export function discordSignIn(o: SignInOptions): SignInProvider {
  const api = o.apiUrl.replace(/\/+$/, '');
  // Discord serves the consent page on the site itself (discord.com/oauth2/authorize), the token endpoint under the API.
  const site = api.replace(/\/api(\/v\d+)?$/, '');
  const client = new OAuth2Client(o.clientId, o.clientSecret, o.redirectUri);
  const channelCache = new TtlCache<Array<{ id: string; name: string }>>(60_000, o.now);

  const bot = async <T>(path: string): Promise<T | null> => {
    const res = await fetch(`${api}/v10${path}`, { headers: { authorization: `Bot ${o.botToken}` } });
    if (res.status === 404 || res.status === 403) return null;
    if (!res.ok) throw new SignInError('failed', `Discord answered ${res.status} to ${path.split('/')[1]}`);
    return (await res.json()) as T;
  };

  /**
   * Discord's permission algorithm at server level, from what the bot reads: the owner and
   * Administrator hold everything; otherwise @everyone's bits and the member's roles' bits.
   */
  async function rightsIn(guildId: string, userId: string): Promise<Rights | null> {
    const member = await bot<{ roles: string[] }>(`/guilds/${guildId}/members/${userId}`);
    if (!member) return null;
    const [guild, roles] = await Promise.all([bot<{ owner_id: string }>(`/guilds/${guildId}`), bot<Array<{ id: string; permissions: string }>>(`/guilds/${guildId}/roles`)]);
    const byId = new Map((roles ?? []).map((r) => [r.id, BigInt(r.permissions)]));
    let bits = byId.get(guildId) ?? 0n;
    for (const r of member.roles) bits |= byId.get(r) ?? 0n;
    const everything = guild?.owner_id === userId || (bits & ADMINISTRATOR) !== 0n;
    const actor = { id: userId, roleIds: member.roles, platformModerator: everything || (bits & MANAGE_MESSAGES) !== 0n, platformAdmin: everything || (bits & MANAGE_GUILD) !== 0n };
    const settings = await o.settings.get(guildId);
    return { moderator: isModerator(actor, settings).ok, admin: isAdmin(actor).ok };
  }

  return {
    platform: 'discord',
    label: 'Sign in with Discord',
    authorizationUrl: (state, verifier) => client.createAuthorizationURLWithPKCE(`${site}/oauth2/authorize`, state, CodeChallengeMethod.S256, verifier, SCOPES),
    async complete(code, verifier): Promise<SignedIn> {
      let accessToken: string;
      try {
        accessToken = (await client.validateAuthorizationCode(`${api}/oauth2/token`, code, verifier)).accessToken();
      } catch (err) {
        throw new SignInError('failed', 'Discord did not accept the sign-in code', { cause: err });
      }
      const asUser = async <T>(path: string): Promise<T> => {
        const res = await fetch(`${api}/v10${path}`, { headers: { authorization: `Bearer ${accessToken}` } });
        if (!res.ok) throw new SignInError('failed', `Discord answered ${res.status} to ${path}`);
        return (await res.json()) as T;
      };
      const user = await asUser<{ id: string; username: string; global_name?: string | null }>('/users/@me');
      const guilds = await asUser<PartialGuild[]>('/users/@me/guilds');
      const workspaces: SignedIn['workspaces'] = [];
      for (const g of guilds) {
        const rights = await rightsIn(g.id, user.id);
        if (rights?.moderator) workspaces.push({ id: g.id, name: g.name, platform: 'discord', admin: rights.admin });
      }
      return { userId: user.id, name: user.global_name || user.username, workspaces };
    },
    rights: rightsIn,
    channels: (guildId, _known) =>
      channelCache.get(guildId, async () => {
        const list = (await bot<Array<{ id: string; name: string; type: number }>>(`/guilds/${guildId}/channels`)) ?? [];
        // Text (0) and announcement (5) channels: the ones normguard can monitor.
        return list.filter((c) => c.type === 0 || c.type === 5).map((c) => ({ id: c.id, name: c.name }));
      }),
  };
}
