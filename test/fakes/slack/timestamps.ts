// Slack message timestamps are 'seconds.micro' strings that double as message ids, so they must
// be unique per channel and increase. Tests often run under fake timers where Date.now() stands
// still, hence a counter that never repeats rather than the clock alone.

export function tsClock(now: () => number = Date.now): () => string {
  let last = 0;
  return () => {
    last = Math.max(now() * 1000, last + 1);
    return formatMicros(last);
  };
}

export function formatMicros(micros: number): string {
  const seconds = Math.floor(micros / 1_000_000);
  const rest = Math.floor(micros % 1_000_000);
  return `${seconds}.${String(rest).padStart(6, '0')}`;
}

/** Numeric order of two ts strings (string order breaks when the seconds differ in length). */
export function compareTs(a: string, b: string): number {
  const [as = '0', af = ''] = a.split('.');
  const [bs = '0', bf = ''] = b.split('.');
  const bySeconds = Number(as) - Number(bs);
  if (bySeconds !== 0) return Math.sign(bySeconds);
  const fa = af.padEnd(6, '0');
  const fb = bf.padEnd(6, '0');
  return fa < fb ? -1 : fa > fb ? 1 : 0;
}
