// Shared by the HTML tests (not part of the package: excluded from the build).
import { chosenState } from '../consent-state.js';
import { compilePolicy } from '../policy/compile.js';
import { loadPolicy } from '../policy/load.js';
import type { PolicyInput } from '../policy/schema.js';
import { createPageRewriter } from './page.js';
import { compileTrackers } from './trackers.js';

export const TEST_POLICY: PolicyInput = {
  revision: 't1',
  categories: {
    essential: { label: 'Essential', required: true },
    functionality: { label: 'Functionality' },
    performance: { label: 'Performance' },
    marketing: { label: 'Marketing' },
  },
  trackers: [
    { name: 'HubSpot', category: 'marketing', hosts: ['js.hs-scripts.com', '*.hubspot.com'], inline: ['_hsq.push'] },
    { name: 'Google Analytics', category: 'performance', hosts: ['www.google-analytics.com', 'ssl.google-analytics.com', 'www.googletagmanager.com'], inline: ['GoogleAnalyticsObject', '_gaq.push', "gtag('config'"] },
    { name: 'DoubleClick', category: 'marketing', hosts: ['*.doubleclick.net', 'www.googletagservices.com', 'pagead2.googlesyndication.com'], inline: ['googletag.cmd'] },
    { name: 'Facebook', category: 'marketing', hosts: ['connect.facebook.net', 'www.facebook.com/plugins', 'www.facebook.com/tr'], inline: ['fbq(', 'facebook-jssdk'] },
    { name: 'Twitter', category: 'marketing', hosts: ['platform.twitter.com'], inline: ['twitter-wjs'] },
    { name: 'Quantcast', category: 'performance', hosts: ['edge.quantserve.com', 'pixel.quantserve.com'], inline: ['_qevents'] },
    { name: 'comScore', category: 'performance', hosts: ['b.scorecardresearch.com', 'sb.scorecardresearch.com'], inline: ['_comscore'] },
    { name: 'Google Maps', category: 'functionality', hosts: ['www.google.com/maps', 'maps.google.com', 'maps.googleapis.com'] },
    { name: 'YouTube', category: 'functionality', hosts: ['www.youtube.com/embed'] },
  ],
};

export interface RewriteOptions {
  granted?: string[];
  mode?: 'enforce' | 'report-only';
  /** Chunk boundaries (offsets into the input). */
  cuts?: number[];
  policy?: PolicyInput;
  endpoint?: string | false;
  beforeGoogleTag?: string;
}

/** Rewrites `input` as one response would, returning the bytes and the events. */
export function rewrite(input: Buffer | string, options: RewriteOptions = {}) {
  const bytes = typeof input === 'string' ? Buffer.from(input) : input;
  const compiled = compilePolicy(loadPolicy(options.policy ?? TEST_POLICY));
  const events: { type: string; [key: string]: unknown }[] = [];
  const rewriter = createPageRewriter({
    compiled,
    trackers: compileTrackers(compiled.policy),
    state: chosenState(compiled, options.granted ?? []),
    enforce: (options.mode ?? 'enforce') === 'enforce',
    endpoint: options.endpoint ?? '/consent',
    returnTo: '/page?x=1',
    report: (event) => events.push(event),
    beforeGoogleTag: options.beforeGoogleTag,
  });
  const points = [0, ...(options.cuts ?? []).filter((c) => c > 0 && c < bytes.length).sort((a, b) => a - b), bytes.length];
  const out: Buffer[] = [];
  for (let p = 0; p < points.length - 1; p++) out.push(rewriter.write(bytes.subarray(points[p], points[p + 1])));
  out.push(rewriter.end());
  return { output: Buffer.concat(out), events };
}
