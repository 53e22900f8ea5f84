/** Lectern's pure export/import format layer. See export.ts and import.ts. */
export { exportLibrary, exportLibraryAsync } from './export';
export { parseImport } from './import';
export { detectFormat } from './detect';
export { bytesToBase64, base64ToBytes } from './util';
export { LECTERN_JSON_VERSION } from './json';
export * from './types';
