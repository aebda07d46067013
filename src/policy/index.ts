export { decide, type Decision, type PolicyInput, type PolicyResult } from './decide.js';
export * from './settings.js';
