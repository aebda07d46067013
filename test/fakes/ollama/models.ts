import { createHash } from 'node:crypto';
import type { ModelSpec } from './types.js';

export interface ModelEntry {
  name: string;
  capabilities: string[];
  thinking: boolean;
  digest?: string;
}

export const DEFAULT_MODELS: ModelSpec[] = [{ name: 'normguard:latest', capabilities: ['completion', 'thinking'] }];

/** Ollama treats a name without a tag as `:latest`, and names case-insensitively. */
export function canonicalName(name: string): string {
  const trimmed = name.trim().toLowerCase();
  const lastSegment = trimmed.slice(trimmed.lastIndexOf('/') + 1);
  return lastSegment.includes(':') ? trimmed : `${trimmed}:latest`;
}

export class Catalogue {
  private readonly models: ModelEntry[];

  constructor(specs: ModelSpec[]) {
    this.models = specs.map((spec) => {
      const capabilities = spec.capabilities ?? ['completion'];
      return { name: canonicalName(spec.name), capabilities, thinking: capabilities.includes('thinking'), ...(spec.digest ? { digest: spec.digest } : {}) };
    });
  }

  find(name: unknown): ModelEntry | undefined {
    if (typeof name !== 'string' || name.trim() === '') return undefined;
    const wanted = canonicalName(name);
    return this.models.find((model) => model.name === wanted);
  }

  all(): ModelEntry[] {
    return [...this.models];
  }
}

const SIZE_BYTES = 2_497_293_931;
const MODIFIED_AT = '2026-01-01T00:00:00Z';

const DETAILS = {
  parent_model: '',
  format: 'gguf',
  family: 'qwen3',
  families: ['qwen3'],
  parameter_size: '4.0B',
  quantization_level: 'Q4_K_M',
};

function digestOf(model: ModelEntry): string {
  return model.digest ?? createHash('sha256').update(model.name).digest('hex');
}

export function tagsEntry(model: ModelEntry) {
  return { name: model.name, model: model.name, modified_at: MODIFIED_AT, size: SIZE_BYTES, digest: digestOf(model), details: DETAILS };
}

export function psEntry(model: ModelEntry, expiresAt: string) {
  return {
    name: model.name,
    model: model.name,
    size: SIZE_BYTES,
    digest: digestOf(model),
    details: DETAILS,
    expires_at: expiresAt,
    size_vram: SIZE_BYTES,
  };
}

const QWEN3_TEMPLATE =
  '{{- range $i, $_ := .Messages }}<|im_start|>{{ .Role }}\n' +
  '{{- if and $.IsThinkSet (not $.Think) }}<think>\n\n</think>\n\n{{ end }}{{ .Content }}<|im_end|>\n' +
  '{{ end }}<|im_start|>assistant\n';

export function showBody(model: ModelEntry) {
  return {
    license: 'Apache-2.0 (simulated)',
    modelfile: `# Modelfile of the simulated ${model.name}\nFROM ./model.gguf\nPARAMETER temperature 0.2\nPARAMETER top_p 0.9\nPARAMETER repeat_penalty 1.1\n`,
    parameters: 'temperature                    0.2\ntop_p                          0.9\nrepeat_penalty                 1.1',
    template: model.thinking ? QWEN3_TEMPLATE : '{{ .Prompt }}',
    details: DETAILS,
    model_info: { 'general.architecture': 'qwen3', 'general.parameter_count': 4_022_468_096, 'qwen3.context_length': 40960 },
    capabilities: model.capabilities,
    modified_at: MODIFIED_AT,
  };
}

export function openAiModel(model: ModelEntry) {
  return { id: model.name, object: 'model', created: Date.parse(MODIFIED_AT) / 1000, owned_by: 'library' };
}

/**
 * keep_alive as Ollama reads it: seconds as a number, a Go duration string ("30m", "1h30m"),
 * negative meaning forever. Returns milliseconds (Infinity for forever), undefined if unreadable.
 */
export function parseKeepAlive(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value < 0 ? Infinity : value * 1000;
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const text = value.trim();
  if (/^-?\d+(?:\.\d+)?$/.test(text)) return parseKeepAlive(Number(text));
  const units: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  const negative = text.startsWith('-');
  let total = 0;
  let rest = text.replace(/^[-+]/, '');
  while (rest.length > 0) {
    const part = /^(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/.exec(rest);
    if (!part) return undefined;
    total += Number(part[1]) * (units[part[2] ?? 's'] ?? 1000);
    rest = rest.slice(part[0].length);
  }
  return negative ? Infinity : total;
}
