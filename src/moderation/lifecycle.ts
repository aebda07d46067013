import type { ReviewCase } from '../store/case.js';

/**
 * The case lifecycle as one pure transition function: every button, modal and command goes
 * through `transition`, which checks the move is allowed, returns the next case, and lists the
 * side effects for the adapter to carry out (and record). Platform-free.
 */
export type CaseEvent =
  | { type: 'uphold'; actor: string }
  | { type: 'dismiss'; actor: string; reason: string | null }
  | { type: 'enforce'; actor: string; action: 'delete' }
  | { type: 'enforce'; actor: string; action: 'timeout'; durationMs: number }
  | { type: 'appeal'; actor: string; text: string }
  | { type: 'appeal-accept'; actor: string }
  | { type: 'appeal-deny'; actor: string; reason: string | null }
  | { type: 'appeal-expire' };

export type Effect =
  | { kind: 'delete-message' }
  | { kind: 'timeout-author'; untilMs: number }
  | { kind: 'remove-timeout' }
  | { kind: 'repost-deleted'; text: string }
  | { kind: 'notify-author'; notice: 'upheld' | 'appeal-accepted' | 'appeal-denied' | 'appeal-expired' }
  | { kind: 'notify-reporter'; outcome: 'action-taken' | 'no-action' }
  | { kind: 'post-appeal' };

export interface LifecyclePolicy {
  /** Tell authors when a case about them is upheld (per workspace). */
  notifyAuthors: boolean;
  /** How long an appeal waits for moderators before it times out (ms). */
  appealTtlMs: number;
}

export type TransitionOutcome =
  | { ok: true; case: ReviewCase; effects: Effect[] }
  | { ok: false; reason: 'already-decided' | 'not-allowed' | 'invalid'; message: string; case: ReviewCase };

const MAX_APPEAL_CHARS = 1500;

export function transition(c: ReviewCase, event: CaseEvent, policy: LifecyclePolicy, now: number): TransitionOutcome {
  const refuse = (reason: 'already-decided' | 'not-allowed' | 'invalid', message: string): TransitionOutcome => ({ ok: false, reason, message, case: c });
  const log = (actor: string, action: ReviewCase['history'][number]['action'], reason: string | null = null) => [...c.history, { at: now, actor, action, reason }];
  const reporter: Effect[] = c.reporterId ? [{ kind: 'notify-reporter', outcome: 'action-taken' }] : [];
  const noActionForReporter: Effect[] = c.reporterId ? [{ kind: 'notify-reporter', outcome: 'no-action' }] : [];

  switch (event.type) {
    case 'uphold': {
      if (c.status !== 'open') return refuse('already-decided', decidedMessage(c));
      const effects: Effect[] = [...reporter];
      if (policy.notifyAuthors) effects.push({ kind: 'notify-author', notice: 'upheld' });
      return { ok: true, case: { ...c, status: 'upheld', history: log(event.actor, 'upheld') }, effects };
    }
    case 'dismiss': {
      if (c.status !== 'open') return refuse('already-decided', decidedMessage(c));
      // A silent dismiss tells the author nothing; it only undoes what the case did.
      return {
        ok: true,
        case: { ...c, status: 'dismissed', history: log(event.actor, 'dismissed', event.reason) },
        effects: [...undoEffects(c, now), ...noActionForReporter],
      };
    }
    case 'enforce': {
      if (c.status === 'dismissed') return refuse('invalid', 'This case was dismissed; there is nothing to enforce.');
      if (c.appeal?.status === 'accepted') return refuse('invalid', 'The author’s appeal was accepted; there is nothing to enforce.');
      if (event.action === 'delete') {
        if (c.enforcement.messageDeleted) return refuse('invalid', 'The message was already deleted through this case.');
        return { ok: true, case: { ...c, enforcement: { ...c.enforcement, messageDeleted: true } }, effects: [{ kind: 'delete-message' }] };
      }
      const untilMs = now + event.durationMs;
      return { ok: true, case: { ...c, enforcement: { ...c.enforcement, timeoutUntil: untilMs } }, effects: [{ kind: 'timeout-author', untilMs }] };
    }
    case 'appeal': {
      if (event.actor !== c.authorId) return refuse('not-allowed', 'Only the author of the message can appeal this case.');
      if (c.status !== 'upheld') return refuse('invalid', 'Only an upheld case can be appealed.');
      if (c.appeal) return refuse('invalid', c.appeal.status === 'open' ? 'Your appeal is already with the moderators.' : 'This case was already appealed once.');
      const text = event.text.trim().slice(0, MAX_APPEAL_CHARS);
      if (text.length === 0) return refuse('invalid', 'Please say why you think the decision was wrong.');
      return {
        ok: true,
        case: {
          ...c,
          appeal: { status: 'open', text, at: now, expiresAt: now + policy.appealTtlMs, decidedBy: null, decidedAt: null, reason: null },
          history: log(event.actor, 'appealed', text),
        },
        effects: [{ kind: 'post-appeal' }],
      };
    }
    case 'appeal-accept':
    case 'appeal-deny':
    case 'appeal-expire': {
      if (!c.appeal || c.appeal.status !== 'open') return refuse('invalid', 'There is no open appeal on this case.');
      if (event.type === 'appeal-expire') {
        if (now < c.appeal.expiresAt) return refuse('invalid', 'The appeal has not timed out yet.');
        return {
          ok: true,
          case: { ...c, appeal: { ...c.appeal, status: 'expired', decidedAt: now }, history: log('normguard', 'appeal-expired') },
          effects: [{ kind: 'notify-author', notice: 'appeal-expired' }],
        };
      }
      if (now >= c.appeal.expiresAt) return refuse('invalid', 'This appeal timed out before a decision; the original decision stands.');
      if (event.type === 'appeal-deny') {
        return {
          ok: true,
          case: { ...c, appeal: { ...c.appeal, status: 'denied', decidedBy: event.actor, decidedAt: now, reason: event.reason }, history: log(event.actor, 'appeal-denied', event.reason) },
          effects: [{ kind: 'notify-author', notice: 'appeal-denied' }],
        };
      }
      // Accepting reverses the outcome and what the case did.
      return {
        ok: true,
        case: { ...c, status: 'dismissed', appeal: { ...c.appeal, status: 'accepted', decidedBy: event.actor, decidedAt: now }, history: log(event.actor, 'appeal-accepted') },
        effects: [...undoEffects(c, now), { kind: 'notify-author', notice: 'appeal-accepted' }],
      };
    }
  }
}

/** What Dismiss (or an accepted appeal) undoes: an active timeout, and a deleted message gets reposted for the record. */
function undoEffects(c: ReviewCase, now: number): Effect[] {
  const effects: Effect[] = [];
  if (c.enforcement.timeoutUntil !== null && c.enforcement.timeoutUntil > now) effects.push({ kind: 'remove-timeout' });
  if (c.enforcement.messageDeleted) effects.push({ kind: 'repost-deleted', text: c.messageText });
  return effects;
}

export function decidedMessage(c: ReviewCase): string {
  const last = [...c.history].reverse().find((h) => h.action === 'upheld' || h.action === 'dismissed');
  return `This case was already ${c.status}${last ? ` by <@${last.actor}>` : ''}; nothing changed.`;
}

/** After an effect ran (or failed), the state that must be recorded on the case. */
export function afterEffect(c: ReviewCase, effect: Effect, result: { ok: boolean; detail: string }, now: number): ReviewCase {
  const entry = (action: ReviewCase['history'][number]['action']) => ({ at: now, actor: 'normguard', action, reason: result.detail });
  switch (effect.kind) {
    case 'delete-message':
    case 'timeout-author':
      return result.ok
        ? { ...c, history: [...c.history, entry('enforced')] }
        : {
            ...c,
            // It did not happen, so there is nothing to undo later.
            enforcement: effect.kind === 'delete-message' ? { ...c.enforcement, messageDeleted: false } : { ...c.enforcement, timeoutUntil: null },
            history: [...c.history, entry('note')],
          };
    case 'remove-timeout':
      return { ...c, enforcement: result.ok ? { ...c.enforcement, timeoutUntil: null } : c.enforcement, history: [...c.history, entry(result.ok ? 'undone' : 'note')] };
    case 'repost-deleted':
      return { ...c, history: [...c.history, entry(result.ok ? 'undone' : 'note')] };
    case 'notify-author':
    case 'notify-reporter':
      return { ...c, history: [...c.history, entry(result.ok ? 'notified' : 'note')] };
    case 'post-appeal':
      return result.ok ? c : { ...c, history: [...c.history, entry('note')] };
  }
}
