import { ApiError, type ApiArgs } from '../args.js';
import { checkView } from '../block-kit.js';
import type { ApiTable } from './context.js';

// views.*: modals (the /ethics form, the settings modal) and the home tab.

export const viewMethods: ApiTable = {
  'views.open': (args, { ws }) => {
    const triggerId = args.str('trigger_id') ?? args.required('interactivity_pointer');
    return { view: ws.views.open(triggerId, viewArg(args, 'modal-or-home')) };
  },

  'views.push': (args, { ws }) => {
    const triggerId = args.str('trigger_id') ?? args.required('interactivity_pointer');
    return { view: ws.views.push(triggerId, viewArg(args, 'modal-or-home')) };
  },

  'views.update': (args, { ws }) => {
    const viewId = args.str('view_id');
    const externalId = args.str('external_id');
    if (viewId === undefined && externalId === undefined) throw new ApiError('invalid_arguments', { detail: 'view_id or external_id is required' });
    const hash = args.str('hash');
    const ref = { ...(viewId !== undefined ? { viewId } : {}), ...(externalId !== undefined ? { externalId } : {}), ...(hash !== undefined ? { hash } : {}) };
    return { view: ws.views.update(ref, viewArg(args, 'modal-or-home')) };
  },

  'views.publish': (args, { ws }) => {
    const userId = args.required('user_id');
    if (!ws.directory.user(userId)) throw new ApiError('user_not_found');
    return { view: ws.views.publish(userId, viewArg(args, 'home')) };
  },
};

function viewArg(args: ApiArgs, kind: 'modal-or-home' | 'home'): Record<string, any> {
  args.required('view');
  const view = args.json<Record<string, any>>('view');
  checkView(view, kind);
  return view as Record<string, any>;
}
