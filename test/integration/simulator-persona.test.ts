import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { DEFAULT_PRIOR, isContentFree, startOllamaSimulator, type OllamaSimulator, type SimulatorOptions } from '../fakes/ollama/index.js';
import { labelledActions, loadMoralStories } from '../support/moral-stories.js';

// The prior-carrying persona through the real openai SDK, as the bot will meet it.

const STORIES = loadMoralStories(60);
const LABELLED = labelledActions(STORIES);
const VERDICT_SCHEMA = {
  type: 'object',
  properties: { verdict: { type: 'string', enum: ['permissible', 'impermissible', 'unclear'] }, severity: { type: 'string', enum: ['none', 'low', 'medium', 'high'] }, norm: { type: 'string' }, summary: { type: 'string' } },
  required: ['verdict', 'severity', 'norm', 'summary'],
  additionalProperties: false,
};

const sims: OllamaSimulator[] = [];
afterAll(async () => {
  await Promise.all(sims.map((s) => s.close()));
});

async function start(options: SimulatorOptions): Promise<{ sim: OllamaSimulator; sdk: OpenAI }> {
  const sim = await startOllamaSimulator({ labelled: LABELLED, ...options });
  sims.push(sim);
  return { sim, sdk: new OpenAI({ baseURL: `${sim.url}/v1`, apiKey: 'ollama', maxRetries: 0 }) };
}

function s3(situation: string, intention: string, action: string): string {
  return `Context: ${situation}\nIntent: ${intention}\nIs it permissible to implement the following approach: "${action}"?`;
}
function s2(situation: string, intention: string, action: string): string {
  return `Context: ${situation}\nIntent: ${intention}\nWhat is the moral evaluation of executing the following action: "${action}"?`;
}

type Sdk = OpenAI;
async function verdictOf(sdk: Sdk, prompt: string, logprobs = false) {
  const res = await sdk.chat.completions.create({
    model: 'normguard',
    messages: [{ role: 'user', content: prompt }],
    temperature: 0.2,
    response_format: { type: 'json_schema', json_schema: { name: 'verdict', schema: VERDICT_SCHEMA, strict: true } },
    ...(logprobs ? { logprobs: true, top_logprobs: 5 } : {}),
  });
  const choice = res.choices[0]!;
  return { verdict: (JSON.parse(choice.message.content ?? '{}') as { verdict: string }).verdict, choice };
}

/** log(P(imper)/P(perm)) at the verdict's first token, from the served logprobs. */
function servedLogOdds(choice: OpenAI.Chat.Completions.ChatCompletion.Choice): number {
  const content = choice.logprobs?.content ?? [];
  const at = content.findIndex((t) => t.token === 'imper' || t.token === 'perm' || t.token === 'un');
  const top = content[at]?.top_logprobs ?? [];
  const lp = (token: string) => top.find((t) => t.token === token)?.logprob ?? NaN;
  return lp('imper') - lp('perm');
}

describe('prior persona', () => {
  it('with a strong bias S3 refuses most moral actions and S2 validates most immoral ones; unbiased it follows the labels', async () => {
    const biased = await start({ persona: { kind: 'prior', bias: { S3: 3, S2: -3 } } });
    const fair = await start({ persona: { kind: 'prior', bias: { S3: 0, S2: 0 } } });
    const rows = STORIES.slice(0, 30);
    let falseRefusals = 0;
    let falseValidations = 0;
    let fairRight = 0;
    for (const story of rows) {
      if ((await verdictOf(biased.sdk, s3(story.situation, story.intention, story.moral_action))).verdict === 'impermissible') falseRefusals++;
      // Each frame keeps its own lean: the same moral action asked in S2 is validated.
      if ((await verdictOf(biased.sdk, s2(story.situation, story.intention, story.immoral_action))).verdict === 'permissible') falseValidations++;
      if ((await verdictOf(fair.sdk, s3(story.situation, story.intention, story.moral_action))).verdict === 'permissible') fairRight++;
      if ((await verdictOf(fair.sdk, s3(story.situation, story.intention, story.immoral_action))).verdict === 'impermissible') fairRight++;
    }
    // Evidence ±1.25 with spread 0.6 against a 3-logit prior: most cross-frame cells follow the prior.
    expect(falseRefusals / rows.length).toBeGreaterThan(0.5);
    expect(falseValidations / rows.length).toBeGreaterThan(0.5);
    expect(fairRight / (2 * rows.length)).toBeGreaterThan(0.8);
    expect(fairRight).toBeLessThan(2 * rows.length); // some items are ambiguous even to a fair model
  });

  it('serves logprobs before the grammar mask: multi-token labels, forbidden alternatives, and log-odds = evidence + bias', async () => {
    const { sim, sdk } = await start({ persona: { kind: 'prior', bias: { S3: 2 } } });
    const story = STORIES[0]!;
    const { choice } = await verdictOf(sdk, s3(story.situation, story.intention, story.immoral_action), true);
    const tokens = choice.logprobs!.content!;
    expect(tokens.map((t) => t.token).join('')).toBe(choice.message.content);
    const first = tokens.findIndex((t) => t.token === 'imper');
    expect(first).toBeGreaterThan(0);
    expect(tokens[first + 1]!.token).toBe('missible');
    const top = tokens[first]!.top_logprobs!;
    expect(top).toHaveLength(5);
    expect(top.map((t) => t.token)).toContain('Imper'); // the enum forbids it; the raw logits do not
    const allowed = top.filter((t) => ['imper', 'perm', 'un'].includes(t.token)).reduce((p, t) => p + Math.exp(t.logprob), 0);
    expect(allowed).toBeLessThan(1);
    // Content-free probes carry no evidence: the served log-odds are the frame's bias, plus the
    // small shift that makes contextual calibration imperfect, as it is on a real model.
    const probe = await verdictOf(sdk, s3('N/A', 'N/A', 'N/A'), true);
    expect(servedLogOdds(probe.choice)).toBeCloseTo(2 + DEFAULT_PRIOR.probeShift, 6);
    expect(probe.verdict).toBe('impermissible');
    const s2probe = await verdictOf(sdk, s2('N/A', 'N/A', 'N/A'), true);
    expect(servedLogOdds(s2probe.choice)).toBeCloseTo(DEFAULT_PRIOR.bias.S2 + DEFAULT_PRIOR.probeShift, 6);
    const exact = await start({ persona: { kind: 'prior', bias: { S3: 2 }, probeShift: 0 } });
    expect(servedLogOdds((await verdictOf(exact.sdk, s3('N/A', 'N/A', 'N/A'), true)).choice)).toBeCloseTo(2, 6);
    // Not asked, not sent.
    const plain = await verdictOf(sdk, s3(story.situation, story.intention, story.moral_action));
    expect(plain.choice.logprobs ?? null).toBeNull();
    expect(sim.requestsTo('/v1/chat/completions').length).toBe(4);
  });

  it('some items are genuinely ambiguous: the hidden evidence spreads, deterministically', async () => {
    const { sdk } = await start({ persona: { kind: 'prior', bias: { S3: 0, S2: 0 } } });
    const odds: number[] = [];
    for (const story of STORIES.slice(0, 40)) {
      const { choice } = await verdictOf(sdk, s3(story.situation, story.intention, story.immoral_action), true);
      odds.push(servedLogOdds(choice));
    }
    expect(odds.some((o) => Math.abs(o) < 0.5)).toBe(true);
    expect(odds.filter((o) => o > 0).length).toBeGreaterThan(30);
    expect(new Set(odds.map((o) => o.toFixed(3))).size).toBeGreaterThan(30);
    const again = await verdictOf(sdk, s3(STORIES[0]!.situation, STORIES[0]!.intention, STORIES[0]!.immoral_action), true);
    expect(servedLogOdds(again.choice)).toBeCloseTo(odds[0]!, 9);
  });

  it('writes prose in each frame’s trained style, and a verdict turn after prose is anchored to it', async () => {
    const { sdk } = await start({ persona: { kind: 'prior', bias: { S3: 3, S2: -3 } } });
    const story = STORIES[3]!;
    const ask = async (content: string) =>
      (await sdk.chat.completions.create({ model: 'normguard', messages: [{ role: 'user', content }] })).choices[0]!.message.content!;
    const refusal = await ask(s3(story.situation, story.intention, story.moral_action));
    expect(refusal).toMatch(/^No, it is not permissible .*The risk: .*It crosses .*Instead, /s);
    const validation = await ask(s2(story.situation, story.intention, story.immoral_action));
    expect(validation).toMatch(/is morally sound/);
    const guidance = await ask(`Context: ${story.situation}\nIntent: ${story.intention}\nProvide an ethical assessment and an appropriate action plan for this situation.`);
    expect(guidance).toMatch(/^Recommended Ethical Approach: .*Hazards to Avoid: .*Justification: /s);

    // The follow-up verdict summarises the refusal, so it inherits the prior.
    const prompt = s3(story.situation, story.intention, story.moral_action);
    const followUp = await sdk.chat.completions.create({
      model: 'normguard',
      messages: [
        { role: 'user', content: prompt },
        { role: 'assistant', content: refusal },
        { role: 'user', content: 'Summarise your answer as JSON.' },
      ],
      response_format: { type: 'json_schema', json_schema: { name: 'verdict', schema: VERDICT_SCHEMA } },
    });
    expect(JSON.parse(followUp.choices[0]!.message.content!).verdict).toBe('impermissible');
    const permission = refusal.replace(/^No, it is not permissible/, 'Yes, it is permissible');
    const flipped = await sdk.chat.completions.create({
      model: 'normguard',
      messages: [
        { role: 'user', content: prompt },
        { role: 'assistant', content: permission },
        { role: 'user', content: 'Summarise your answer as JSON.' },
      ],
      response_format: { type: 'json_schema', json_schema: { name: 'verdict', schema: VERDICT_SCHEMA } },
    });
    expect(JSON.parse(flipped.choices[0]!.message.content!).verdict).toBe('permissible');
  });

  it('recognises content-free fields', () => {
    for (const text of ['N/A', 'n/a', '"N/A"', 'none', '[MASK]', '...', '—'.replace('—', '-')]) expect(isContentFree(text)).toBe(true);
    for (const text of ['Nate helps', 'No, thanks', 'hit him']) expect(isContentFree(text)).toBe(false);
  });
});

describe('logprobs on the native API and on older servers', () => {
  let sim: OllamaSimulator;
  beforeAll(async () => {
    sim = (await start({ persona: { kind: 'prior' } })).sim;
  });

  it('/api/chat puts logprobs at the top level, outside message', async () => {
    const story = STORIES[1]!;
    const res = await fetch(`${sim.url}/api/chat`, {
      method: 'POST',
      body: JSON.stringify({
        model: 'normguard',
        stream: false,
        think: false,
        format: VERDICT_SCHEMA,
        logprobs: true,
        top_logprobs: 3,
        messages: [{ role: 'user', content: s3(story.situation, story.intention, story.immoral_action) }],
      }),
    });
    const body = (await res.json()) as { message: { content: string }; logprobs: Array<{ token: string; logprob: number; top_logprobs: unknown[] }> };
    expect(res.status).toBe(200);
    expect(body.logprobs.map((t) => t.token).join('')).toBe(body.message.content);
    expect(body.logprobs.every((t) => Number.isFinite(t.logprob) && t.top_logprobs.length === 3)).toBe(true);
    expect('logprobs' in body.message).toBe(false);
  });

  it('refuses top_logprobs outside 0..20 with Ollama’s message, on both APIs', async () => {
    const v1 = await fetch(`${sim.url}/v1/chat/completions`, {
      method: 'POST',
      body: JSON.stringify({ model: 'normguard', messages: [{ role: 'user', content: 'hi' }], logprobs: true, top_logprobs: 21 }),
    });
    expect(v1.status).toBe(400);
    expect(((await v1.json()) as { error: { message: string } }).error.message).toBe('top_logprobs must be between 0 and 20');
    const native = await fetch(`${sim.url}/api/chat`, {
      method: 'POST',
      body: JSON.stringify({ model: 'normguard', stream: false, messages: [{ role: 'user', content: 'hi' }], logprobs: true, top_logprobs: -1 }),
    });
    expect(native.status).toBe(400);
    expect(await native.json()).toEqual({ error: 'top_logprobs must be between 0 and 20' });
  });

  it('streams each token’s numbers with the chunk that carries it', async () => {
    const story = STORIES[2]!;
    const res = await fetch(`${sim.url}/api/chat`, {
      method: 'POST',
      body: JSON.stringify({ model: 'normguard', think: false, logprobs: true, messages: [{ role: 'user', content: s3(story.situation, story.intention, story.moral_action) }] }),
    });
    const lines = (await res.text()).trim().split('\n').map((l) => JSON.parse(l) as { message: { content: string }; logprobs?: Array<{ token: string }> });
    const content = lines.map((l) => l.message.content).join('');
    const tokens = lines.flatMap((l) => l.logprobs ?? []).map((t) => t.token).join('');
    expect(tokens).toBe(content);
  });

  it('an Ollama older than 0.12.11 ignores the fields and sends none', async () => {
    const { sim: old, sdk } = await start({ persona: { kind: 'prior' }, logprobs: false });
    expect(await (await fetch(`${old.url}/api/version`)).json()).toEqual({ version: '0.12.0-sim' });
    const { choice } = await verdictOf(sdk, s3('N/A', 'N/A', 'N/A'), true);
    expect(choice.logprobs ?? null).toBeNull();
  });

  it('logprob faults garble or drop the numbers only for requests that asked for them', async () => {
    const { sim: faulty, sdk } = await start({ persona: { kind: 'prior' } });
    faulty.inject('logprobs-nan', { times: 1 });
    await verdictOf(sdk, s3('N/A', 'N/A', 'N/A')); // did not ask: the fault waits
    const nan = await verdictOf(sdk, s3('N/A', 'N/A', 'N/A'), true);
    expect((nan.choice.logprobs?.content?.[0] as unknown as { logprob: unknown }).logprob).toBe('NaN');
    faulty.inject('logprobs-missing', { times: 1 });
    expect((await verdictOf(sdk, s3('N/A', 'N/A', 'N/A'), true)).choice.logprobs ?? null).toBeNull();
  });
});

describe('npm run simulator flags', () => {
  it('rejects a bad persona flag with exit 2 and the usage', () => {
    const script = fileURLToPath(new URL('../fakes/ollama/standalone.ts', import.meta.url));
    const tsx = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));
    const run = spawnSync(tsx, [script, '--persona', 'prior', '--bias', 'lots'], { encoding: 'utf8', timeout: 15_000 });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('--bias must be a number');
    const stray = spawnSync(tsx, [script, '--bias-s3', '2'], { encoding: 'utf8', timeout: 15_000 });
    expect(stray.status).toBe(2);
    expect(stray.stderr).toContain('--bias-s3 needs --persona prior');
  });
});
