import type { Logger } from '../logger.js';
import type { KvStore } from '../store/kv.js';
import { calibrationRecordSchema, type CalibrationRecord } from './record.js';

/** Calibration records in the shared store, one per model name and digest. */
export class CalibrationStore {
  constructor(
    private readonly kv: KvStore,
    private readonly logger: Logger,
  ) {}

  static key(model: string, digest: string | null): string {
    return `calibration:v1:${model.trim().toLowerCase()}:${digest ?? 'no-digest'}`;
  }

  async get(model: string, digest: string | null): Promise<CalibrationRecord | null> {
    try {
      const raw = await this.kv.get(CalibrationStore.key(model, digest));
      if (raw === undefined) return null;
      const parsed = calibrationRecordSchema.safeParse(raw);
      if (parsed.success) return parsed.data;
      this.logger.warn({ model, digest }, 'stored calibration is unreadable; measuring again');
      return null;
    } catch (err) {
      this.logger.warn({ err }, 'could not read the stored calibration; measuring again');
      return null;
    }
  }

  async set(record: CalibrationRecord): Promise<void> {
    await this.kv.set(CalibrationStore.key(record.model, record.digest), calibrationRecordSchema.parse(record));
  }
}
