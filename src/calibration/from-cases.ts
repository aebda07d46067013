import type { App } from '../app.js';
import type { CalibrateIo } from './command.js';
import { bestThreshold, measureAt, type Scored } from './separation.js';

/** Fewer decisions than this say too little to move a threshold. */
export const MIN_DECIDED_CASES = 10;

/**
 * `normguard calibrate --from-cases`: the moderators' decisions label the cases the bot opened
 * (upheld = impermissible, dismissed = permissible); the score threshold that best matches them
 * replaces the stored one for the current model digest.
 */
export async function refineFromCases(core: App, workspaceId: string, io: CalibrateIo, json: boolean): Promise<number> {
  const cases = await core.store.repos.cases.listByWorkspace(workspaceId, { limit: Number.MAX_SAFE_INTEGER });
  const scored: Scored[] = cases.flatMap((c) =>
    (c.status === 'upheld' || c.status === 'dismissed') && typeof c.assessment.score === 'number'
      ? [{ score: c.assessment.score, impermissible: c.status === 'upheld' }]
      : [],
  );
  const upheld = scored.filter((s) => s.impermissible).length;
  if (scored.length < MIN_DECIDED_CASES || upheld === 0 || upheld === scored.length) {
    io.stderr(
      `normguard calibrate: workspace ${workspaceId} has ${scored.length} decided case(s) with a calibrated score (${upheld} upheld); ` +
        `at least ${MIN_DECIDED_CASES}, with both outcomes, are needed to refine the threshold.\n`,
    );
    return 2;
  }
  const record = await core.calibration.ensure();
  if (!record?.logprobs) {
    io.stderr('normguard calibrate: the model is not calibrated (no logprobs, or it is unreachable); run `normguard calibrate` first.\n');
    return 3;
  }
  const before = measureAt(scored, record.threshold ?? 0.5);
  const choice = bestThreshold(scored)!;
  await core.calibration.save({ ...record, threshold: choice.threshold, source: 'cases', measuredAt: core.clock.now() });
  const pct = (x: number | null) => (x === null ? '—' : `${(x * 100).toFixed(1)}%`);
  if (json) {
    io.stdout(`${JSON.stringify({ workspace: workspaceId, cases: scored.length, upheld, before, after: choice }, null, 2)}\n`);
  } else {
    io.stdout(
      `${scored.length} decided cases (${upheld} upheld) in workspace ${workspaceId}\n` +
        `threshold ${before.threshold.toFixed(3)} → ${choice.threshold.toFixed(3)}: precision ${pct(before.precision)} → ${pct(choice.precision)}, ` +
        `recall ${pct(before.recall)} → ${pct(choice.recall)} against the moderators' decisions\n` +
        'stored under this model’s digest.\n',
    );
  }
  return 0;
}
