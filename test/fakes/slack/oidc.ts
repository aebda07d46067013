// "Sign in with Slack" (OpenID Connect), as the dashboard meets it: the consent page at
// /openid/connect/authorize (a form asking which fixture user signs in), the token method
// openid.connect.token (client credentials by HTTP Basic or in the form), and
// openid.connect.userInfo with the Bearer token it issued.

import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FakeUser } from './types.js';

export interface FakeSlackOidc {
  clientId: string;
  clientSecret: string;
  calls: Array<{ method: string; path: string; status: number }>;
}

interface Grant {
  userId: string;
  redirectUri: string;
  nonce: string | null;
}

export function createSlackOidc(users: readonly FakeUser[], team: { id: string; name: string; domain: string }, clientId = '1000.2000', clientSecret = 'fake-slack-client-secret') {
  const codes = new Map<string, Grant>();
  const tokens = new Map<string, Grant>();
  const calls: FakeSlackOidc['calls'] = [];
  const state: FakeSlackOidc = { clientId, clientSecret, calls };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const url = new URL(req.url ?? '/', 'http://fake.slack');
    const method = req.method ?? 'GET';
    const done = (status: number, type: string, body: string, headers: Record<string, string> = {}) => {
      calls.push({ method, path: url.pathname, status });
      res.writeHead(status, { 'content-type': type, ...headers });
      res.end(body);
      return true;
    };
    const json = (body: unknown) => done(200, 'application/json; charset=utf-8', JSON.stringify(body));
    if (url.pathname === '/openid/connect/authorize') {
      const q = method === 'POST' ? new URLSearchParams(await readText(req)) : url.searchParams;
      const scopes = (q.get('scope') ?? '').split(' ');
      if (q.get('client_id') !== clientId || q.get('response_type') !== 'code' || !q.get('redirect_uri') || !scopes.includes('openid')) {
        return done(400, 'text/plain', 'invalid_request: client_id, response_type=code, redirect_uri and scope openid are required');
      }
      if (method === 'GET') return done(200, 'text/html; charset=utf-8', consentPage(users, team.name, q));
      const user = users.find((u) => u.id === q.get('user') && !u.isBot);
      if (!user) return done(400, 'text/plain', 'unknown user');
      const code = randomBytes(12).toString('hex');
      codes.set(code, { userId: user.id, redirectUri: q.get('redirect_uri')!, nonce: q.get('nonce') });
      const back = new URL(q.get('redirect_uri')!);
      back.searchParams.set('code', code);
      back.searchParams.set('state', q.get('state') ?? '');
      return done(302, 'text/plain', '', { location: back.toString() });
    }
    if (url.pathname === '/api/openid.connect.token' && method === 'POST') {
      const form = new URLSearchParams(await readText(req));
      const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '');
      const [id, secret] = basic ? Buffer.from(basic[1]!, 'base64').toString('utf8').split(':') : [form.get('client_id'), form.get('client_secret')];
      if (id !== clientId || secret !== clientSecret) return json({ ok: false, error: 'invalid_client_id' });
      const code = form.get('code') ?? '';
      const grant = codes.get(code);
      codes.delete(code);
      if (!grant || grant.redirectUri !== form.get('redirect_uri')) return json({ ok: false, error: 'invalid_code' });
      const access = `xoxp-${randomBytes(12).toString('hex')}`;
      tokens.set(access, grant);
      return json({ ok: true, access_token: access, token_type: 'Bearer', id_token: 'unsigned.fake.token', expires_in: 43_200 });
    }
    if (url.pathname === '/api/openid.connect.userInfo') {
      const grant = tokens.get(/^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '');
      if (!grant) return json({ ok: false, error: 'invalid_auth' });
      const user = users.find((u) => u.id === grant.userId)!;
      return json({
        ok: true,
        sub: user.id,
        'https://slack.com/user_id': user.id,
        'https://slack.com/team_id': team.id,
        name: user.name,
        'https://slack.com/team_name': team.name,
        'https://slack.com/team_domain': team.domain,
      });
    }
    return false;
  }
  return { handle, state };
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function consentPage(users: readonly FakeUser[], teamName: string, q: URLSearchParams): string {
  const hidden = [...q.entries()].map(([k, v]) => `<input type="hidden" name="${esc(k)}" value="${esc(v)}">`).join('');
  const options = users.filter((u) => !u.isBot).map((u) => `<option value="${esc(u.id)}">${esc(u.name)}</option>`).join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Fake Slack: sign in</title></head><body><main><h1>Sign in to ${esc(teamName)}</h1><form method="post" action="/openid/connect/authorize">${hidden}<label for="user">Signed in as</label> <select id="user" name="user">${options}</select> <button type="submit">Allow</button></form></main></body></html>`;
}

function readText(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
