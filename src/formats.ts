/**
 * lstm-parity-harness/formats: the files the harness reads and writes, in a browser as in Node. Case
 * files and their problems, golden files and their manifest, doubles in JSON (NaN, infinities,
 * -0), the seed's output dictionary, and the flat packing of weights and sequences.
 *
 * @module lstm-parity-harness/formats
 */
export { packSequence, packType1, packType2, type PackedWeights } from './cells/weights.js';
export { CaseFileError, parseCaseJson } from './format/case-file.js';
export { caseProblemLine, overflowingLiteral } from './format/case-problems.js';
export { encodeDouble, reviveDouble, reviveDoubles } from './format/doubles.js';
export { formatSeedOutput } from './format/output.js';
export { stringifyDoubles } from './format/json-writer.js';
export { GOLDEN_SCHEMA_VERSION, GoldenFileError, formatGoldenFile, parseGoldenFile, parseManifest, type GoldenFile, type GoldenManifest } from './golden/format.js';
