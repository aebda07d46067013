import type { Assessor } from '../assessment/assessor.js';
import type { Assessment } from '../assessment/types.js';
import { describeError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { SettingsRepository } from '../store/settings-repository.js';
import type { ReviewCase } from '../store/case.js';
import type { ActivityLog } from './activity-log.js';
import type { CaseService } from './cases.js';
import type { BufferedMessage } from './conversation-buffer.js';
import type { IncomingMessage } from './message.js';
import { auditFields } from './situation.js';

export interface ReportInput {
  message: IncomingMessage;
  context: readonly BufferedMessage[];
  reporterId: string;
  note: string | null;
}

export type ReportResult = { ok: true; case: ReviewCase } | { ok: false; message: string };

export interface ReportDeps {
  assessor: Assessor;
  settings: SettingsRepository;
  activity: ActivityLog;
  cases: CaseService;
  logger: Logger;
}

const MAX_NOTE = 500;

/**
 * "Report to moderators": any member may report a message; it becomes a case with the
 * reporter's note and the same S3 audit the monitor runs, whatever the model concludes —
 * moderators decide, and the reporter hears the outcome in one line.
 */
export async function fileReport(input: ReportInput, deps: ReportDeps): Promise<ReportResult> {
  const settings = await deps.settings.get(input.message.workspaceId);
  if (settings.blockedReporterIds.includes(input.reporterId)) return { ok: false, message: 'Your reports are not accepted in this community.' };
  if (input.reporterId === input.message.author.id) return { ok: false, message: 'You cannot report your own message.' };
  if (input.message.author.isBot) return { ok: false, message: 'Bot messages cannot be reported.' };
  if (!(await deps.activity.takeReportQuota(input.message.workspaceId, input.reporterId, settings.reportsPerHour))) {
    return { ok: false, message: `You can send ${settings.reportsPerHour} reports an hour; please try again later.` };
  }
  const { excerpt, ...fields } = auditFields({ authorName: input.message.author.name, text: input.message.text, replyToName: input.message.replyTo?.authorName ?? null }, input.context);
  let assessment: Assessment;
  try {
    assessment = await deps.assessor.assess({ strategy: 'permissibility', fields, priority: 'review' });
  } catch (err) {
    // The report is the member's, not the model's: it reaches the moderators either way.
    deps.logger.warn({ err, workspace: input.message.workspaceId }, 'report filed without an assessment: the model could not answer');
    assessment = unassessed(err);
  }
  const note = input.note?.trim().slice(0, MAX_NOTE) || null;
  const opened = await deps.cases.open({ message: input.message, excerpt, assessment, rule: 'member-report', report: { reporterId: input.reporterId, note } });
  return { ok: true, case: opened };
}

/** An `unclear` verdict standing in for the audit the model could not give. */
function unassessed(err: unknown): Assessment {
  return {
    strategy: 'permissibility',
    verdict: 'unclear',
    severity: 'none',
    norm: null,
    summary: `Not assessed: ${describeError(err)} A moderator decides.`,
    text: '',
    model: 'none',
    method: 'structured',
    latencyMs: 0,
    usage: { promptTokens: 0, completionTokens: 0 },
  };
}
