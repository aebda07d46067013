import type { ErrorCode } from '../errors.js';
import { NormguardError } from '../errors.js';
import type { Priority } from '../inference/types.js';
import type { BufferedMessage } from '../moderation/conversation-buffer.js';
import type { IncomingMessage } from '../moderation/message.js';
import type { MonitorOutcome } from '../moderation/monitor.js';
import type { WorkspaceSettings } from '../policy/settings.js';

/**
 * What a gateway puts on the queue: the neutral message and what the screen found, never a
 * platform type, so any worker can audit a message from any platform.
 */
export interface AuditJobData {
  message: IncomingMessage;
  /** The conversation before the message, from the gateway's buffer (workers have none). */
  context: BufferedMessage[];
  settings: WorkspaceSettings;
  repeatKey: string | null;
  priority: Priority;
  /** The gateway that enqueued it and waits to render the outcome. */
  gateway: string;
  enqueuedAt: number;
}

/** The outcome as it travels back through Redis: plain JSON, the error as its code. */
export type WireOutcome =
  | Exclude<MonitorOutcome, { kind: 'failed' }>
  | { kind: 'failed'; error: { code: ErrorCode; message: string; retryable: boolean } };

/** What a dead-lettered audit keeps: the job and why it was given up on. */
export interface DeadLetter {
  jobId: string;
  data: AuditJobData;
  reason: string;
  code: ErrorCode | 'UNEXPECTED';
  attempts: number;
  failedAt: number;
}

/** BullMQ runs the lowest number first (0 would mean "unprioritised", ahead of all of these). */
export const QUEUE_PRIORITY: Record<Priority, number> = { interactive: 1, review: 2, passive: 3 };

/**
 * One job per chat message, whichever gateway replica saw it, so a message delivered to two
 * replicas is audited once. BullMQ refuses ':' in custom ids (it reserves `a:b:c` for its
 * repeatable jobs), so the parts are joined with '/' and each is URI-encoded.
 */
export function auditJobId(message: Pick<IncomingMessage, 'platform' | 'workspaceId' | 'channelId' | 'messageId'>): string {
  return ['audit', message.platform, message.workspaceId, message.channelId, message.messageId].map(encodeURIComponent).join('/');
}

export function toWire(outcome: MonitorOutcome): WireOutcome {
  if (outcome.kind !== 'failed') return outcome;
  const { code, message, retryable } = outcome.error;
  return { kind: 'failed', error: { code, message, retryable } };
}

export function fromWire(wire: WireOutcome): MonitorOutcome {
  if (wire.kind !== 'failed') return wire;
  return { kind: 'failed', error: new NormguardError(wire.error.code, wire.error.message, { retryable: wire.error.retryable }) };
}
