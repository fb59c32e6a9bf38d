// Writes policy.schema.json from the zod schema (run by `npm run build`; a test checks the
// committed file is in sync).
import { writeFileSync } from 'node:fs';
import { policyJsonSchema } from '../dist/policy/json-schema.js';

const target = new URL('../policy.schema.json', import.meta.url);
writeFileSync(target, `${JSON.stringify(policyJsonSchema(), null, 2)}\n`);
