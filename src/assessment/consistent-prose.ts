import type { Completion } from '../inference/types.js';
import type { Frame } from '../strategies/index.js';
import { frameIn, type MethodContext } from './methods.js';
import type { Verdict } from './types.js';
import { parseVerdict } from './verdict.js';

/** Shown above prose whose own summary disagrees with the verdict, so nobody mistakes it for the reason. */
export const DISAGREEING_PROSE_NOTE =
  'Note: the model’s explanation below leans the other way from the verdict above; the verdict comes from its calibrated answer, not from this text.';

/**
 * Prose to show with a verdict, in the frame trained to give that answer: S3 (trained to refuse)
 * explains an impermissible verdict, S2 (trained to validate) a permissible one. A short verdict
 * turn after the prose checks that it agrees; if it does not, the prose is labelled as such, so
 * a refusal is never shown as the reason for "permissible".
 */
export async function consistentProse(ctx: MethodContext, frame: Frame, verdict: Verdict): Promise<{ text: string; turns: Completion[] }> {
  const proseFrame =
    verdict === 'impermissible' ? frameIn(frame, 'permissibility', ctx.labels) : verdict === 'permissible' ? frameIn(frame, 'evaluation', ctx.labels) : frame;
  const prose = await ctx.turns.prose(proseFrame);
  if (verdict === 'unclear') return { text: prose.content, turns: [prose] };
  const check = await ctx.turns.followUp(proseFrame, prose.content);
  const stance = parseVerdict(check.content).verdict;
  if (stance !== 'unclear' && stance !== verdict) {
    ctx.logger.info({ verdict, stance }, 'the model’s prose disagrees with the verdict; shown with a note');
    return { text: `${DISAGREEING_PROSE_NOTE}\n\n${prose.content}`, turns: [prose, check] };
  }
  return { text: prose.content, turns: [prose, check] };
}
