export { createConsentProxy, type ConsentProxy } from './proxy.js';
export type { ConsentProxyOptions, ProxyTimeouts } from './options.js';
export type { ConsentLog, ConsentLogOptions, ConsentRecord, ConsentStore, ConsentOptions, ConsentState, ConsentStats, Policy, PolicyInput, ReportEvent } from '@consent-guard/core';
export { PolicyError, createConsentStats, loadPolicy } from '@consent-guard/core';
