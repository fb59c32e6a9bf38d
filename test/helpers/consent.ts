import request from 'supertest';
import { vi } from 'vitest';
import { createApp, type Options } from './apps.js';

/**
 * A consent cookie (`name=value`) made the way a visitor gets one: by posting to the
 * endpoint of an Express app with the given options.
 */
export async function consentCookie(body: Record<string, unknown>, options: Options = {}, at?: number): Promise<string> {
  const app = createApp('express5', options);
  const spy = at === undefined ? undefined : vi.spyOn(Date, 'now').mockReturnValue(at);
  try {
    const response = await request(app).post('/consent').set('Accept', 'application/json').send(body).expect(200);
    const cookie = (response.headers['set-cookie'] as unknown as string[] | undefined)?.find((c) => c.startsWith('cg_consent='));
    if (!cookie) throw new Error('the endpoint set no consent cookie');
    return cookie.slice(0, cookie.indexOf(';'));
  } finally {
    spy?.mockRestore();
  }
}
