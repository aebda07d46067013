import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE } from '../fakes/discord/index.js';
import { ARTIFACTS, GUILD_B, openBrowser, startProduct, type Product } from './harness.js';

// Done-when of the dashboard (issue 14), in real headless Chromium against `npm start`: sign-in
// through the fake's OAuth flow, the live queue, a decision that edits the card in Discord, a
// second moderator seeing it live, refusals (no rights, another guild, no CSRF token, a forged
// session, a revoked session), and an axe-core scan and a screenshot of every page.

const INSULT = 'You are a stupid idiot and everyone here knows it';
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const A = FIXTURE.guildId;
let product: Product;
const browsers: BrowserContext[] = [];
let caseA = '';
let caseB = '';

async function browser(): Promise<BrowserContext> {
  const b = await openBrowser();
  browsers.push(b);
  return b;
}

/** Through the fake Discord's consent page, as a person would click it. */
async function signIn(page: Page, username: string): Promise<void> {
  await page.goto(`${product.url}/login`);
  await page.getByRole('link', { name: 'Sign in with Discord' }).click();
  await page.waitForURL(/\/oauth2\/authorize/);
  await page.getByLabel('Signed in as').selectOption({ label: username });
  await page.getByRole('button', { name: 'Authorize' }).click();
}

async function flag(channelId: string, authorId: string, mods: string): Promise<string> {
  const before = product.discord.restTo('POST', `/channels/${mods}/messages`).length;
  await product.discord.postMessage({ channelId, authorId, content: INSULT });
  await product.discord.waitForRest('POST', `/channels/${mods}/messages`, { count: before + 1, timeoutMs: 20_000 });
  const card = product.discord.channelMessages(mods).at(-1)!;
  return /Case (c_[a-z2-7]{10})/.exec(JSON.stringify(card.embeds))![1]!;
}

async function axeScan(page: Page, name: string): Promise<void> {
  // Evaluated through the DevTools protocol, so the page's CSP (no inline scripts) still holds for the page itself.
  const result = (await page.evaluate(`${AXE}; axe.run(document, { resultTypes: ['violations'] })`)) as { violations: Array<{ id: string; impact: string; help: string; nodes: unknown[] }> };
  const serious = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious.map((v) => `${name}: ${v.id} (${v.impact}) ${v.help} ×${v.nodes.length}`)).toEqual([]);
  await page.screenshot({ path: join(ARTIFACTS, `dashboard-${name}.png`), fullPage: true });
}

beforeAll(async () => {
  product = await startProduct();
}, 90_000);

afterAll(async () => {
  for (const b of browsers) await b.close().catch(() => undefined);
  await product?.stop();
}, 30_000);

describe('moderators’ dashboard in a real browser', () => {
  it('signs in through Discord, shows the case from the monitored channel, upholds it with the card edited in Discord, and a second moderator sees it live', async () => {
    caseA = await flag(FIXTURE.channels.general, FIXTURE.users.alice, FIXTURE.channels.mods);
    caseB = await flag(GUILD_B.general, FIXTURE.users.alice, GUILD_B.mods);

    const mod = await (await browser()).newPage();
    await signIn(mod, 'mod');
    await mod.waitForURL(`${product.url}/w/${A}/queue`);
    await expect.poll(() => mod.locator(`#row-${caseA}`).count()).toBe(1);
    expect(await mod.locator(`#row-${caseB}`).count()).toBe(0);
    const cookies = await mod.context().cookies();
    const session = cookies.find((c) => c.name === 'ng_session')!;
    expect(session).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Lax' });

    const owner = await (await browser()).newPage();
    await signIn(owner, 'owner');
    await owner.goto(`${product.url}/w/${A}/queue?status=all`);
    await expect.poll(() => owner.locator(`#row-${caseA}`).getAttribute('data-status')).toBe('open');
    await expect.poll(() => owner.locator('#queue').getAttribute('data-live-state')).toBe('open');

    await mod.getByRole('link', { name: caseA }).click();
    await mod.waitForURL(new RegExp(`/cases/${caseA}$`));
    const card = product.discord.channelMessages(FIXTURE.channels.mods).find((m) => JSON.stringify(m.embeds).includes(caseA))!;
    const edits = product.discord.restTo('PATCH', `/channels/${FIXTURE.channels.mods}/messages/${card.id}`).length;
    await mod.getByRole('button', { name: 'Uphold' }).click();
    await mod.waitForURL(/done=upheld/);
    await expect.poll(() => mod.locator('#case .status').first().textContent()).toBe('upheld');

    // The card in Discord was edited in place: the decision replaced its buttons.
    await product.discord.waitForRest('PATCH', `/channels/${FIXTURE.channels.mods}/messages/${card.id}`, { count: edits + 1 });
    const edited = product.discord.message(FIXTURE.channels.mods, card.id)!;
    expect(JSON.stringify(edited.embeds)).toMatch(/upheld/i);
    // …and the second moderator's queue changed without a reload.
    await expect.poll(() => owner.locator(`#row-${caseA}`).getAttribute('data-status'), { timeout: 10_000 }).toBe('upheld');
  }, 120_000);

  it('refuses a member without rights', async () => {
    const alice = await (await browser()).newPage();
    await signIn(alice, 'alice');
    await expect.poll(() => alice.getByRole('heading', { level: 1 }).textContent()).toBe('Not a moderator here');
    expect((await alice.context().cookies()).some((c) => c.name === 'ng_session')).toBe(false);
    const res = await alice.request.get(`${product.url}/api/w/${A}/cases/${caseA}`);
    expect(res.status()).toBe(401);
  }, 60_000);

  it('keeps a moderator of guild A out of guild B’s case, by URL and by API', async () => {
    const mod = await (await browser()).newPage();
    await signIn(mod, 'mod');
    await mod.waitForURL(/\/queue$/);
    let res = await mod.goto(`${product.url}/w/${GUILD_B.id}/cases/${caseB}`);
    expect(res?.status()).toBe(403);
    res = await mod.goto(`${product.url}/w/${A}/cases/${caseB}`);
    expect(res?.status()).toBe(404);
    expect(await mod.content()).not.toContain(INSULT);
    const api = await mod.request.get(`${product.url}/api/w/${A}/cases/${caseB}`);
    expect(api.status()).toBe(404);
    expect((await mod.request.get(`${product.url}/api/w/${GUILD_B.id}/cases/${caseB}`)).status()).toBe(403);
    expect((await mod.request.get(`${product.url}/api/w/${A}/cases/${caseA}`)).status()).toBe(200);

    // bob moderates B only, and reads its case.
    const bob = await (await browser()).newPage();
    await signIn(bob, 'bob');
    await bob.waitForURL(`${product.url}/w/${GUILD_B.id}/queue`);
    expect(await bob.locator(`#row-${caseB}`).count()).toBe(1);
  }, 60_000);

  it('refuses posts without a CSRF token and forged or revoked session cookies', async () => {
    const context = await browser();
    const mod = await context.newPage();
    await signIn(mod, 'mod');
    await mod.waitForURL(/\/queue$/);
    const open = await flag(FIXTURE.channels.general, FIXTURE.users.bob, FIXTURE.channels.mods);
    const noToken = await mod.request.post(`${product.url}/w/${A}/cases/${open}/uphold`, { form: { reason: 'x' }, maxRedirects: 0 });
    expect(noToken.status()).toBe(403);
    const wrongToken = await mod.request.post(`${product.url}/w/${A}/cases/${open}/uphold`, { form: { _csrf: 'forged-token' }, maxRedirects: 0 });
    expect(wrongToken.status()).toBe(403);
    const stored = await (await mod.request.get(`${product.url}/api/w/${A}/cases/${open}`)).json();
    expect(stored.status).toBe('open');

    const forged = await browser();
    await forged.addCookies([{ name: 'ng_session', value: 'forged-session-value', url: product.url, httpOnly: true, secure: true, sameSite: 'Lax' }]);
    const page = await forged.newPage();
    await page.goto(`${product.url}/w/${A}/queue`);
    await page.waitForURL(/\/login\?error=expired/);
    expect((await page.request.get(`${product.url}/api/w/${A}/cases/${open}`)).status()).toBe(401);

    // Sign-out revokes the session on the server: its cookie no longer works anywhere.
    const token = (await context.cookies()).find((c) => c.name === 'ng_session')!.value;
    await mod.goto(`${product.url}/w/${A}/queue`);
    await mod.getByRole('button', { name: 'Sign out' }).click();
    await mod.waitForURL(/\/login$/);
    const replay = await browser();
    await replay.addCookies([{ name: 'ng_session', value: token, url: product.url, httpOnly: true, secure: true, sameSite: 'Lax' }]);
    expect((await (await replay.newPage()).request.get(`${product.url}/api/w/${A}/cases/${open}`)).status()).toBe(401);
  }, 60_000);

  it('every page passes axe-core without serious or critical violations, fits a phone, and is saved as a screenshot', async () => {
    const context = await browser();
    const page = await context.newPage();
    await page.goto(`${product.url}/login`);
    await axeScan(page, 'login');
    await signIn(page, 'owner');
    await page.waitForURL(/\/queue$/);
    const first = await page.request.get(`${product.url}/w/${A}/queue`);
    const assets = await Promise.all(['dashboard.css', 'dashboard.js'].map(async (f) => (await (await page.request.get(`${product.url}/static/${f}`)).body()).length));
    const weight = (await first.body()).length + assets.reduce((a, b) => a + b, 0);
    expect(weight).toBeLessThan(100 * 1024);
    writeFileSync(join(ARTIFACTS, 'dashboard-first-page.json'), `${JSON.stringify({ queueHtmlBytes: (await first.body()).length, cssAndJsBytes: weight - (await first.body()).length, totalBytes: weight })}\n`);
    for (const [name, path] of [
      ['queue', `/w/${A}/queue?status=all`],
      ['case', `/w/${A}/cases/${caseA}`],
      ['stats', `/w/${A}/stats`],
      ['settings', `/w/${A}/settings`],
      ['audit', `/w/${A}/audit`],
      ['export', `/w/${A}/export`],
    ] as const) {
      const res = await page.goto(`${product.url}${path}`);
      expect(res?.status(), name).toBe(200);
      expect(res?.headers()['content-security-policy']).toContain("script-src 'self'");
      await axeScan(page, name);
    }
    // On a phone nothing but a wide table's own scroller may reach past the screen's edge.
    await page.setViewportSize({ width: 390, height: 844 });
    for (const path of [`/w/${A}/queue?status=all`, `/w/${A}/cases/${caseA}`, `/w/${A}/stats`, `/w/${A}/settings`]) {
      await page.goto(`${product.url}${path}`);
      const wide = await page.evaluate(`(() => { const w = document.documentElement.clientWidth; return [...document.querySelectorAll('body *')].filter((el) => el.getBoundingClientRect().right > w + 1 && !el.closest('#queue, table, .audit-wrap')).map((el) => el.tagName + (el.id ? '#' + el.id : '') + ' ' + Math.round(el.getBoundingClientRect().right)); })()`);
      expect(wide, path).toEqual([]);
    }
    await page.goto(`${product.url}/w/${A}/queue?status=all`);
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-queue-phone.png'), fullPage: true });
  }, 120_000);
});
