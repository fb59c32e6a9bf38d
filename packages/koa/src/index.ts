export { consentGuard } from './middleware.js';
export type { ConsentOptions, ConsentState, ConsentStats, Policy, PolicyInput, ReportEvent } from '@consent-guard/core';
export { PolicyError, createConsentStats, loadPolicy } from '@consent-guard/core';
