import { writeFileSync } from 'node:fs';
import { configJsonSchema } from './json-schema.ts';

const target = new URL('../../config/herald.schema.json', import.meta.url);
writeFileSync(target, configJsonSchema());
process.stdout.write(`wrote ${target.pathname}\n`);
