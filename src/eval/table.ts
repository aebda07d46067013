import { VERDICTS } from '../assessment/types.js';
import { thresholdConfigLines, type Calibration } from './calibration.js';
import { clip, fixed3, ms, percent, tokens } from './format.js';
import type { EvalReport, MethodReport } from './report.js';
import { LABELS } from './types.js';

const NORMS_SHOWN = 10;

/** The report as plain text for a terminal. */
export function formatTable(report: EvalReport): string {
  const out: string[] = [];
  const { set } = report;
  out.push(`normguard eval: ${set.items} items from ${set.records} ${set.kind === 'cases' ? 'cases' : 'records'} (${set.description})`);
  out.push(...modelLines(report));
  out.push(`frames ${report.frames.map((f) => `${f.id} (${f.name})`).join(' + ')} · method ${report.methods.join(' + ')} · concurrency ${report.concurrency}`);
  out.push(`note: ${set.caveat}`);
  if (!report.complete) out.push(`incomplete: ${report.byMethod.filter((m) => m.pending > 0).map((m) => `${m.pending} ${m.method}`).join(', ')} item(s) not run yet; rerun with the same --out to finish`);
  out.push('');
  out.push(...metricsTable(report.byMethod));
  out.push('', 'frame × label: share judged impermissible (the frames were trained on S2 = moral only, S3 = immoral only)');
  out.push(...frameLabelTable(report.byMethod));
  for (const m of report.byMethod) {
    out.push('', `confusion matrix, ${m.method}, all frames (rows = label, columns = verdict)`);
    out.push(...confusionTable(m));
  }
  if (report.agreement) {
    const [a, b] = report.methods;
    const g = report.agreement;
    out.push('', `agreement between ${a} and ${b}: ${percent(g.rate)} of ${g.items} items, Cohen's kappa ${fixed3(g.kappa)}`);
  }
  for (const m of report.byMethod) {
    out.push('');
    if (m.normErrors.length === 0) {
      out.push(`norms misjudged (${m.method}): none`);
      continue;
    }
    out.push(`norms misjudged (${m.method}): ${m.normErrors.length}${m.normErrors.length > NORMS_SHOWN ? `, the ${NORMS_SHOWN} with most errors` : ''}`);
    for (const n of m.normErrors.slice(0, NORMS_SHOWN)) {
      const kinds = [
        n.falsePositives > 0 ? `${n.falsePositives} wrong flag` : '',
        n.falseNegatives > 0 ? `${n.falseNegatives} missed` : '',
        n.unclear > 0 ? `${n.unclear} unclear` : '',
      ].filter(Boolean);
      out.push(`  ${String(n.errors).padStart(3)}  ${clip(n.norm, 80)} (${kinds.join(', ')})`);
    }
  }
  for (const m of report.byMethod) if (m.calibration) out.push('', ...calibrationLines(m.method, m.calibration));
  for (const m of report.byMethod) {
    if (m.calibration === null || m.scored === 0) continue;
    const t = m.scoreThreshold;
    out.push(
      t === null
        ? `score threshold (${m.method}): none reaches a precision of ${m.calibration.targetPrecision} on this set`
        : `score threshold (${m.method}): flag at score ≥ ${t.threshold.toFixed(3)} for precision ${fixed3(t.precision)}, recall ${fixed3(t.recall)}`,
    );
  }
  for (const m of report.byMethod) {
    const entries = Object.entries(m.fallbacks);
    if (entries.length > 0) out.push('', `answered by another method (${m.method}): ${entries.map(([why, n]) => `${n} × ${why}`).join('; ')}`);
  }
  const errors = report.byMethod.filter((m) => m.errors > 0);
  if (errors.length > 0) {
    out.push('', 'errors:');
    for (const m of errors) out.push(`  ${m.method}: ${Object.entries(m.errorsByCode).map(([code, n]) => `${code} ${n}`).join(', ')}`);
  }
  return `${out.join('\n')}\n`;
}

function metricsTable(methods: readonly MethodReport[]): string[] {
  const rows: Array<[string, (m: MethodReport) => string]> = [
    ['answered', (m) => String(m.answered)],
    ['errors', (m) => String(m.errors)],
    ['accuracy', (m) => fixed3(m.scores.accuracy)],
    ['precision (impermissible)', (m) => fixed3(m.scores.precision)],
    ['recall (impermissible)', (m) => fixed3(m.scores.recall)],
    ['F1 (impermissible)', (m) => fixed3(m.scores.f1)],
    ['unclear rate', (m) => percent(m.scores.unclearRate)],
    ['false refusal (S3, moral)', (m) => percent(m.falseRefusalRate)],
    ['false validation (S2, imm.)', (m) => percent(m.falseValidationRate)],
    ['score AUROC', (m) => fixed3(m.auroc)],
    ['score calibration error', (m) => fixed3(m.reliability?.ece ?? null)],
    ['asks with a score', (m) => `${m.scored}/${m.answered}`],
    ['model ms per ask (mean)', (m) => ms(m.latencyMs.mean)],
    ['latency p50 (ms)', (m) => ms(m.latencyMs.p50)],
    ['latency p95 (ms)', (m) => ms(m.latencyMs.p95)],
    ['tokens per ask', (m) => tokens(m.tokensPerItem?.total)],
  ];
  const width = 27;
  const col = 14;
  const lines = [`${''.padEnd(width)}${methods.map((m) => m.method.padStart(col)).join('')}`];
  for (const [name, value] of rows) lines.push(`${name.padEnd(width)}${methods.map((m) => value(m).padStart(col)).join('')}`);
  return lines;
}

function modelLines(r: EvalReport): string[] {
  const m = r.model;
  const lines = [`model ${m.name} · digest ${m.digest ? m.digest.slice(0, 12) : 'unknown'} · Ollama ${m.hosts.map((h, i) => `${h} (${m.versions[i] ?? 'no answer'})`).join(', ')} · run on ${m.runHost}`];
  if (m.simulator) lines.push('SIMULATOR: these answers came from normguard\'s Ollama simulator, not from a model; they measure the pipeline, not the model.');
  return lines;
}

function frameLabelTable(methods: readonly MethodReport[]): string[] {
  const lines = [`${'method'.padEnd(14)}${'frame'.padEnd(8)}${'permissible'.padStart(14)}${'impermissible'.padStart(16)}${'AUROC'.padStart(8)}`];
  for (const m of methods) {
    for (const c of m.frames) {
      lines.push(`${m.method.padEnd(14)}${c.id.padEnd(8)}${percent(c.flaggedRate.permissible).padStart(14)}${percent(c.flaggedRate.impermissible).padStart(16)}${fixed3(c.auroc).padStart(8)}`);
    }
  }
  return lines;
}

function confusionTable(m: MethodReport): string[] {
  const lines = [`${''.padEnd(17)}${VERDICTS.map((v) => v.padStart(15)).join('')}`];
  for (const label of LABELS) lines.push(`  ${label.padEnd(15)}${VERDICTS.map((v) => String(m.confusion[label][v]).padStart(15)).join('')}`);
  return lines;
}

export function calibrationLines(method: string, c: Calibration): string[] {
  const lines = [`calibration (${method}): the lowest flag threshold with a precision of at least ${c.targetPrecision}`];
  lines.push(`  threshold  flagged  precision  recall`);
  for (const p of c.points) {
    lines.push(`  ${p.threshold.padEnd(9)}  ${String(p.flagged).padStart(7)}  ${fixed3(p.precision).padStart(9)}  ${fixed3(p.recall).padStart(6)}`);
  }
  if (c.chosen === null) {
    lines.push(`  no threshold reaches a precision of ${c.targetPrecision} on this set; keep flag-for-review and look at the misjudged norms above`);
    return lines;
  }
  lines.push(`  → use flag threshold ${c.chosen.threshold}: precision ${fixed3(c.chosen.precision)}, recall ${fixed3(c.chosen.recall)}`);
  lines.push(...thresholdConfigLines(c.chosen.threshold).map((l) => `    ${l}`));
  return lines;
}
