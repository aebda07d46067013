// Discord ids are snowflakes: milliseconds since 2015-01-01 shifted left 22 bits, plus a counter.
// discord.js derives `createdTimestamp` from them and history paging compares them, so the fake
// mints real ones that grow with time instead of arbitrary counters.

const DISCORD_EPOCH = 1_420_070_400_000n;

export type Snowflakes = () => string;

/** A per-fake id source; ids are strictly increasing even within one millisecond. */
export function createSnowflakes(now: () => number = Date.now): Snowflakes {
  let last = 0n;
  return () => {
    const candidate = (BigInt(now()) - DISCORD_EPOCH) << 22n;
    last = candidate > last ? candidate : last + 1n;
    return last.toString();
  };
}

/** Compares two snowflake strings numerically (a plain string compare breaks across lengths). */
export function compareSnowflakes(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

export function isSnowflake(value: unknown): value is string {
  return typeof value === 'string' && /^\d{1,20}$/.test(value);
}
