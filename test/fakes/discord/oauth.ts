// Discord's OAuth2 authorisation-code flow, as the dashboard's sign-in meets it: the consent page
// at /oauth2/authorize (here a form that asks which fixture user is signing in), the token
// endpoint at /api/oauth2/token (client secret by HTTP Basic, PKCE checked when a challenge was
// sent), and the user's own view of /users/@me and /users/@me/guilds with a Bearer token.

import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { basePermissions } from './permissions.js';
import { userPayload } from './payloads.js';
import type { World } from './world.js';

export interface FakeOAuthCall {
  method: string;
  path: string;
  status: number;
}

export interface FakeDiscordOAuth {
  clientId: string;
  clientSecret: string;
  calls: FakeOAuthCall[];
  /** Access tokens handed out and not revoked. */
  liveTokens(): number;
}

interface Grant {
  userId: string;
  redirectUri: string;
  scopes: string[];
  challenge: string | null;
}

const TOKEN_TTL_S = 604_800;

export function createDiscordOAuth(world: World, clientId: string, clientSecret = 'fake-discord-client-secret') {
  const codes = new Map<string, Grant>();
  const tokens = new Map<string, { userId: string; scopes: string[] }>();
  const calls: FakeOAuthCall[] = [];
  const state: FakeDiscordOAuth = { clientId, clientSecret, calls, liveTokens: () => tokens.size };

  /** Handles the request when it is OAuth's; false lets the REST server have it. */
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const url = new URL(req.url ?? '/', 'http://fake.discord');
    const method = req.method ?? 'GET';
    const path = url.pathname.replace(/^\/api(\/v\d+)?(?=\/)/, '/api');
    const done = (status: number, type: string, body: string, headers: Record<string, string> = {}) => {
      calls.push({ method, path, status });
      res.writeHead(status, { 'content-type': type, ...headers });
      res.end(body);
      return true;
    };
    const json = (status: number, body: unknown) => done(status, 'application/json', JSON.stringify(body));
    if (path === '/oauth2/authorize' && method === 'GET') {
      const problem = checkAuthorizeQuery(url.searchParams, clientId);
      if (problem) return done(400, 'text/plain', problem);
      return done(200, 'text/html; charset=utf-8', consentPage(world, url.searchParams));
    }
    if (path === '/oauth2/authorize' && method === 'POST') {
      const form = new URLSearchParams(await readText(req));
      const problem = checkAuthorizeQuery(form, clientId);
      const userId = form.get('user') ?? '';
      if (problem || !world.users.has(userId)) return done(400, 'text/plain', problem ?? 'unknown user');
      const code = randomBytes(12).toString('hex');
      codes.set(code, { userId, redirectUri: form.get('redirect_uri')!, scopes: form.get('scope')!.split(' '), challenge: form.get('code_challenge') });
      const back = new URL(form.get('redirect_uri')!);
      back.searchParams.set('code', code);
      back.searchParams.set('state', form.get('state') ?? '');
      return done(302, 'text/plain', '', { location: back.toString() });
    }
    if (path === '/api/oauth2/token' && method === 'POST') {
      const form = new URLSearchParams(await readText(req));
      if (basic(req.headers.authorization) !== `${clientId}:${clientSecret}`) return json(401, { error: 'invalid_client' });
      const grant = codes.get(form.get('code') ?? '');
      codes.delete(form.get('code') ?? '');
      if (!grant || form.get('grant_type') !== 'authorization_code' || form.get('redirect_uri') !== grant.redirectUri) return json(400, { error: 'invalid_grant' });
      if (grant.challenge !== null && createHash('sha256').update(form.get('code_verifier') ?? '').digest('base64url') !== grant.challenge) return json(400, { error: 'invalid_grant', error_description: 'PKCE verifier does not match' });
      const access = randomBytes(16).toString('hex');
      tokens.set(access, { userId: grant.userId, scopes: grant.scopes });
      return json(200, { access_token: access, token_type: 'Bearer', expires_in: TOKEN_TTL_S, refresh_token: randomBytes(16).toString('hex'), scope: grant.scopes.join(' ') });
    }
    if (path === '/api/oauth2/token/revoke' && method === 'POST') {
      tokens.delete(new URLSearchParams(await readText(req)).get('token') ?? '');
      return json(200, {});
    }
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (bearer === undefined || !path.startsWith('/api/users/@me')) return false;
    const holder = tokens.get(bearer);
    if (!holder) return json(401, { message: '401: Unauthorized', code: 0 });
    if (path === '/api/users/@me' && method === 'GET') return json(200, userPayload(world.user(holder.userId)));
    if (path === '/api/users/@me/guilds' && method === 'GET') {
      if (!holder.scopes.includes('guilds')) return json(403, { message: 'Missing Access', code: 50001 });
      return json(200, guildsOf(world, holder.userId));
    }
    return false;
  }
  return { handle, state };
}

function checkAuthorizeQuery(q: URLSearchParams, clientId: string): string | null {
  if (q.get('client_id') !== clientId) return 'unknown client_id';
  if (q.get('response_type') !== 'code') return 'response_type must be code';
  if (!q.get('redirect_uri')) return 'redirect_uri is required';
  if (!q.get('scope')) return 'scope is required';
  return null;
}

function guildsOf(world: World, userId: string) {
  return [...world.guilds.values()]
    .filter((g) => g.members.has(userId))
    .map((g) => {
      const member = g.members.get(userId)!;
      const bits = basePermissions({ guildId: g.id, ownerId: g.ownerId, userId, roleIds: member.roles, rolePermissions: (r) => g.roles.get(r)?.permissions ?? 0n, timedOut: false });
      return { id: g.id, name: g.name, icon: null, owner: g.ownerId === userId, permissions: bits.toString(), features: [] };
    });
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function consentPage(world: World, q: URLSearchParams): string {
  const hidden = [...q.entries()].map(([k, v]) => `<input type="hidden" name="${esc(k)}" value="${esc(v)}">`).join('');
  const people = [...world.users.values()].filter((u) => !u.bot);
  const options = people.map((u) => `<option value="${esc(u.id)}">${esc(u.username)}</option>`).join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Fake Discord: authorise</title></head><body><main><h1>Authorise the application</h1><form method="post" action="/oauth2/authorize">${hidden}<label for="user">Signed in as</label> <select id="user" name="user">${options}</select> <button type="submit">Authorize</button></form></main></body></html>`;
}

function basic(header: string | undefined): string | null {
  const m = /^Basic (.+)$/.exec(header ?? '');
  return m ? Buffer.from(m[1]!, 'base64').toString('utf8') : null;
}

function readText(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
