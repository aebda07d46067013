export * from './types.js';
export { Assessor, type AssessRequest, type AssessmentCachePort } from './assessor.js';
export { parseVerdict, consistentSeverity, VERDICT_JSON_SCHEMA } from './verdict.js';
