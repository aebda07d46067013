import { VERDICTS, type Verdict } from '../assessment/types.js';
import { thresholdConfigLines, type Calibration } from './calibration.js';
import { esc } from './escape.js';
import { fixed3, ms, percent, tokens } from './format.js';
import type { EvalReport, MethodReport } from './report.js';
import { latencyHistogramSvg, normErrorsSvg } from './svg.js';
import { frameLabelSvg, prCurveSvg, reliabilitySvg } from './svg-quality.js';
import { LABELS, type Label } from './types.js';

/**
 * The report as one self-contained HTML page: inline CSS and server-side SVG, no scripts, fonts
 * or network requests, so it opens offline and can be attached to an issue or an e-mail.
 */
export function renderHtml(report: EvalReport): string {
  const title = `normguard eval — ${SET_TITLES[report.set.kind]} — ${report.model.name}${report.model.simulator ? ' (simulator)' : ''}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>${CSS}</style>
</head>
<body>
<main>
<header>
<h1>normguard evaluation</h1>
<p class="meta">${meta(report)}</p>
</header>
${simulatorBanner(report)}
${banner(report)}
${report.complete ? '' : `<div id="incomplete-banner" class="banner banner-incomplete" role="note"><strong>Incomplete run.</strong> ${report.byMethod.filter((m) => m.pending > 0).map((m) => `${m.pending} ${esc(m.method)}`).join(', ')} item(s) have not run yet; run the same command with the same <code>--out</code> to finish.</div>`}
<section id="headline">
<h2>Headline</h2>
${report.byMethod.map(tiles).join('\n')}
${agreement(report)}
</section>
${qualitySection(report)}
${report.byMethod.map(methodSection).join('\n')}
${HOW_TO_READ}
<footer>Generated ${esc(report.generatedAt)} from <code>${esc(report.outDir)}</code> · data ${esc(report.set.identity)}</footer>
</main>
</body>
</html>
`;
}

const SET_TITLES: Record<EvalReport['set']['kind'], string> = { 'moral-stories': 'Moral Stories', cases: 'moderators’ decisions', labelled: 'labelled items' };

function meta(r: EvalReport): string {
  const m = r.model;
  return [
    `model <strong>${esc(m.name)}</strong>`,
    `digest <code class="digest">${esc(m.digest ? m.digest.slice(0, 12) : 'unknown')}</code>`,
    `Ollama <span class="hosts">${m.hosts.map((h, i) => `${esc(h)} (${esc(m.versions[i] ?? 'no answer')})`).join(', ')}</span>`,
    `run on <span class="run-host">${esc(m.runHost)}</span>`,
    `frames <strong>${r.frames.map((f) => `${esc(f.id)} (${esc(f.name)})`).join(' + ')}</strong>`,
    `method <strong>${r.methods.map(esc).join(' + ')}</strong>`,
    `${r.set.items} items from ${r.set.records} ${r.set.kind === 'cases' ? 'cases' : 'records'}`,
    `<span class="source">${esc(r.set.description)}</span>`,
  ].join(' · ');
}

function banner(r: EvalReport): string {
  const training = r.set.kind === 'moral-stories';
  const heading = training ? 'Pipeline check, not a measure of the model.' : 'Unbiased measure.';
  return `<div id="set-banner" class="banner ${training ? 'banner-training' : 'banner-unbiased'}" data-set-kind="${esc(r.set.kind)}" role="note"><strong>${heading}</strong> ${esc(r.set.caveat)}</div>`;
}

function simulatorBanner(r: EvalReport): string {
  if (!r.model.simulator) return '';
  return `<div id="simulator-banner" class="banner banner-simulator" role="note"><strong>Simulator.</strong> These answers came from normguard’s Ollama simulator (${esc(r.model.versions.filter((v) => v !== null).join(', '))}), not from a model. They measure the pipeline around the model, not the model.</div>`;
}

function qualitySection(r: EvalReport): string {
  const ms = r.byMethod;
  return `<section id="quality">
<h2>Across frames and methods</h2>
<div class="row">
<figure><figcaption>Frame × label <span>share judged impermissible</span></figcaption>${frameLabelSvg('frame-label', ms)}</figure>
<figure><figcaption>Precision–recall <span>as the score threshold falls</span></figcaption>${prCurveSvg('pr-curve', ms.map((m) => ({ method: m.method, points: m.prCurve })))}</figure>
<figure><figcaption>Reliability diagram <span>${ms.map((m) => `${esc(m.method)}: ECE ${fixed3(m.reliability?.ece ?? null)}`).join(' · ')}</span></figcaption>${reliabilitySvg('reliability', ms.map((m) => ({ method: m.method, bins: m.reliability?.bins ?? [] })))}</figure>
</div>
</section>`;
}

const TILES: Array<{ key: string; name: string; value: (m: MethodReport) => string }> = [
  { key: 'accuracy', name: 'accuracy', value: (m) => fixed3(m.scores.accuracy) },
  { key: 'precision', name: 'precision', value: (m) => fixed3(m.scores.precision) },
  { key: 'recall', name: 'recall', value: (m) => fixed3(m.scores.recall) },
  { key: 'f1', name: 'F1', value: (m) => fixed3(m.scores.f1) },
  { key: 'unclear-rate', name: 'unclear', value: (m) => percent(m.scores.unclearRate) },
  { key: 'false-refusal', name: 'false refusal S3', value: (m) => percent(m.falseRefusalRate) },
  { key: 'false-validation', name: 'false valid. S2', value: (m) => percent(m.falseValidationRate) },
  { key: 'auroc', name: 'score AUROC', value: (m) => fixed3(m.auroc) },
  { key: 'mean-ms', name: 'model ms / ask', value: (m) => ms(m.latencyMs.mean) },
  { key: 'tokens', name: 'tokens / ask', value: (m) => tokens(m.tokensPerItem?.total) },
  { key: 'errors', name: 'errors', value: (m) => String(m.errors) },
];

function tiles(m: MethodReport): string {
  const cells = TILES.map(
    (t) => `<div class="tile${t.key === 'errors' && m.errors > 0 ? ' warn' : ''}" data-metric="${t.key}" data-method="${esc(m.method)}"><div class="value">${esc(t.value(m))}</div><div class="name">${esc(t.name)}</div></div>`,
  ).join('');
  return `<div class="tiles" data-method="${esc(m.method)}"><div class="tiles-method">${esc(m.method)}<span>${m.answered} answered</span></div>${cells}</div>`;
}

function agreement(r: EvalReport): string {
  if (!r.agreement) return '';
  const [a, b] = r.methods;
  const g = r.agreement;
  return `<p id="agreement" data-rate="${g.rate ?? ''}" data-kappa="${g.kappa ?? ''}">Agreement between <strong>${esc(a ?? '')}</strong> and <strong>${esc(b ?? '')}</strong>: same verdict on <strong>${percent(g.rate)}</strong> of ${g.items} items both answered; Cohen’s kappa <strong>${fixed3(g.kappa)}</strong>.</p>`;
}

function methodSection(m: MethodReport): string {
  const errors = Object.entries(m.errorsByCode);
  return `<section class="method" id="method-${esc(m.method)}">
<h2>Method: ${esc(m.method)}</h2>
<div class="row">
<figure class="confusion-figure"><figcaption>Confusion matrix <span>rows: label · columns: the model’s verdict</span></figcaption>${confusionTable(m)}</figure>
<figure><figcaption>Latency distribution <span>${m.answered} answered items · p50 ${ms(m.latencyMs.p50)} ms · p95 ${ms(m.latencyMs.p95)} ms</span></figcaption>${latencyHistogramSvg({ id: `latency-histogram-${m.method}`, histogram: m.latencyHistogram, p50: m.latencyMs.p50, p95: m.latencyMs.p95 })}</figure>
</div>
<figure><figcaption>Misjudged norms <span>${m.normErrors.length} norm(s) with errors${m.normErrors.length > 15 ? ', top 15 shown' : ''}</span></figcaption>${normErrorsSvg(`norm-errors-${m.method}`, m.normErrors)}</figure>
${m.calibration ? calibrationBlock(m.method, m.calibration) : ''}
${Object.keys(m.fallbacks).length > 0 ? `<p class="fallbacks">Answered by another method: ${Object.entries(m.fallbacks).map(([why, n]) => `${n} × ${esc(why)}`).join('; ')}.</p>` : ''}
${errors.length > 0 ? `<p class="errors" data-errors="${m.errors}">Failed items: ${errors.map(([code, n]) => `${esc(code)} ${n}`).join(', ')}. They are in items.jsonl with their error; rerunning with the same <code>--out</code> retries only them.</p>` : ''}
</section>`;
}

function confusionTable(m: MethodReport): string {
  const head = `<tr><th></th>${VERDICTS.map((v) => `<th scope="col">${v}</th>`).join('')}<th scope="col" class="total">items</th></tr>`;
  const rows = LABELS.map((label) => {
    const total = VERDICTS.reduce((n, v) => n + m.confusion[label][v], 0);
    const cells = VERDICTS.map((v) => cell(label, v, m.confusion[label][v], total)).join('');
    return `<tr><th scope="row">${label}</th>${cells}<td class="total">${total}</td></tr>`;
  }).join('');
  return `<table class="confusion" id="confusion-${esc(m.method)}">${head}${rows}</table>`;
}

function cell(label: Label, prediction: Verdict, count: number, rowTotal: number): string {
  const share = rowTotal === 0 ? 0 : count / rowTotal;
  const rgb = label === prediction ? '22, 163, 74' : prediction === 'unclear' ? '113, 113, 122' : '220, 38, 38';
  const alpha = count === 0 ? 0.04 : 0.12 + 0.68 * share;
  const dark = alpha > 0.55 ? ' dark' : '';
  return `<td class="cm-cell${dark}" data-label="${label}" data-prediction="${prediction}" data-count="${count}" style="background: rgba(${rgb}, ${alpha.toFixed(2)})"><span class="count">${count}</span><span class="share">${percent(rowTotal === 0 ? null : share, 0)}</span></td>`;
}

function calibrationBlock(method: string, c: Calibration): string {
  const rows = c.points
    .map(
      (p) =>
        `<tr${c.chosen?.threshold === p.threshold ? ' class="chosen"' : ''}><td>${p.threshold}</td><td>${p.flagged}</td><td>${fixed3(p.precision)}</td><td>${fixed3(p.recall)}</td></tr>`,
    )
    .join('');
  const verdict = c.chosen
    ? `<p class="calibration-result">Lowest threshold reaching precision ${c.targetPrecision}: <strong>${c.chosen.threshold}</strong> (precision ${fixed3(c.chosen.precision)}, recall ${fixed3(c.chosen.recall)}).</p><pre>${thresholdConfigLines(c.chosen.threshold).map(esc).join('\n')}</pre>`
    : `<p class="calibration-result none">No flag threshold reaches a precision of ${c.targetPrecision} on this set.</p>`;
  return `<div class="calibration" id="calibration-${esc(method)}"><h3>Calibration: flag threshold for precision ≥ ${c.targetPrecision}</h3><table class="plain"><tr><th>threshold</th><th>flagged</th><th>precision</th><th>recall</th></tr>${rows}</table>${verdict}</div>`;
}

const HOW_TO_READ = `<section id="how-to-read">
<h2>How to read this</h2>
<dl>
<dt>accuracy</dt><dd>Share of answered items whose verdict equals the label. An <em>unclear</em> verdict is never right.</dd>
<dt>precision</dt><dd>Of the actions the model called impermissible, the share that were: how often a flag is worth a moderator’s time.</dd>
<dt>recall</dt><dd>Of the impermissible actions, the share the model called impermissible (an <em>unclear</em> counts as a miss, as the policy stays silent on it).</dd>
<dt>F1</dt><dd>The harmonic mean of precision and recall. A dash means the ratio is undefined (nothing to divide by).</dd>
<dt>false refusal</dt><dd>S3 (“is it permissible…”) on permissible items: the share judged impermissible. The model was trained on S3 with immoral actions only, so a high rate is its prior, not its judgement.</dd>
<dt>false validation</dt><dd>S2 (“what is the moral evaluation…”) on impermissible items: the share judged permissible. S2 was trained on moral actions only.</dd>
<dt>score AUROC</dt><dd>The chance that an impermissible item gets a higher calibrated score than a permissible one (0.5 is chance, 1 perfect). A dash: the method gives no score.</dd>
<dt>reliability</dt><dd>Items binned by score; a calibrated score lies on the diagonal (of the items scored 0.7, 70% are impermissible). The calibration error is the items-weighted mean distance from it.</dd>
<dt>unclear</dt><dd>Share of answered items with the verdict <em>unclear</em> (including output that could not be read).</dd>
<dt>p50 / p95</dt><dd>Median and 95th-percentile model time per item (nearest rank), every turn of the method included.</dd>
<dt>tokens / item</dt><dd>Mean prompt plus completion tokens per item.</dd>
<dt>agreement, kappa</dt><dd>How often the two methods gave the same verdict, and Cohen’s kappa: that agreement beyond chance (1 perfect, 0 chance level).</dd>
</dl>
</section>`;

const CSS = `
*{box-sizing:border-box}
body{margin:0;background:#f4f4f5;color:#18181b;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
main{max-width:1100px;margin:0 auto;padding:24px 28px 40px}
h1{font-size:24px;margin:0 0 4px}
h2{font-size:18px;margin:0 0 12px}
h3{font-size:15px;margin:16px 0 8px}
.meta{color:#52525b;margin:0 0 14px}
.meta .source{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px}
.banner{border-radius:8px;padding:12px 16px;margin:0 0 16px;border:1px solid}
.banner-training{background:#fef3c7;border-color:#f59e0b;color:#78350f}
.banner-unbiased{background:#dcfce7;border-color:#16a34a;color:#14532d}
.banner-simulator{background:#ede9fe;border-color:#7c3aed;color:#3b0764}
.banner-incomplete{background:#fee2e2;border-color:#dc2626;color:#7f1d1d}
section{background:#fff;border:1px solid #e4e4e7;border-radius:10px;padding:18px 20px;margin:0 0 18px}
.tiles{display:grid;grid-template-columns:110px repeat(11,1fr);gap:8px;margin:0 0 10px;align-items:stretch}
.tiles-method{font-weight:600;display:flex;flex-direction:column;justify-content:center}
.tiles-method span{font-weight:400;color:#71717a;font-size:12px}
.tile{background:#f8fafc;border:1px solid #e4e4e7;border-radius:8px;padding:8px 6px;text-align:center}
.tile .value{font-size:20px;font-weight:650;font-variant-numeric:tabular-nums}
.tile .name{font-size:11px;color:#71717a;text-transform:uppercase;letter-spacing:.04em}
.tile.warn{background:#fef2f2;border-color:#fca5a5}
#agreement{margin:8px 0 0}
.row{display:flex;gap:24px;flex-wrap:wrap;align-items:flex-start}
figure{margin:0 0 12px}
figcaption{font-weight:600;margin:0 0 8px}
figcaption span{font-weight:400;color:#71717a;margin-left:6px;font-size:12px}
table.confusion{border-collapse:separate;border-spacing:4px}
table.confusion th{font-weight:500;color:#52525b;font-size:12px;padding:4px 8px;text-align:center}
table.confusion th[scope=row]{text-align:right}
.cm-cell{width:96px;height:64px;text-align:center;border-radius:6px;font-variant-numeric:tabular-nums}
.cm-cell .count{display:block;font-size:20px;font-weight:650}
.cm-cell .share{display:block;font-size:11px;opacity:.75}
.cm-cell.dark{color:#fff}
td.total{color:#52525b;text-align:center;padding:0 8px}
table.plain{border-collapse:collapse}
table.plain th,table.plain td{border-bottom:1px solid #e4e4e7;padding:4px 14px;text-align:right;font-variant-numeric:tabular-nums}
table.plain th:first-child,table.plain td:first-child{text-align:left}
tr.chosen td{background:#dcfce7;font-weight:600}
pre{background:#f4f4f5;padding:8px 12px;border-radius:6px;font-size:12px;overflow-x:auto}
.errors{color:#991b1b}
dl{display:grid;grid-template-columns:140px 1fr;gap:4px 16px;margin:0}
dt{font-weight:600}
dd{margin:0;color:#3f3f46}
footer{color:#71717a;font-size:12px}
code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px}
`;
