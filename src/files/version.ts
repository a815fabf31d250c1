// framecheck's own version, as counterexample files and reports record it.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
export const FRAMECHECK_VERSION: string = (require('../../package.json') as { version: string }).version;
