export * from './frames.js';
export { sanitizeField, capLength, FIELD_LIMITS, FRAME_LABELS } from './sanitize.js';
