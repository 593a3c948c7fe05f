// Every `pnpm bits` subcommand registers itself here, one registrar per line, in help order.
import type { Command } from 'commander';
import { registerHessian } from './hessian.js';
import { registerIlp } from './ilp.js';
import { registerPareto } from './pareto.js';

export type Registrar = (program: Command) => void;

export const commands: Registrar[] = [registerHessian, registerIlp, registerPareto];
