/**
 * Every message normguard sends may echo user text (a flagged message, a situation): nothing it
 * sends may ping anyone, @everyone included. Mention tokens still render as names.
 */
export const NO_PINGS = { parse: [] as never[], repliedUser: false } as const;
