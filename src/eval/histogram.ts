export interface HistogramBin {
  /** Inclusive lower edge. */
  from: number;
  /** Exclusive upper edge (the last bin includes it). */
  to: number;
  count: number;
}

export interface Histogram {
  binWidth: number;
  bins: HistogramBin[];
}

/**
 * Equal-width bins from 0 with a round width (1, 2, 2.5 or 5 × a power of ten), about
 * `targetBins` of them, so the axis reads as plain numbers.
 */
export function histogram(values: readonly number[], targetBins = 16): Histogram {
  if (values.length === 0) return { binWidth: 0, bins: [] };
  const max = Math.max(...values);
  const binWidth = niceWidth(max / Math.max(1, targetBins));
  const count = Math.max(1, Math.ceil(max / binWidth));
  const bins: HistogramBin[] = Array.from({ length: count }, (_, i) => ({ from: i * binWidth, to: (i + 1) * binWidth, count: 0 }));
  for (const v of values) {
    const index = Math.min(count - 1, Math.max(0, Math.floor(v / binWidth)));
    (bins[index] as HistogramBin).count++;
  }
  return { binWidth, bins };
}

function niceWidth(raw: number): number {
  if (!(raw > 0)) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  for (const step of [1, 2, 2.5, 5, 10]) if (step * magnitude >= raw) return step * magnitude;
  return 10 * magnitude;
}
