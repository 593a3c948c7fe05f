// Programmatic API of the golden checker (the CLI is cli.ts).
export * from './check.js';
export * from './compare.js';
export * from './errors.js';
export * from './manifest.js';
export * from './report.js';
export * from './stats.js';
