import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDashboard } from '../../dashboard/index.js';
import { createHttpServer, listen } from '../../src/http/server.js';
import { silentLogger } from '../../src/logger.js';
import { freePort } from '../browser/harness.js';
import { startSlackWorld, type SlackWorld } from '../e2e/slack-harness.js';
import { SLACK_FIXTURE } from '../fakes/slack/index.js';

// Sign in with Slack (OpenID Connect through the fake), rights from the same settings as in chat,
// a decision that updates the Slack card, settings with /ethics config's validation, the export
// and the audit log — over HTTP with a cookie jar, in-process.

const { users, channels, teamId } = SLACK_FIXTURE;
const INSULT = 'You are a stupid idiot and everyone here knows it';
let w: SlackWorld;
let http: FastifyInstance;
let base = '';
let caseId = '';
let cardTs = '';

class Browser {
  readonly cookies = new Map<string, string>();
  async fetch(url: string, init: RequestInit = {}): Promise<Response> {
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await fetch(url.startsWith('http') ? url : `${base}${url}`, { ...init, redirect: 'manual', headers: { ...(init.headers as Record<string, string>), ...(cookie ? { cookie } : {}) } });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const [name, ...value] = pair!.split('=');
      if (/max-age=0|expires=thu, 01 jan 1970/i.test(line)) this.cookies.delete(name!);
      else this.cookies.set(name!, value.join('='));
    }
    return res;
  }
  /** The whole OAuth round trip, choosing `userId` on the fake's consent page. */
  async signIn(userId: string): Promise<Response> {
    const start = await this.fetch('/auth/slack');
    const authorize = new URL(start.headers.get('location')!);
    const form = new URLSearchParams(authorize.searchParams);
    form.set('user', userId);
    const consent = await fetch(`${authorize.origin}${authorize.pathname}`, { method: 'POST', body: form.toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' }, redirect: 'manual' });
    return this.fetch(consent.headers.get('location')!);
  }
  async csrf(path: string): Promise<string> {
    const page = await (await this.fetch(path)).text();
    return /<meta name="csrf-token" content="([^"]+)">/.exec(page)![1]!;
  }
  post(path: string, form: Record<string, string>): Promise<Response> {
    return this.fetch(path, { method: 'POST', body: new URLSearchParams(form).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  }
}

beforeAll(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  w = await startSlackWorld({
    NORMGUARD_PUBLIC_URL: base,
    NORMGUARD_API_TOKEN: 'dashboard-test-token-0123456789',
    SLACK_BOT_TOKEN: 'xoxb-e2e-bot-token-0000',
    SLACK_SIGNING_SECRET: 'e2e-signing-secret',
    SLACK_CLIENT_ID: '1000.2000',
    SLACK_CLIENT_SECRET: 'fake-slack-client-secret',
  });
  // The fake's URL is known only now; the harness's config named none, so point the dashboard at it.
  const core = { ...w.core, config: { ...w.core.config, SLACK_API_URL: w.slack.apiUrl } };
  const web = await startDashboard(core);
  http = await createHttpServer({ assessor: core.assessor, health: () => core.inference.health(), metrics: core.metrics, logger: silentLogger(), plugins: [web!.plugin] });
  await listen(http, '127.0.0.1', port);
  await w.configure((s) => ({ ...s, channels: { [channels.general.id]: { mode: 'flag', unclearToReview: false } }, reviewChannelId: channels.mods.id, moderatorRoleIds: ['S_MODS'] }));
  const message = w.slack.postUserMessage({ channel: channels.general.id, user: users.alice.id, text: INSULT });
  await w.send.event({ event: { type: 'message', channel: channels.general.id, user: users.alice.id, text: INSULT, ts: message.ts, channel_type: 'channel' }, eventId: 'EvDash1' });
  await w.slack.waitFor(() => w.slack.messages(channels.mods.id).some((m) => /Case c_/.test(JSON.stringify(m.blocks))), { what: 'the case card' });
  const card = w.slack.messages(channels.mods.id).find((m) => /Case c_/.test(JSON.stringify(m.blocks)))!;
  caseId = /Case (c_[a-z2-7]{10})/.exec(JSON.stringify(card.blocks))![1]!;
  cardTs = card.ts;
}, 30_000);

afterAll(async () => {
  await http?.close();
  await w?.close();
});

describe('dashboard with Sign in with Slack', () => {
  it('a moderator of the user group signs in, sees the queue, and an uphold updates the Slack card', async () => {
    const mod = new Browser();
    const back = await mod.signIn(users.mod.id);
    expect(back.status).toBe(302);
    expect(back.headers.get('location')).toBe(`/w/${teamId}/queue`);
    const cookie = back.headers.getSetCookie().find((c) => c.startsWith('ng_session='))!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/Secure/);
    expect(cookie).toMatch(/SameSite=Lax/);
    const queue = await (await mod.fetch(`/w/${teamId}/queue`)).text();
    expect(queue).toContain(caseId);
    expect(queue).toContain('#general');

    const csrf = await mod.csrf(`/w/${teamId}/cases/${caseId}`);
    const updates = w.slack.callsTo('chat.update').length;
    const done = await mod.post(`/w/${teamId}/cases/${caseId}/uphold`, { _csrf: csrf });
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe(`/w/${teamId}/cases/${caseId}?done=upheld`);
    expect((await w.core.store.repos.cases.get(caseId))?.status).toBe('upheld');
    await w.slack.waitFor(() => w.slack.callsTo('chat.update').length > updates, { what: 'the card update' });
    const update = w.slack.callsTo('chat.update').at(-1)!;
    expect(update.args.ts).toBe(cardTs);
    expect(JSON.stringify(update.args.blocks)).toMatch(/upheld/i);
    // A second uphold is refused by the lifecycle, and the page says why; a crafted message is not shown.
    const again = await mod.post(`/w/${teamId}/cases/${caseId}/uphold`, { _csrf: csrf });
    const refusedPage = await (await mod.fetch(again.headers.get('location')!)).text();
    expect(refusedPage).toContain('This case was already upheld');
    const crafted = await (await mod.fetch(`/w/${teamId}/cases/${caseId}?problem=${encodeURIComponent('Your account is locked, call 555')}`)).text();
    expect(crafted).not.toContain('call 555');
    // The user group member is a moderator, not an admin: settings are refused.
    expect((await mod.fetch(`/w/${teamId}/settings`)).status).toBe(403);
  });

  it('a moderator whose rights were taken away cannot change anything with the session opened before, and loses it', async () => {
    await w.configure((s) => ({ ...s, moderatorUserIds: [users.bob.id] }));
    const bob = new Browser();
    expect((await bob.signIn(users.bob.id)).headers.get('location')).toBe(`/w/${teamId}/queue`);
    const csrf = await bob.csrf(`/w/${teamId}/queue`);
    await w.configure((s) => ({ ...s, moderatorUserIds: [] }));
    const refused = await bob.post(`/w/${teamId}/cases/${caseId}/dismiss`, { _csrf: csrf, reason: 'nope' });
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain('no longer moderate');
    const after = await bob.fetch(`/w/${teamId}/queue`, { headers: { accept: 'text/html' } });
    expect(after.status).toBe(302);
    expect(after.headers.get('location')).toMatch(/^\/login\?error=expired/);
  });

  it('a rights check that Slack rate-limits is an error, not a demotion: nothing changes and the session stays', async () => {
    const owner = new Browser();
    expect((await owner.signIn(users.owner.id)).headers.get('location')).toBe(`/w/${teamId}/queue`);
    const csrf = await owner.csrf(`/w/${teamId}/queue`);
    w.slack.failNext('users.info', 'ratelimited');
    const failed = await owner.post(`/w/${teamId}/cases/${caseId}/dismiss`, { _csrf: csrf, reason: 'not now' });
    expect(failed.status).toBe(500);
    expect(await failed.text()).not.toContain('no longer moderate');
    expect((await w.core.store.repos.cases.get(caseId))?.status).not.toBe('dismissed');
    expect((await owner.fetch(`/w/${teamId}/queue`, { headers: { accept: 'text/html' } })).status).toBe(200);
  });

  it('a member who moderates nothing is refused at sign-in', async () => {
    const alice = new Browser();
    const res = await alice.signIn(users.alice.id);
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('you do not moderate any server or workspace');
    expect(alice.cookies.has('ng_session')).toBe(false);
  });

  it('an admin changes a channel with /ethics config’s options and validation; bad values are refused and change nothing', async () => {
    const admin = new Browser();
    await admin.signIn(users.admin.id);
    const csrf = await admin.csrf(`/w/${teamId}/settings`);
    const bad = await admin.post(`/w/${teamId}/settings`, { _csrf: csrf, appeal_days: '0', flag_threshold: 'extreme' });
    expect(bad.status).toBe(400);
    const text = await bad.text();
    expect(text).toContain('appeal_days must be at least 1');
    expect(text).toContain('flag_threshold must be one of low, medium, high');
    const before = await w.core.store.repos.settings.get(teamId);
    expect(before.appealTtlMs).toBe(7 * 86_400_000);
    const modeOnly = await admin.post(`/w/${teamId}/settings`, { _csrf: csrf, mode: 'shadow' });
    expect(modeOnly.status).toBe(400);
    const ok = await admin.post(`/w/${teamId}/settings`, { _csrf: csrf, channel: channels.random.id, mode: 'shadow', unclear_to_review: 'true' });
    expect(ok.status).toBe(200);
    const after = await w.core.store.repos.settings.get(teamId);
    expect(after.channels[channels.random.id]).toEqual({ mode: 'shadow', unclearToReview: true });
    expect(after.channels[channels.general.id]).toEqual({ mode: 'flag', unclearToReview: false });
  });

  it('exports a period as CSV and JSON, and the audit log says who did what', async () => {
    const mod = new Browser();
    await mod.signIn(users.mod.id);
    const today = new Date().toISOString().slice(0, 10);
    const csv = await mod.fetch(`/w/${teamId}/export/download?from=${today}&to=${today}&format=csv`);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = (await csv.text()).trim().split('\r\n');
    expect(lines[0]).toMatch(/^id,createdAt,platform,channelId/);
    expect(lines.some((l) => l.startsWith(`${caseId},`) && l.includes(',upheld,'))).toBe(true);
    const json = (await (await mod.fetch(`/w/${teamId}/export/download?from=${today}&to=${today}&format=json`)).json()) as Array<{ id: string; decidedBy: string }>;
    expect(json.find((c) => c.id === caseId)?.decidedBy).toBe(users.mod.id);
    const badPeriod = await mod.fetch(`/w/${teamId}/export/download?from=${today}&to=2000-01-01`);
    expect(badPeriod.status).toBe(400);
    const audit = await (await mod.fetch(`/w/${teamId}/audit`)).text();
    expect(audit).toMatch(/case\.uphold<\/td><td><a href="\/w\/T0001\/cases\/c_/);
    expect(audit).toContain('settings.update');
    expect(audit).toContain('export');
    expect(audit).toContain('sign-in');
  });

  it('refuses sign-in callbacks with an unknown state, and never redirects off the site', async () => {
    const b = new Browser();
    const res = await b.fetch('/auth/slack/callback?code=x&state=never-issued');
    expect(res.headers.get('location')).toBe('/login?error=state');
    const start = await b.fetch('/auth/slack?return_to=//evil.example/steal');
    const authorize = new URL(start.headers.get('location')!);
    const form = new URLSearchParams(authorize.searchParams);
    form.set('user', users.mod.id);
    const consent = await fetch(`${authorize.origin}${authorize.pathname}`, { method: 'POST', body: form.toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' }, redirect: 'manual' });
    const back = await b.fetch(consent.headers.get('location')!);
    expect(back.headers.get('location')).toBe(`/w/${teamId}/queue`);
    const login = await (await b.fetch('/login?return_to=https://evil.example/')).text();
    expect(login).not.toContain('evil.example');
  });
});
