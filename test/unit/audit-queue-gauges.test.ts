import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { addAuditQueueGauges, Metrics, type AuditQueueSnapshot } from '../../src/metrics.js';

function capturingLogger() {
  const lines: Array<Record<string, unknown>> = [];
  const logger = createLogger({ level: 'warn', destination: { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) } });
  return { logger, lines };
}

describe('audit queue gauges', () => {
  it('keep the last reading while the queue cannot be read, and log why with its code', async () => {
    const metrics = new Metrics({ queueDepth: () => ({ interactive: 0, review: 0, passive: 0 }), inFlight: () => 0, breakers: () => [] });
    const { logger, lines } = capturingLogger();
    const reading: AuditQueueSnapshot = { depth: { waiting: 4, active: 1, delayed: 0, dead: 2 }, oldestWaitingSeconds: 9 };
    let fail = false;
    addAuditQueueGauges(
      metrics,
      async () => {
        if (fail) throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), { code: 'ECONNREFUSED' });
        return reading;
      },
      logger,
    );
    expect(await metrics.registry.metrics()).toMatch(/normguard_audit_queue_depth\{state="waiting"\} 4/);
    expect(lines).toHaveLength(0);

    fail = true;
    await new Promise((r) => setTimeout(r, 5)); // the first read's promise is dropped on the next tick
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/normguard_audit_queue_depth\{state="waiting"\} 4/);
    expect(text).toMatch(/normguard_audit_queue_depth\{state="dead"\} 2/);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines[0]).toMatchObject({ level: 40, code: 'ECONNREFUSED', msg: expect.stringContaining('audit queue') });
  });
});
