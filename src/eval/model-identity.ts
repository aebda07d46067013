import os from 'node:os';
import { sameModel } from '../inference/index.js';

/** Which model answered a run, and where: a report must say so, and say when it was the simulator. */
export interface ModelIdentity {
  /** NORMGUARD_MODEL. */
  name: string;
  /** The model's digest on the first host that lists it (GET /api/tags); null when no host answered. */
  digest: string | null;
  /** The Ollama hosts asked (OLLAMA_HOST). */
  hosts: string[];
  /** What each host reports in GET /api/version, null when it did not answer. */
  versions: Array<string | null>;
  /**
   * True when a host identifies itself as normguard's Ollama simulator: its /api/version carries
   * the `-sim` suffix (test/fakes/ollama). No real Ollama release has a suffix like it.
   */
  simulator: boolean;
  /** The machine the evaluation ran on. */
  runHost: string;
}

const SIMULATOR_VERSION = /-sim\b/;
const PROBE_TIMEOUT_MS = 3_000;

type Fetch = typeof fetch;

/** Asks every host for its version and the model's digest; never throws (a dead host leaves nulls). */
export async function probeModel(hosts: readonly string[], model: string, fetchImpl: Fetch = fetch): Promise<ModelIdentity> {
  const answers = await Promise.all(hosts.map((host) => probeHost(host, model, fetchImpl)));
  return {
    name: model,
    digest: answers.find((a) => a.digest !== null)?.digest ?? null,
    hosts: [...hosts],
    versions: answers.map((a) => a.version),
    simulator: answers.some((a) => a.version !== null && SIMULATOR_VERSION.test(a.version)),
    runHost: os.hostname(),
  };
}

async function probeHost(host: string, model: string, fetchImpl: Fetch): Promise<{ version: string | null; digest: string | null }> {
  const base = host.replace(/\/+$/, '');
  const version = await getJson(fetchImpl, `${base}/api/version`).then((j) => (typeof j?.version === 'string' ? j.version : null));
  const tags = await getJson(fetchImpl, `${base}/api/tags`);
  const models = Array.isArray(tags?.models) ? (tags.models as Array<Record<string, unknown>>) : [];
  const entry = models.find((m) => typeof m.name === 'string' && sameModel(m.name, model));
  return { version, digest: typeof entry?.digest === 'string' ? entry.digest : null };
}

async function getJson(fetchImpl: Fetch, url: string): Promise<Record<string, unknown> | null> {
  try {
    const res = await fetchImpl(url, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
    if (!res.ok) return null;
    const json: unknown = await res.json();
    return typeof json === 'object' && json !== null ? (json as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
