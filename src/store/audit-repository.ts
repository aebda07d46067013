import { z } from 'zod';
import type { Clock } from '../clock.js';
import type { KvStore } from './kv.js';

export const auditEntrySchema = z.object({
  at: z.number().int(),
  actorId: z.string(),
  actorName: z.string(),
  /** What was done, e.g. `case.uphold`, `settings.update`, `export`, `sign-in`. */
  action: z.string().min(1),
  /** What it was done to: a case id, a channel id, a period. */
  target: z.string().nullable(),
  detail: z.string().nullable(),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;

const key = (workspaceId: string) => `dash-audit:${encodeURIComponent(workspaceId)}`;
/** Entries kept per workspace; the oldest go first. */
export const AUDIT_KEEP = 2_000;

/** Who did what in the dashboard, per workspace, newest first when read. */
export class AuditRepository {
  constructor(
    private readonly kv: KvStore,
    private readonly clock: Clock,
  ) {}

  async record(workspaceId: string, entry: Omit<AuditEntry, 'at'>): Promise<AuditEntry> {
    const full = auditEntrySchema.parse({ ...entry, at: this.clock.now() });
    await this.kv.withLock(key(workspaceId), async () => {
      const current = await this.read(workspaceId);
      await this.kv.set(key(workspaceId), [...current, full].slice(-AUDIT_KEEP));
    });
    return full;
  }

  async list(workspaceId: string, options: { limit?: number } = {}): Promise<AuditEntry[]> {
    return (await this.read(workspaceId)).reverse().slice(0, options.limit ?? 200);
  }

  private async read(workspaceId: string): Promise<AuditEntry[]> {
    const parsed = z.array(auditEntrySchema).safeParse((await this.kv.get(key(workspaceId))) ?? []);
    return parsed.success ? parsed.data : [];
  }
}
