import type { ApiTable } from './context.js';

// apps.connections.open: how a Socket Mode client finds its WebSocket (see socket-mode.ts).

export const appMethods: ApiTable = {
  'apps.connections.open': (_args, ctx) => ({ url: ctx.openSocketUrl() }),
};
