export { AuditQueue, AUDIT_QUEUE, DEAD_QUEUE } from './audit-queue.js';
export { AuditWorker } from './audit-worker.js';
export { QueuedPassiveAudits } from './gateway.js';
export { auditJobId, QUEUE_PRIORITY, type AuditJobData, type DeadLetter, type WireOutcome } from './jobs.js';
export { checkRoleConfig, ROLES, startRole, workerConcurrency, type Role, type RoleService } from './roles.js';
