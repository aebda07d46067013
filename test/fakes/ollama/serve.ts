import { performance } from 'node:perf_hooks';
import { touchResidency, type Exchange, type SimState } from './context.js';
import type { Generation } from './generation.js';
import { sleepUntil } from './latency.js';
import type { ModelEntry } from './models.js';
import { countTokens } from './tokens.js';

export interface Piece {
  kind: 'thinking' | 'content';
  text: string;
}

/** How a streaming route writes: headers once the first token exists, then token pieces. */
export interface StreamSink {
  begin(): void;
  piece(piece: Piece): void;
  /** The 'stream-cut' fault: stop after this many pieces of the answer, as a failing runner does. */
  cutAfterContentPieces?: number;
}

/** Where a 'stream-cut' answer stops: halfway through its words, after at least one. */
export function cutPoint(generation: Generation): number {
  return Math.max(1, Math.floor(words(generation.content).length / 2));
}

export interface Served {
  loadMs: number;
  prefillMs: number;
  decodeMs: number;
  totalMs: number;
  /** The stream stopped early (the 'stream-cut' fault): the answer is unfinished. */
  cut?: boolean;
}

/**
 * Runs one answer through the simulated GPU: wait for the model, then for a slot, then spend
 * prefill and decode time in it. Streams are paced token by token against the same deadline,
 * so a streamed and a non-streamed answer cost the same slot time.
 */
export async function serveGeneration(
  state: SimState,
  exchange: Exchange,
  model: ModelEntry,
  generation: Generation,
  keepAliveMs: number | undefined,
  sink?: StreamSink,
): Promise<Served> {
  const loadMs = await state.scheduler.ensureLoaded(exchange.signal);
  const release = await state.scheduler.acquire(exchange.signal);
  try {
    const perToken = state.latency.decodeMsPerToken;
    const prefillMs = generation.promptTokens * state.latency.prefillMsPerToken;
    const decodeMs = generation.completionTokens * perToken;
    const start = performance.now();
    await sleepUntil(start + prefillMs, exchange.signal);
    if (sink) {
      sink.begin();
      let contentPieces = 0;
      for (const { piece, tokensSoFar } of pieces(generation)) {
        await sleepUntil(start + prefillMs + tokensSoFar * perToken, exchange.signal);
        sink.piece(piece);
        if (piece.kind === 'content' && ++contentPieces === sink.cutAfterContentPieces) {
          return { loadMs, prefillMs, decodeMs, totalMs: performance.now() - exchange.receivedAt, cut: true };
        }
      }
    }
    await sleepUntil(start + prefillMs + decodeMs, exchange.signal);
    state.scheduler.recordCompleted({
      serviceMs: prefillMs + decodeMs,
      promptTokens: generation.promptTokens,
      completionTokens: generation.completionTokens,
    });
    touchResidency(state, model, keepAliveMs);
    return { loadMs, prefillMs, decodeMs, totalMs: performance.now() - exchange.receivedAt };
  } finally {
    release();
  }
}

function* pieces(generation: Generation): Generator<{ piece: Piece; tokensSoFar: number }> {
  let chars = 0;
  for (const text of words(generation.thinking)) {
    chars += text.length;
    yield { piece: { kind: 'thinking', text }, tokensSoFar: Math.ceil(chars / 4) };
  }
  const thinkingTokens = countTokens(generation.thinking);
  chars = 0;
  for (const text of words(generation.content)) {
    chars += text.length;
    yield { piece: { kind: 'content', text }, tokensSoFar: thinkingTokens + Math.ceil(chars / 4) };
  }
}

function words(text: string): string[] {
  return text.match(/\s*\S+\s*/g) ?? (text.length > 0 ? [text] : []);
}

export function nanoseconds(ms: number): number {
  return Math.round(ms * 1e6);
}
