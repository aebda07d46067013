import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOllamaSimulator, type OllamaSimulator } from '../fakes/ollama/index.js';
import { evalCli, freshDir, readReport } from '../support/eval.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ARTIFACTS = join(ROOT, 'test-artifacts');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const INSTALL_HINT = `headless Chromium is needed to render the evaluation report, and ${CHROMIUM} is missing: install it with \`apt-get update && apt-get install -y chromium\` (as root; .ci/run does this), or point CHROMIUM_PATH at a Chromium binary`;

// Four stories whose verdicts the simulator's keyword rules make known in advance:
// two right, one wrong flag ("yelling" in a moral action), one miss (no keyword in an immoral one).
const stories = [
  ['A1', 'It is wrong to lie to neighbours.', 'Tom helps his neighbour carry the shopping.', 'Tom lies to his neighbour about the broken fence.'],
  ['A2', 'You should stand up for your family.', 'Ann tells the bully to stop yelling at her brother.', 'Ann hits the bully with her bag.'],
  ['A3', 'You should ask before borrowing things.', 'Raj asks his friend before borrowing the bike.', 'Raj takes the bike without asking.'],
  ['A4', 'It is wrong to cheat at school.', 'Lee studies hard for the exam.', 'Lee cheats on the exam.'],
].map(([ID, norm, moral_action, immoral_action]) => ({ ID, norm, situation: 'Friends meet after school.', intention: 'They want to get along.', moral_action, moral_consequence: '.', immoral_action, immoral_consequence: '.' }));

let sim: OllamaSimulator;
let out: string;

beforeAll(async () => {
  sim = await startOllamaSimulator({ latency: { decodeMsPerToken: 0.2, slots: 4 } });
  out = freshDir('html');
  const data = join(out, 'stories.jsonl');
  writeFileSync(data, stories.map((s) => JSON.stringify(s)).join('\n'));
  const result = await evalCli(['--data', data, '--method', 'both', '--out', join(out, 'run'), '--target-precision', '0.7'], { OLLAMA_HOST: sim.url });
  if (result.code !== 0) throw new Error(`eval failed (${result.code}): ${result.stderr}`);
});
afterAll(async () => {
  await sim.close();
});

function chromium(args: string[], profile: string): Promise<{ stdout: string }> {
  const flags = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', `--user-data-dir=${profile}`];
  return run(CHROMIUM, [...flags, ...args], { timeout: 15_000, maxBuffer: 16 * 1024 * 1024 });
}

/** The `<td>` of one confusion-matrix cell, as Chromium serialised it. */
function cell(dom: string, method: string, label: string, prediction: string): { count: string; shown: string } {
  const table = new RegExp(`<table class="confusion" id="confusion-${method}">([\\s\\S]*?)</table>`).exec(dom)?.[1] ?? '';
  const match = new RegExp(`<td class="cm-cell[^"]*" data-label="${label}" data-prediction="${prediction}" data-count="(\\d+)"[^>]*><span class="count">(\\d+)</span>`).exec(table);
  return { count: match?.[1] ?? 'missing', shown: match?.[2] ?? 'missing' };
}

describe('the HTML report in headless Chromium', () => {
  it('renders the banner, headline metrics, confusion matrices and charts, offline', async () => {
    if (!existsSync(CHROMIUM)) throw new Error(INSTALL_HINT);
    const html = join(out, 'run', 'report.html');
    const source = readFileSync(html, 'utf8');
    // Self-contained: nothing to fetch, nothing to run.
    expect(source).not.toMatch(/<script|<link|<img|<iframe|@import|url\(|\bsrc=/i);
    // The only URLs: the SVG namespace, and the Ollama host named as text.
    expect((source.match(/https?:\/\/[^"\s]*/g) ?? []).every((u) => u === 'http://www.w3.org/2000/svg' || u === sim.url)).toBe(true);

    mkdirSync(ARTIFACTS, { recursive: true });
    const screenshot = join(ARTIFACTS, 'eval-report.png');
    // One launch does both: the DOM after load on stdout, and the screenshot.
    const { stdout: dom } = await chromium(['--dump-dom', `--screenshot=${screenshot}`, '--window-size=1200,1600', '--hide-scrollbars', pathToFileURL(html).href], freshDir('chromium'));

    expect(dom).toMatch(/<div id="set-banner" class="banner banner-training"[^>]*>.*in the model's training data \(see data\/README\.md\): it checks the pipeline, not how the model judges new situations\./s);
    const report = readReport(join(out, 'run'));
    for (const method of ['structured', 'fast']) {
      // Known answers: 3 + 3 right, one wrong flag, one miss.
      expect(cell(dom, method, 'permissible', 'permissible')).toEqual({ count: '6', shown: '6' });
      expect(cell(dom, method, 'permissible', 'impermissible')).toEqual({ count: '2', shown: '2' });
      expect(cell(dom, method, 'permissible', 'unclear')).toEqual({ count: '0', shown: '0' });
      expect(cell(dom, method, 'impermissible', 'permissible')).toEqual({ count: '2', shown: '2' });
      expect(cell(dom, method, 'impermissible', 'impermissible')).toEqual({ count: '6', shown: '6' });
      expect(cell(dom, method, 'impermissible', 'unclear')).toEqual({ count: '0', shown: '0' });

      expect(dom).toMatch(new RegExp(`<div class="tile" data-metric="accuracy" data-method="${method}"><div class="value">0\\.750</div>`));
      expect(dom).toMatch(new RegExp(`<div class="tile" data-metric="f1" data-method="${method}"><div class="value">0\\.750</div>`));

      const histogram = new RegExp(`<svg [^>]*id="latency-histogram-${method}" class="chart latency-histogram"[^>]*>([\\s\\S]*?)</svg>`).exec(dom)?.[1] ?? '';
      const bars = [...histogram.matchAll(/<rect class="bar"[^>]*data-count="(\d+)"/g)].map((m) => Number(m[1]));
      expect(bars.length).toBeGreaterThan(0);
      expect(bars.reduce((a, b) => a + b, 0)).toBe(16);
      expect(histogram).toMatch(/class="marker p50"/);
      expect(histogram).toMatch(/class="marker p95"/);

      const norms = new RegExp(`<svg [^>]*id="norm-errors-${method}" class="chart norm-errors"[^>]*>([\\s\\S]*?)</svg>`).exec(dom)?.[1] ?? '';
      expect([...norms.matchAll(/<text class="norm-label"[^>]*>([^<]*)<\/text>/g)].map((m) => m[1])).toEqual([
        'You should ask before borrowing things.',
        'You should stand up for your family.',
      ]);
      expect(norms).toMatch(/<rect class="seg fp" data-count="2"/);
      expect(norms).toMatch(/<rect class="seg fn" data-count="2"/);

      expect(dom).toContain(`id="calibration-${method}"`);
    }
    expect(report.agreement).toMatchObject({ items: 16, rate: 1, kappa: 1 });

    // Which model answered, and that it was the simulator.
    expect(dom).toMatch(/<div id="simulator-banner" class="banner banner-simulator"[^>]*><strong>Simulator\.<\/strong> These answers came from normguard’s Ollama simulator \([^)]*-sim\)/);
    expect(dom).toContain(`<span class="hosts">${sim.url} (`);
    expect(dom).toMatch(/digest <code class="digest">[0-9a-f]{12}<\/code>/);
    // Frame × label: each method in S2 and S3; the simulator's keyword rules judge alike in both frames.
    const shares = [...dom.matchAll(/<g class="fl-cell" data-method="(\w+)" data-frame="(\w+)" data-label="(\w+)" data-share="([\d.]*)"/g)].map((m) => m.slice(1).join(' '));
    expect(shares).toEqual(['structured', 'fast'].flatMap((m) => ['evaluate', 'check'].flatMap((f) => [`${m} ${f} permissible 0.25`, `${m} ${f} impermissible 0.75`])));
    expect(dom).toMatch(/<svg [^>]*id="pr-curve" class="chart pr-curve"/);
    expect(dom).toMatch(/<svg [^>]*id="reliability" class="chart reliability"/);
    expect(dom).toMatch(/<p id="agreement"[^>]*>Agreement between <strong>structured<\/strong> and <strong>fast<\/strong>: same verdict on <strong>100\.0%<\/strong>/);

    // The screenshot is kept in test-artifacts/ for people to look at.
    const png = readFileSync(screenshot);
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([1200, 1600]);
  });
});
