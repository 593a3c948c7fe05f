// Every `pnpm zoo` subcommand registers itself here: one registrar per line, in help order.
// To add a command, create commands/NAME.ts exporting `registerNAME(program)` and add it below.
import type { Command } from 'commander';
import { registerExport } from './export.js';
import { registerFetch } from './fetch.js';
import { registerImport } from './import.js';
import { registerInspect } from './inspect.js';
import { registerList } from './list.js';
import { registerPath } from './path.js';
import { registerRm } from './rm.js';
import { registerVerify } from './verify.js';

export type Registrar = (program: Command) => void;

export const commands: Registrar[] = [
  registerList,
  registerFetch,
  registerPath,
  registerVerify,
  registerImport,
  registerRm,
  registerExport,
  registerInspect,
];
