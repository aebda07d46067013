import type { Clock } from '../../src/clock.js';
import type { Logger } from '../../src/logger.js';
import type { ReviewFlow } from './flow.js';
import { codes } from './effects.js';

/**
 * Appeals that wait past their deadline time out and their authors are told. Each adapter names
 * the workspaces it serves; one failing workspace is logged and the others still run.
 */
export function startAppealSweep(flow: ReviewFlow, workspaces: () => Promise<Iterable<string>>, options: { everyMs: number; clock: Clock; logger: Logger }): () => void {
  const sweep = async () => {
    let ids: Iterable<string>;
    try {
      ids = await workspaces();
    } catch (err) {
      options.logger.warn({ err, ...codes(err) }, 'appeal sweep: could not list the workspaces');
      return;
    }
    for (const id of ids) {
      await flow.expireAppeals(id, options.clock.now()).catch((err: unknown) => options.logger.warn({ err, workspace: id, ...codes(err) }, 'appeal sweep failed'));
    }
  };
  const timer = setInterval(() => void sweep(), options.everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
