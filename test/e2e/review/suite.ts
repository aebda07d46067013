import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { INSULT, until, type ReviewWorld } from './world.js';

/**
 * The review scenarios every platform must pass, written once (DESIGN.md §1.3). Each platform's
 * test file runs them over its real client (discord.js, Bolt) against its fake.
 */
export function reviewSuite(name: string, start: () => Promise<ReviewWorld>): void {
  describe(`${name}: review scenarios (shared)`, () => {
    let w: ReviewWorld;
    beforeEach(async () => {
      w = await start();
      await w.monitor();
    });
    afterEach(async () => {
      await w.close();
    });
    const stored = (id: string) => w.core.store.repos.cases.get(id);

    it('a flagged message becomes a card with its buttons, and the model’s answer in its thread', async () => {
      const caseId = await w.flag();
      for (const action of ['uphold', 'dismiss', 'why']) expect(w.card(caseId)).toContain(`ng:${action}:${caseId}`);
      expect(w.card(caseId)).toContain('Conversation the model saw');
      await until(() => w.thread(caseId).some((t) => t.includes('What the model said')), 'the model’s answer in the thread');
    });

    it('a member who is not a moderator is refused privately and nothing changes', async () => {
      const caseId = await w.flag();
      await w.press(caseId, 'uphold', w.people.member);
      await until(() => w.privately(w.people.member).some((t) => /Only moderators/.test(t)), 'the refusal');
      expect((await stored(caseId))?.status).toBe('open');
      expect(w.card(caseId)).toContain(`ng:uphold:${caseId}`);
    });

    it('uphold redraws the card with who decided; a second click changes nothing', async () => {
      const caseId = await w.flag();
      await w.press(caseId, 'uphold', w.people.mod);
      await until(() => !w.card(caseId).includes(`ng:uphold:${caseId}`), 'the decided card');
      expect(w.card(caseId)).toMatch(/Upheld\W+by <@[^>]+>/);
      await w.press(caseId, 'uphold', w.people.mod2);
      await until(() => w.privately(w.people.mod2).some((t) => /already upheld/.test(t)), 'the second click’s answer');
      expect((await stored(caseId))?.history.filter((h) => h.action === 'upheld')).toHaveLength(1);
    });

    it('two moderators at once produce exactly one decision', async () => {
      const caseId = await w.flag();
      await Promise.all([w.press(caseId, 'uphold', w.people.mod), w.press(caseId, 'uphold', w.people.mod2)]);
      await until(async () => (await stored(caseId))?.status === 'upheld', 'the decision');
      await until(() => [...w.privately(w.people.mod), ...w.privately(w.people.mod2)].some((t) => /already upheld/.test(t)), 'the loser told');
      expect((await stored(caseId))?.history.filter((h) => h.action === 'upheld')).toHaveLength(1);
    });

    it('dismiss asks for a reason and records it on the card, inert', async () => {
      const caseId = await w.flag();
      await w.press(caseId, 'dismiss', w.people.mod);
      await w.submit('dismiss-reason', caseId, w.people.mod, 'Friendly banter <@everyone>');
      await until(async () => (await stored(caseId))?.status === 'dismissed', 'the dismissal');
      await until(() => /Dismissed/.test(w.card(caseId)), 'the redrawn card');
      expect((await stored(caseId))?.history.at(-1)).toMatchObject({ action: 'dismissed', actor: w.people.mod, reason: 'Friendly banter <@everyone>' });
    });

    it('“Why this norm?” runs S4 and posts the rationale in the case thread', async () => {
      const caseId = await w.flag();
      await w.press(caseId, 'why', w.people.mod);
      await until(() => w.thread(caseId).some((t) => /Why “/.test(t)), 'the rationale');
      const prompts = w.sim.requestsTo('/v1/chat/completions').map((r) => (r.body as { messages: Array<{ content: string }> }).messages[0]?.content ?? '');
      expect(prompts.some((p) => p.startsWith('Based on fundamental ethics'))).toBe(true);
    });

    it('a card still works after the bot restarts', async () => {
      const caseId = await w.flag();
      await w.restart();
      await w.press(caseId, 'uphold', w.people.mod);
      await until(async () => (await stored(caseId))?.status === 'upheld', 'the decision after the restart');
    });

    it('a button for a case that no longer exists, and one the bot never made, are both answered', async () => {
      await w.press('c_aaaaaaaaaa', 'uphold', w.people.mod);
      await until(() => w.privately(w.people.mod).some((t) => /no longer exists/.test(t)), 'the gone-case answer');
      await w.pressUnknown('ng:frobnicate:xyz', w.people.mod);
      await until(() => w.privately(w.people.mod).some((t) => /no longer in use/.test(t)), 'the unknown-button answer');
    });

    it('upheld: the author gets a private notice with Appeal, never the moderator’s name', async () => {
      const caseId = await w.flag();
      await w.press(caseId, 'uphold', w.people.mod);
      await until(() => w.dms(w.people.author).length === 1, 'the notice');
      const [notice] = w.dms(w.people.author);
      expect(notice).toMatch(/About your message/);
      expect(notice).toContain(`ng:appeal:${caseId}`);
      expect(notice).not.toContain(w.people.mod);
      expect(w.dms(w.people.member)).toHaveLength(0);
    });

    it('an appeal reaches the card with the model’s rationale; Accept reverses it and tells the author', async () => {
      const caseId = await w.flag();
      await w.press(caseId, 'uphold', w.people.mod);
      await until(() => w.dms(w.people.author).length === 1, 'the notice');
      await w.appeal(caseId, 'I was quoting the film we were discussing.');
      await until(() => w.card(caseId).includes(`ng:appeal-accept:${caseId}`), 'the appeal on the card');
      await until(() => w.thread(caseId).some((t) => t.includes('Appeal from the author')), 'the appeal in the thread');
      await w.press(caseId, 'appeal-accept', w.people.mod);
      await until(() => w.dms(w.people.author).some((d) => /Your appeal was accepted/.test(d)), 'the author told');
      expect((await stored(caseId))?.status).toBe('dismissed');
    });

    it('a DM that fails leaves the card decided and tells the moderator what failed', async () => {
      const caseId = await w.flag();
      w.failNextDm(w.people.author);
      await w.press(caseId, 'uphold', w.people.mod);
      await until(() => w.privately(w.people.mod).some((t) => /Telling the author failed/.test(t)), 'the moderator told');
      expect(w.card(caseId)).not.toContain(`ng:uphold:${caseId}`);
      expect((await stored(caseId))?.history.some((h) => h.action === 'note' && /Telling the author failed/.test(h.reason ?? ''))).toBe(true);
    });

    it('a review channel the bot may not post in is reported as such, and the case is kept', async () => {
      w.failNextCardPost();
      await w.say(INSULT);
      const mine = () => w.core.store.repos.cases.listByAuthor(w.workspace, w.people.author, { limit: 5 });
      await until(async () => (await mine()).length === 1, 'the stored case');
      const [c] = await mine();
      expect(c?.card).toBeNull();
      w.failNextCardPost();
      expect(await w.flow.postCard(c!)).toEqual({ posted: false, reason: 'review-channel-forbidden' });
    });

    it('a report with the model down still opens a case, as unclear', async () => {
      w.sim.inject('http500');
      await w.report(w.people.member, INSULT, 'Targets newcomers');
      await until(() => w.privately(w.people.member).some((t) => /your report is with the moderators/.test(t)), 'the thanks');
      const [c] = await w.core.store.repos.cases.listByAuthor(w.workspace, w.people.author, { limit: 5 });
      expect(c).toMatchObject({ source: 'report', reporterNote: 'Targets newcomers', assessment: { verdict: 'unclear' } });
    });
  });
}
