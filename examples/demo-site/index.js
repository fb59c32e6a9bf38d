export { demoPage } from './page.js';
export { startTrackerStandIn, trackerOrigins } from './tracker-stand-in.js';
