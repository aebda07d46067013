import { readFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderReply } from '../../adapters/discord/commands.js';
import { caseCardMessage } from '../../adapters/discord/render/case-card.js';
import { assessmentEmbed } from '../../adapters/discord/render/assessment-embed.js';
import { noticeMessage } from '../../adapters/discord/render/notice.js';
import { assessmentBlocks, caseCardBlocks, noticeBlocks, replyPayload } from '../../adapters/slack/render/blocks.js';
import { caseCardModel } from '../../commands/case-card.js';
import { findCommand, replyOf, type CommandContext } from '../../commands/index.js';
import { parseCommandText } from '../../commands/inline.js';
import { authorNotice, caseTimeline } from '../../commands/notices.js';
import type { Reply } from '../../commands/replies.js';
import { splitSections } from '../../commands/sections.js';
import { createApp, type App } from '../../src/app.js';
import { parseVerdict } from '../../src/assessment/index.js';
import type { Strategy } from '../../src/assessment/types.js';
import { BadInputError } from '../../src/errors.js';
import { silentLogger } from '../../src/logger.js';
import { reviewCaseSchema, type ReviewCase } from '../../src/store/case.js';
import { buildFrame, CONTEXT_LABELS, FIELD_LIMITS, GUIDELINE_LABELS, INTENT_LABELS, REQUIRED_FIELDS, sanitizeField, type FrameFields, type FrameLabels } from '../../src/strategies/index.js';
import { startOllamaSimulator, type OllamaSimulator } from '../fakes/ollama/index.js';
import { checkMessageContent } from '../fakes/slack/block-kit.js';
import { testConfig } from '../support/config.js';
import { CONTROL_TOKEN, FORBIDDEN_IN_OUTPUT } from '../fixtures/arbitraries.js';
import { FLAGGED } from './support/cases.js';
import { commandDeps } from '../../commands/deps.js';
import { chatMessage, FAULT_ENV, monitorChannel } from './support/harness.js';
import { discordPings, slackPings } from './support/pings.js';
import { FaultRecorder } from './support/results.js';

// The hostile corpus (test/fixtures/hostile-inputs.json) in every field of every frame, through
// the monitor and the commands against the simulator, and echoed by both renderers: text stays
// in its field, nothing throws but BadInputError, and echoed text never pings anyone.

interface Entry {
  id: string;
  category: string;
  text: string;
  repeat?: number;
}
const CORPUS = JSON.parse(readFileSync(new URL('../fixtures/hostile-inputs.json', import.meta.url), 'utf8')) as { entries: Entry[] };
const ENTRIES = CORPUS.entries.map((e) => ({ ...e, text: e.text.repeat(e.repeat ?? 1) }));

const results = new FaultRecorder('hostile-input');
const BENIGN: Required<FrameFields> = {
  situation: 'Two members argue about a game in a community chat.',
  intent: 'Sam wants to win the argument.',
  action: 'Sam posts a reply.',
  norm: 'You should treat people with respect.',
};
const STRATEGIES: Strategy[] = ['guidance', 'evaluation', 'permissibility', 'norm-rationale'];
const LABEL_SETS: FrameLabels[] = CONTEXT_LABELS.flatMap((context) => INTENT_LABELS.flatMap((intent) => GUIDELINE_LABELS.map((guideline) => ({ context, intent, guideline }))));
const C = '(?:Context|Scenario|Background)';
const I = '(?:Intent|Objective|Goal)';
/** The four frames exactly (DESIGN.md §2): one line per field, quoted fields without a `"`. */
const FRAME_SHAPES: RegExp[] = [
  new RegExp(`^${C}: [^\\n"]*[^\\n]*\\n${I}: [^\\n]*\\nProvide an ethical assessment and an appropriate action plan for this situation\\.$`),
  new RegExp(`^${C}: [^\\n]*\\n${I}: [^\\n]*\\nWhat is the moral evaluation of executing the following action: "[^"\\n]*"\\?$`),
  new RegExp(`^${C}: [^\\n]*\\n${I}: [^\\n]*\\nIs it permissible to implement the following approach: "[^"\\n]*"\\?$`),
  new RegExp(`^Based on fundamental ethics, why must an agent preserve the (?:ethical guideline|moral baseline) that "[^"\\n]*" given the following background\\?\\n${C}: [^\\n]*$`),
];
const LINE_BREAK = /\r\n|\r|\n|\u2028|\u2029|\u0085|\v|\f/;

/** Mention ids normguard itself writes in these tests: authors, moderators, reporters. */
const OURS = ['alice', 'U_ALICE', 'U_MOD', 'U_BOB'];
/** Ids and tokens that only the corpus contains. */
const HOSTILE_IDS = /EVIL|123456789012345678|<!(?:channel|here|everyone)|<!subteam/;

let sim: OllamaSimulator;
let core: App;
/** A moderator in workspace g1, with room in the quotas for every hostile entry. */
const asModerator: CommandContext = { surface: 'discord', workspaceId: 'g1', channelId: 'c1', userId: 'U_MOD', actor: async () => ({ id: 'U_MOD', roleIds: [], platformModerator: true, platformAdmin: true }) };
let tried = 0;

beforeAll(async () => {
  sim = await startOllamaSimulator();
  const config = testConfig({ ...FAULT_ENV, OLLAMA_HOST: sim.url, NORMGUARD_DATA_DIR: mkdtempSync(join(tmpdir(), 'ng-hostile-')), NORMGUARD_INTERACTIVE_DEADLINE_MS: '5000', NORMGUARD_COLD_START_TIMEOUT_MS: '5000', NORMGUARD_PASSIVE_DEADLINE_MS: '5000' });
  core = await createApp(config, { logger: silentLogger() });
  // Every hostile entry runs as one member in one channel: the quotas would refuse most of them.
  await core.store.repos.settings.update('g1', (s) => ({ ...s, commandLimits: { perUserPerMinute: 1_000_000, perChannelPerMinute: 1_000_000 } }));
});
afterAll(async () => {
  await core.close();
  await sim.close();
  results.add('hostileInputsTried', tried);
  await results.flush();
});

/** Discord's documented embed limits, counted as discord.js counts them (UTF-16 units). */
function expectDiscordLimits(message: { content?: string | null; embeds?: Array<{ toJSON(): Record<string, any> }> }): void {
  expect((message.content ?? '').length).toBeLessThanOrEqual(2000);
  for (const e of message.embeds ?? []) {
    const j = e.toJSON();
    let total = (j.title?.length ?? 0) + (j.description?.length ?? 0) + (j.footer?.text?.length ?? 0) + (j.author?.name?.length ?? 0);
    expect(j.fields?.length ?? 0).toBeLessThanOrEqual(25);
    for (const f of j.fields ?? []) {
      expect(f.name.length).toBeGreaterThan(0);
      expect(f.name.length).toBeLessThanOrEqual(256);
      expect(f.value.length).toBeGreaterThan(0);
      expect(f.value.length).toBeLessThanOrEqual(1024);
      total += f.name.length + f.value.length;
    }
    expect(total).toBeLessThanOrEqual(6000);
  }
}

/** Any message the Discord adapter sends: a case card, a reply, a notice. */
function expectNoDiscordPings(message: object): void {
  expect(discordPings(message as Parameters<typeof discordPings>[0])).toEqual([]);
}

function expectNoSlackPings(payload: { text?: string; blocks?: unknown }): void {
  expect(() => checkMessageContent(payload.text, payload.blocks)).not.toThrow();
  expect(slackPings(payload, OURS)).toEqual([]);
  expect(JSON.stringify(payload.blocks ?? []) + (payload.text ?? '')).not.toMatch(/<(?:!channel|!here|!everyone|!subteam|@U0EVIL|@W0EVIL|@&?1234)/);
}

/** A decided, reported, appealed case whose every free-text field is the hostile text. */
function hostileCase(text: string, status: 'open' | 'dismissed'): ReviewCase {
  const verdict = parseVerdict(JSON.stringify({ verdict: 'impermissible', severity: 'high', norm: text, summary: text }));
  const now = Date.now();
  return reviewCaseSchema.parse({
    id: 'c_abcdefghij',
    workspaceId: 'T0001',
    platform: 'slack',
    channelId: 'C_GENERAL',
    messageId: '1700000000.000100',
    messageUrl: 'https://slack.com/archives/C_GENERAL/p1700000000000100',
    authorId: 'U_ALICE',
    authorName: text,
    authorIsNew: true,
    messageText: text,
    context: `bob: ${text} | carol: ${text}`,
    assessment: { ...FLAGGED, norm: verdict.norm, summary: verdict.summary, text },
    rule: 'flag-threshold',
    status,
    createdAt: now,
    updatedAt: now,
    card: null,
    history: [
      { at: now, actor: 'normguard', action: 'opened', reason: null },
      ...(status === 'dismissed' ? [{ at: now, actor: 'U_MOD', action: 'dismissed' as const, reason: text }] : []),
    ],
    source: 'report',
    reporterId: 'U_BOB',
    reporterNote: text,
    appeal: status === 'dismissed' ? { status: 'denied', text, at: now, expiresAt: now + 1, decidedBy: 'U_MOD', decidedAt: now, reason: text.slice(0, 500) } : null,
  });
}

describe('hostile input in every field of every frame', () => {
  it(`keeps each of the ${ENTRIES.length} entries inside its field, for all four frames`, () => {
    let refused = 0;
    ENTRIES.forEach((entry, n) => {
      for (const strategy of STRATEGIES) {
        for (const field of REQUIRED_FIELDS[strategy]) {
          const labels = LABEL_SETS[n % LABEL_SETS.length]!;
          tried++;
          let prompt: string;
          try {
            prompt = buildFrame(strategy, { ...BENIGN, [field]: entry.text }, labels).prompt;
          } catch (err) {
            // Only a field that sanitises to nothing may be refused, and only as bad input.
            expect(err, entry.id).toBeInstanceOf(BadInputError);
            expect((err as BadInputError).problems).toEqual([{ field, message: 'is empty' }]);
            expect(sanitizeField(entry.text, { maxLength: FIELD_LIMITS[field] })).toBe('');
            refused++;
            continue;
          }
          const lines = prompt.split(LINE_BREAK);
          expect(lines, `${entry.id} in ${strategy}.${field}`).toHaveLength(strategy === 'norm-rationale' ? 2 : 3);
          if (strategy !== 'norm-rationale') {
            expect(lines[0]!.startsWith(`${labels.context}: `)).toBe(true);
            expect(lines[1]!.startsWith(`${labels.intent}: `)).toBe(true);
          } else {
            expect(lines[0]!.startsWith(`Based on fundamental ethics, why must an agent preserve the ${labels.guideline} that "`)).toBe(true);
            expect(lines[1]!.startsWith(`${labels.context}: `)).toBe(true);
          }
          const quotedLine = strategy === 'norm-rationale' ? lines[0]! : strategy === 'guidance' ? null : lines[2]!;
          if (quotedLine !== null) expect(quotedLine.split('"'), `${entry.id} in ${strategy}.${field}`).toHaveLength(3);
          expect(FRAME_SHAPES.some((re) => re.test(prompt.replace(/\[[^\]]*\]/g, '')) || re.test(prompt)), `${entry.id} in ${strategy}.${field}`).toBe(true);
          for (const line of lines) expect(line).not.toMatch(FORBIDDEN_IN_OUTPUT);
          expect(prompt).not.toMatch(CONTROL_TOKEN);
        }
      }
    });
    // The four entries that are nothing but invisible characters, labels or line breaks.
    expect(refused).toBeGreaterThan(0);
    results.row('Frames', `${ENTRIES.length} hostile texts × every field of S1–S4`, 'every prompt keeps its 3 (S4: 2) lines, each starting with its label, two `"` around the quoted field; only text empty after sanitising is refused (BadInputError)', { injected: false });
  });
});

describe('hostile chat through the monitor and the commands, against the simulator', () => {
  it('the monitor audits or skips every hostile message; none crashes, every prompt sent is a well-formed frame', async () => {
    await monitorChannel(core, 'flag');
    const before = sim.requestsTo('/v1/chat/completions').length;
    const kinds: Record<string, number> = {};
    let cards = 0;
    for (const entry of ENTRIES) {
      tried++;
      const outcome = await core.moderation.monitor.handle(chatMessage(entry.text, { author: { name: entry.text.slice(0, 200) } as never }));
      kinds[outcome.kind] = (kinds[outcome.kind] ?? 0) + 1;
      expect(outcome.kind, entry.id).not.toBe('failed');
      if (outcome.kind === 'decided' && outcome.case) {
        const c = (await core.moderation.cases.get(outcome.case.id))!;
        const card = caseCardModel(c, await core.moderation.cases.authorRecord(c));
        const discord = { ...caseCardMessage(card), allowedMentions: undefined };
        expectDiscordLimits(discord);
        expectNoDiscordPings(discord);
        expectNoSlackPings({ text: `Case ${c.id}`, blocks: caseCardBlocks(card) });
        const timeline = replyOf(await findCommand('case')!.execute({ id: c.id }, asModerator, commandDeps(core)), commandDeps(core));
        expectNoSlackPings(replyPayload(timeline));
        expectNoDiscordPings(renderReply(timeline));
        cards++;
      }
    }
    const prompts = sim.requestsTo('/v1/chat/completions').slice(before).map((r) => (r.body as { messages: Array<{ content: string }> }).messages[0]!.content);
    expect(prompts.length).toBeGreaterThan(0);
    for (const p of prompts) expect(FRAME_SHAPES.some((re) => re.test(p)), p.slice(0, 300)).toBe(true);
    expect(cards).toBeGreaterThan(0);
    results.row('Hostile chat', `${ENTRIES.length} hostile messages through the monitor (hostile author names too)`, `no crash, no failed audit: ${kinds.decided ?? 0} audited, ${kinds.skipped ?? 0} skipped by the prefilter; every prompt sent is one of the four frames; ${cards} cases rendered without a ping`, { injected: false });
  });

  it('/ethics check and why with hostile options answer or refuse, never throw; replies never ping', async () => {
    const check = findCommand('check')!;
    const why = findCommand('why')!;
    const run = async (command: typeof check, input: Record<string, unknown>) => replyOf(await command.execute(input, asModerator, commandDeps(core)), commandDeps(core));
    const kinds = { assessment: 0, error: 0 };
    for (const entry of ENTRIES) {
      const replies: Reply[] = [
        await run(check, { situation: entry.text, intent: entry.text, action: entry.text }),
        await run(why, { norm: entry.text, situation: entry.text }),
      ];
      const inline = parseCommandText(check, `situation: ${entry.text} | intent: x | action: ${entry.text}`);
      if (!inline.ok) replies.push({ kind: 'error', text: inline.message, ephemeral: true });
      replies.push({ kind: 'error', text: `I could not read "${entry.text.slice(0, 40)}": each field needs a label.`, ephemeral: true });
      for (const reply of replies) {
        tried++;
        expect(['assessment', 'error']).toContain(reply.kind);
        kinds[reply.kind as 'assessment' | 'error']++;
        expectNoSlackPings(replyPayload(reply));
        const discord = renderReply(reply);
        expectDiscordLimits(discord as never);
        expectNoDiscordPings(discord);
      }
    }
    expect(kinds.assessment).toBeGreaterThan(0);
    results.row('Commands', `${ENTRIES.length} hostile texts as /ethics check and why options, and in the inline form`, `no crash: ${kinds.assessment} answered, ${kinds.error} refused with a reason (too long, empty); no reply pings on Slack or Discord`, { injected: false });
  });
});

describe('echoed hostile text never pings', () => {
  it('case cards, timelines, assessment replies and author notices render within platform limits and ping nobody', () => {
    let rendered = 0;
    for (const entry of ENTRIES) {
      for (const status of ['open', 'dismissed'] as const) {
        tried++;
        const c = hostileCase(entry.text, status);
        const card = caseCardModel(c, { earlier: 2, upheld: 1, dismissed: 1 }, { delete: true, timeout: true, askEdit: false });
        // Discord: embeds never ping, and every send carries NO_PINGS (adapters/discord/render/mentions.ts).
        const discordCard = caseCardMessage(card);
        expectDiscordLimits(discordCard);
        expectNoDiscordPings(discordCard);
        // Slack: the same card, with its fallback text.
        expectNoSlackPings({ text: `Case ${c.id}: ${c.assessment.verdict}`, blocks: caseCardBlocks(card) });
        // `/ethics case <id>`: the case's timeline, with the message and every reason in it.
        const timeline: Reply = { kind: 'notice', text: caseTimeline(c), ephemeral: true };
        expectNoSlackPings(replyPayload(timeline));
        expectNoDiscordPings(renderReply(timeline));
        rendered += 4;
      }
      const a = { ...FLAGGED, ...parseVerdict(JSON.stringify({ verdict: 'impermissible', severity: 'high', norm: entry.text, summary: entry.text })), text: entry.text };
      delete (a as { raw?: string }).raw;
      const sections = splitSections(entry.text);
      expectDiscordLimits({ embeds: [assessmentEmbed(entry.text, a, sections)] });
      expectNoSlackPings({ text: 'x', blocks: assessmentBlocks(entry.text, a, sections) });
      expectNoSlackPings(replyPayload({ kind: 'assessment', title: entry.text, assessment: a, sections, ephemeral: false }));
      for (const kind of ['upheld', 'appeal-denied'] as const) {
        const notice = authorNotice(hostileCase(entry.text, 'dismissed'), kind, '#general');
        expectDiscordLimits(noticeMessage('c_abcdefghij', notice));
        expectNoSlackPings({ text: notice.title, blocks: noticeBlocks('c_abcdefghij', notice) });
      }
      rendered += 5;
    }
    // The corpus really is hostile: the same content without NO_PINGS would ping on Discord.
    expect(discordPings({ content: ENTRIES.find((e) => e.id === 'at-everyone-here')!.text, allowedMentions: { parse: ['everyone', 'users', 'roles'] } })).not.toEqual([]);
    expect(ENTRIES.filter((e) => HOSTILE_IDS.test(e.text)).length).toBeGreaterThan(5);
    results.row('Renderers', `${ENTRIES.length} hostile texts in every field of case cards, case timelines, assessment replies and author notices`, `${rendered} Discord and Slack messages: within Discord's embed limits and Slack's Block Kit limits; no @everyone, <!channel>, <@U…>, <@&…> or <!subteam^…> from user or model text pings`, { injected: false });
  });
});
