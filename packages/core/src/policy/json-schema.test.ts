import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { policyJsonSchema } from './json-schema.js';

describe('policy.schema.json', () => {
  it('should be in sync with the zod schema (npm run build regenerates it)', () => {
    const committed = JSON.parse(readFileSync(new URL('../../policy.schema.json', import.meta.url), 'utf8'));
    expect(committed).toEqual(policyJsonSchema());
  });

  it('should reject unknown keys and list the categories fields', () => {
    const schema = policyJsonSchema() as { additionalProperties: boolean; required: string[]; properties: Record<string, unknown> };
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required).toEqual(['revision', 'categories']);
    expect(Object.keys(schema.properties)).toEqual(['$schema', 'revision', 'consentCookie', 'undeclaredCookies', 'categories', 'services', 'cookies', 'trackers']);
  });

  it('should let editors complete and check the catalogue ids under services', () => {
    const services = (policyJsonSchema() as { properties: { services: { additionalProperties: boolean; properties: Record<string, { description: string }> } } }).properties.services;
    expect(services.additionalProperties).toBe(false);
    expect(services.properties['google-analytics']?.description).toBe('Google Analytics 4 (Google): the category it belongs to.');
  });
});
