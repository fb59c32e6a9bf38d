export { consentGuard } from './middleware.js';
export type { ConsentOptions, ConsentState, Policy, PolicyInput, ReportEvent } from '@consent-guard/core';
export { PolicyError, loadPolicy } from '@consent-guard/core';
