import { adapters, unsupportedPlatforms } from '../../adapters/index.ts';
import { buildConfigSchema } from '../config/schema.ts';

/** The config schema of every registered platform, without the runtime `context.ts` brings along. */
export const configSchema = buildConfigSchema(Object.values(adapters), unsupportedPlatforms);
