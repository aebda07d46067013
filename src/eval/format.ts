/** Number formats shared by the table and the HTML report; null (undefined ratio) shows as a dash. */
export const DASH = '—';

export function fixed3(x: number | null): string {
  return x === null ? DASH : x.toFixed(3);
}

export function percent(x: number | null, digits = 1): string {
  return x === null ? DASH : `${(x * 100).toFixed(digits)}%`;
}

export function ms(x: number | null): string {
  return x === null ? DASH : `${Math.round(x)}`;
}

export function tokens(x: number | null | undefined): string {
  return x === null || x === undefined ? DASH : x.toFixed(1);
}

export function clip(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('').trimEnd()}…`;
}
