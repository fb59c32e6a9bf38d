export { demoPage, FAVICON } from './page.js';
export { startTrackerStandIn, trackerOrigins } from './tracker-stand-in.js';
