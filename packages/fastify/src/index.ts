export { consentGuard } from './plugin.js';
export type { ConsentLog, ConsentLogOptions, ConsentRecord, ConsentStore, ConsentOptions, ConsentState, ConsentStats, Policy, PolicyInput, ReportEvent } from '@consent-guard/core';
export { PolicyError, createConsentStats, loadPolicy } from '@consent-guard/core';
