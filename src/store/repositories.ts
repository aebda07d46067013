import type { Clock } from '../clock.js';
import { AssessmentCache } from './assessment-cache.js';
import { CaseRepository } from './case-repository.js';
import { DedupeStore } from './dedupe.js';
import type { KvStore } from './kv.js';
import { SettingsRepository } from './settings-repository.js';

export interface Repositories {
  settings: SettingsRepository;
  cases: CaseRepository;
  assessmentCache: AssessmentCache;
  dedupe: DedupeStore;
}

/** The typed repositories over one store; they share it, and nothing else. */
export function createRepositories(kv: KvStore, clock: Clock, options: { closedCaseTtlMs?: number; settingsCache?: 'exact' | number } = {}): Repositories {
  return {
    settings: new SettingsRepository(kv, { cache: options.settingsCache, now: () => clock.now() }),
    cases: new CaseRepository(kv, clock, options),
    assessmentCache: new AssessmentCache(kv),
    dedupe: new DedupeStore(kv, clock),
  };
}
