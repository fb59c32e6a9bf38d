import type { z } from 'zod';
import type { cookieSchema, trackerSchema } from '../policy/schema.js';
import { catalogueService } from './catalogue.js';

type Cookie = z.output<typeof cookieSchema>;
type Tracker = z.output<typeof trackerSchema>;

interface Expandable {
  readonly services: Readonly<Record<string, string | undefined>>;
  readonly cookies: readonly Cookie[];
  readonly trackers: readonly Tracker[];
}

/**
 * The policy's `services:` turned into its own trackers and cookies, each marked with
 * `service: <id>`. The site's own entries win: a cookie name or a host it declares is not
 * declared again, and neither is one an earlier service already took. Entries already
 * marked with a service (a policy that went through this before) are derived afresh.
 */
export function expandServices(policy: Expandable): { cookies: Cookie[]; trackers: Tracker[] } {
  const cookies = policy.cookies.filter((cookie) => cookie.service === undefined);
  const trackers = policy.trackers.filter((tracker) => tracker.service === undefined);
  const names = new Set(cookies.map((cookie) => cookie.name));
  const hosts = new Set(trackers.flatMap((tracker) => tracker.hosts.map((host) => host.toLowerCase())));
  const signatures = new Set(trackers.flatMap((tracker) => tracker.inline));
  for (const [id, category] of Object.entries(policy.services)) {
    const service = catalogueService(id);
    if (category === undefined || !service) continue;
    const ownHosts = service.hosts.filter((host) => !hosts.has(host.toLowerCase()));
    const ownInline = service.inline.filter((signature) => !signatures.has(signature));
    ownHosts.forEach((host) => hosts.add(host.toLowerCase()));
    ownInline.forEach((signature) => signatures.add(signature));
    if (ownHosts.length > 0 || ownInline.length > 0) trackers.push({ name: service.name, category, hosts: ownHosts, inline: ownInline, service: id });
    for (const cookie of service.cookies) {
      if (names.has(cookie.name)) continue;
      names.add(cookie.name);
      cookies.push({ ...cookie, category, provider: service.provider, path: '/', service: id });
    }
  }
  return { cookies, trackers };
}
