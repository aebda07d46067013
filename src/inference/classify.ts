import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { NormguardError } from '../errors.js';

/** Turns whatever a call to Ollama threw into a NormguardError with a stable code. */
export function classifyError(err: unknown, ctx: { url: string; model: string; timeoutMs: number }): NormguardError {
  if (err instanceof NormguardError) return err;
  if (err instanceof APIConnectionTimeoutError || isTimeout(err)) {
    return new NormguardError('TIMEOUT', `no answer from ${ctx.url} within ${Math.round(ctx.timeoutMs / 1000)}s`, { retryable: true, cause: err });
  }
  if (err instanceof APIUserAbortError) {
    return new NormguardError('TIMEOUT', `request to ${ctx.url} was cancelled`, { retryable: false, cause: err });
  }
  if (err instanceof APIConnectionError || isConnectionError(err)) {
    return new NormguardError('MODEL_UNAVAILABLE', `cannot reach Ollama at ${ctx.url}`, { retryable: true, cause: err });
  }
  if (err instanceof APIError) {
    const status = err.status ?? 0;
    const message = serverMessage(err);
    if (status === 404) return modelMissing(ctx.url, ctx.model, err);
    if (status === 503 || status === 429) {
      return new NormguardError('OVERLOADED', `Ollama at ${ctx.url} is busy (${status}: ${message})`, { retryable: true, cause: err });
    }
    if (status >= 500) {
      return new NormguardError('MODEL_UNAVAILABLE', `Ollama at ${ctx.url} failed (${status}: ${message})`, { retryable: true, cause: err });
    }
    return new NormguardError('BAD_INPUT', `Ollama at ${ctx.url} refused the request (${status}: ${message})`, { cause: err });
  }
  if (err instanceof SyntaxError) {
    return new NormguardError('BAD_OUTPUT', `Ollama at ${ctx.url} sent a response that is not JSON`, { retryable: true, cause: err });
  }
  return new NormguardError('MODEL_UNAVAILABLE', `request to ${ctx.url} failed: ${err instanceof Error ? err.message : String(err)}`, { retryable: true, cause: err });
}

export function modelMissing(url: string, model: string, cause?: unknown): NormguardError {
  return new NormguardError(
    'MODEL_MISSING',
    `model "${model}" is not installed on ${url}; create it there with \`ollama create ${model} -f ollama/Modelfile\` (see docs/deployment.md, "Serving the model")`,
    { cause },
  );
}

export function serverMessage(err: APIError): string {
  const body = err.error as { message?: unknown; error?: unknown } | undefined;
  if (body && typeof body.message === 'string') return body.message;
  if (body && typeof body.error === 'string') return body.error;
  return err.message;
}

export function isThinkingUnsupported(err: unknown): boolean {
  return err instanceof APIError && err.status === 400 && /does not support thinking/i.test(serverMessage(err) + err.message);
}

function isTimeout(err: unknown): boolean {
  return err instanceof Error && (err.name === 'TimeoutError' || (err as { code?: string }).code === 'UND_ERR_HEADERS_TIMEOUT');
}

function isConnectionError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: string }).code ?? (err.cause as { code?: string } | undefined)?.code;
  return typeof code === 'string' && /^(ECONNREFUSED|ECONNRESET|EPIPE|ENOTFOUND|EHOSTUNREACH|ETIMEDOUT|UND_ERR_SOCKET|UND_ERR_CONNECT_TIMEOUT)$/.test(code);
}
