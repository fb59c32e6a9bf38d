import { z } from 'zod';
import { policySchema } from './schema.js';

/** The JSON Schema of a policy file as users write it (defaults optional), for editors. */
export function policyJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(policySchema, { io: 'input', target: 'draft-2020-12' });
  return { ...schema, title: 'consent-guard policy, format 1' };
}
