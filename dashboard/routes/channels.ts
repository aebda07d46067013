import type { ReviewCase } from '../../src/store/case.js';
import type { SessionWorkspace } from '../../src/store/session-repository.js';
import type { DashboardDeps } from '../context.js';

/** Channel names for a workspace: the platform's list, plus any channel the cases or settings name. */
export function channelDirectory(deps: DashboardDeps) {
  return async (workspace: SessionWorkspace, cases: readonly ReviewCase[]): Promise<Array<{ id: string; name: string }>> => {
    const provider = deps.providers.find((p) => p.platform === workspace.platform);
    const settings = await deps.settings.get(workspace.id);
    const known = [...new Set([...cases.map((c) => c.channelId), ...Object.keys(settings.channels), ...(settings.reviewChannelId ? [settings.reviewChannelId] : [])])];
    const listed = provider ? await provider.channels(workspace.id, known).catch((err: unknown) => {
      deps.logger.warn({ err, workspace: workspace.id }, 'could not list channels');
      return [];
    }) : [];
    const ids = new Set(listed.map((c) => c.id));
    return [...listed, ...known.filter((id) => !ids.has(id)).map((id) => ({ id, name: id }))];
  };
}
