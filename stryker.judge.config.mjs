// Stryker's settings for the judge's groups (scripts/mutation-groups.ts): those of
// stryker.config.json, the same incremental file, against the judge's own suites
// (vitest.mutation-judge.config.ts).
import { readFileSync } from 'node:fs';

const base = JSON.parse(readFileSync(new URL('./stryker.config.json', import.meta.url), 'utf8'));
delete base.$schema;
export default { ...base, vitest: { configFile: 'vitest.mutation-judge.config.ts' } };
