import { z } from 'zod';
import { configSchema } from './context.ts';

/** The JSON Schema of the config file, generated from the zod schema (editors validate YAML with it). */
export function configJsonSchema(): string {
  const schema = z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' });
  return `${JSON.stringify({ ...schema, title: 'Herald configuration' }, null, 2)}\n`;
}
