/**
 * A gateway process for the scale tests: the real `--role gateway` (src/scale/roles.ts) built from
 * the environment, with a line-protocol stand-in for a chat adapter on stdin/stdout. Each input
 * line is a JSON request with an `id`; each answer is one JSON line `{ id, result }`.
 *   { op: 'post', message }                      → the MonitorOutcome, as the adapter would render it
 *   { op: 'settings', workspaceId, channels }    → sets channel modes
 *   { op: 'decide', caseId, event }              → CaseService.apply (a moderator's click)
 *   { op: 'case', caseId }                       → the stored case
 * A rendered outcome of a dead gateway is announced as `{ adopted: { messageId, caseId } }`.
 */
import { createInterface } from 'node:readline';
import { createApp } from '../../src/app.js';
import { loadEnv, parseConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { startRole } from '../../src/scale/index.js';

const config = parseConfig(loadEnv(process.cwd(), process.env));
const logger = createLogger({ level: config.LOG_LEVEL, secrets: [] });
const core = await createApp(config, { logger });
const service = await startRole('gateway', core);
const moderation = service.gateway ? { ...core.moderation!, passive: service.gateway } : core.moderation!;

const write = (obj: unknown) => process.stdout.write(`${JSON.stringify(obj)}\n`);
// The adapter's orphan renderer: say what would be posted.
moderation.passive.adopt?.('discord', async (message, outcome) => {
  write({ adopted: { messageId: message.messageId, caseId: outcome.kind === 'decided' ? (outcome.case?.id ?? null) : null } });
});
write({ ready: true, pid: process.pid });

type Request = { id: number; op: string; [k: string]: unknown };
async function answer(req: Request): Promise<unknown> {
  switch (req.op) {
    case 'post':
      return moderation.passive.handle(req.message as never);
    case 'settings':
      await core.store.repos.settings.update(req.workspaceId as string, (s) => ({ ...s, channels: req.channels as never }));
      return true;
    case 'decide':
      return moderation.cases.apply(req.caseId as string, req.event as never);
    case 'case':
      return moderation.cases.get(req.caseId as string);
    default:
      throw new Error(`unknown op ${req.op}`);
  }
}

createInterface({ input: process.stdin }).on('line', (line) => {
  const req = JSON.parse(line) as Request;
  answer(req).then(
    (result) => write({ id: req.id, result }),
    (err: unknown) => write({ id: req.id, error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) }),
  );
});
process.on('SIGTERM', () => void service.stop().then(() => process.exit(0)));
