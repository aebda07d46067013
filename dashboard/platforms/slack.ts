import { OAuth2Client } from 'arctic';
import { isAdmin, isModerator } from '../../src/moderation/preconditions.js';
import { SignInError, TtlCache, type Rights, type SignInOptions, type SignedIn, type SignInProvider } from './types.js';

const SCOPES = ['openid', 'profile'];

/**
 * "Sign in with Slack" (OpenID Connect) with arctic's client against the endpoints beside
 * SLACK_API_URL. The person must belong to the bot's own workspace; admins and owners (users.info)
 * and the members of the moderator user groups in the settings moderate, as in chat.
 */
export function slackSignIn(o: SignInOptions): SignInProvider {
  const api = o.apiUrl.endsWith('/') ? o.apiUrl : `${o.apiUrl}/`;
  const site = new URL(api).origin;
  const client = new OAuth2Client(o.clientId, o.clientSecret, o.redirectUri);
  const names = new TtlCache<string | null>(5 * 60_000, o.now);

  const call = async (method: string, args: Record<string, string>, token = o.botToken): Promise<Record<string, unknown>> => {
    const res = await fetch(`${api}${method}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(args).toString() });
    const body = (await res.json().catch(() => ({ ok: false, error: `http_${res.status}` }))) as Record<string, unknown>;
    if (body.ok !== true) throw new SignInError('failed', `Slack ${method} failed: ${String(body.error)}`, { platformCode: String(body.error) });
    return body;
  };
  /** Null only when Slack says the thing is not there; a refusal, rate limit or outage stays an error. */
  const unlessMissing = (missing: string) => (err: unknown) => {
    if (err instanceof SignInError && err.platformCode === missing) return null;
    throw err;
  };

  /** As in chat: admins and owners (users.info), and the moderator user groups and users of the settings. */
  async function rightsIn(teamId: string, userId: string): Promise<Rights | null> {
    const user = (await call('users.info', { user: userId }).catch(unlessMissing('user_not_found')))?.user as { is_admin?: boolean; is_owner?: boolean; is_primary_owner?: boolean; deleted?: boolean } | undefined;
    if (!user || user.deleted) return null;
    const settings = await o.settings.get(teamId);
    const roleIds: string[] = [];
    for (const group of settings.moderatorRoleIds) {
      // A failed lookup is an error, not a silent demotion.
      const members = (await call('usergroups.users.list', { usergroup: group })).users as string[] | undefined;
      if (members?.includes(userId)) roleIds.push(group);
    }
    const admin = Boolean(user.is_admin || user.is_owner || user.is_primary_owner);
    const actor = { id: userId, roleIds, platformModerator: false, platformAdmin: admin };
    return { moderator: isModerator(actor, settings).ok, admin: isAdmin(actor).ok };
  }

  return {
    platform: 'slack',
    rights: rightsIn,
    label: 'Sign in with Slack',
    authorizationUrl: (state) => client.createAuthorizationURL(`${site}/openid/connect/authorize`, state, SCOPES),
    async complete(code): Promise<SignedIn> {
      let accessToken: string;
      try {
        accessToken = (await client.validateAuthorizationCode(`${api}openid.connect.token`, code, null)).accessToken();
      } catch (err) {
        throw new SignInError('failed', 'Slack did not accept the sign-in code', { cause: err });
      }
      const info = await call('openid.connect.userInfo', {}, accessToken);
      const userId = String(info['https://slack.com/user_id'] ?? info.sub ?? '');
      const teamId = String(info['https://slack.com/team_id'] ?? '');
      const teamName = String(info['https://slack.com/team_name'] ?? teamId);
      const own = await call('auth.test', {});
      if (!userId || teamId !== own.team_id) return { userId, name: String(info.name ?? userId), workspaces: [] };
      const rights = await rightsIn(teamId, userId);
      const workspaces = rights?.moderator ? [{ id: teamId, name: teamName, platform: 'slack' as const, admin: rights.admin }] : [];
      return { userId, name: String(info.name ?? userId), workspaces };
    },
    async channels(_teamId, known) {
      const out: Array<{ id: string; name: string }> = [];
      for (const id of new Set(known)) {
        const name = await names.get(id, async () => {
          const res = await call('conversations.info', { channel: id }).catch(unlessMissing('channel_not_found'));
          return (res?.channel as { name?: string } | undefined)?.name ?? null;
        });
        out.push({ id, name: name ?? id });
      }
      return out;
    },
  };
}
