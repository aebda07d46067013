/**
 * Failures a test asks for: the next call(s) to a Web API method answer `{ok:false, error}` as
 * Slack would (e.g. `not_in_channel`, `ratelimited`, `channel_not_found`), without touching state.
 */
export class ApiFaults {
  private readonly pending: Array<{ method: string; error: string; left: number }> = [];

  fail(method: string, error: string, times = 1): void {
    this.pending.push({ method, error, left: times });
  }

  /** The failure for this call, if one is due; each use counts down. */
  take(method: string): Record<string, unknown> | undefined {
    const fault = this.pending.find((f) => f.method === method && f.left > 0);
    if (!fault) return undefined;
    fault.left--;
    return { ok: false, error: fault.error };
  }
}
