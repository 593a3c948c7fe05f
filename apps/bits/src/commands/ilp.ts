import { fullBitConfig, hawqBitDict, solveIlp } from '@hawq-ts/ilp';
import type { Command } from 'commander';
import { emit } from '../io.js';
import { collect, loadSensitivity, parseBudgets, parseSolver, parseTies } from '../options.js';
import { summarize } from '../summary.js';

interface IlpFlags {
  sensitivity: string;
  arch?: string;
  budget: string[];
  tie: string[];
  solver: string;
  json?: boolean;
  output?: string;
}

export function registerIlp(program: Command): void {
  program
    .command('ilp')
    .description('choose 4 or 8 bits per layer (HAWQ-V3 ILP) and print the full HAWQ bit config')
    .requiredOption('--sensitivity <file>', "per-layer sensitivity JSON, or HAWQ's ilp-data.json")
    .option('--arch <arch>', 'resnet18, resnet50, … (required for ilp-data.json)')
    .option('--budget <kind=r>', 'size=R, bops=R or latency=R, R in [0,1]; repeatable', collect, [])
    .option('--tie <a,b>', 'two layers that must share bits; repeatable', collect, [])
    .option('--solver <name>', 'highs, branch-and-bound or brute-force', 'highs')
    .option('--json', 'print only the decision {LAYER: bits}, named as in the input file')
    .option('-o, --output <file>', 'write to FILE (atomically) instead of stdout')
    .action(async (flags: IlpFlags) => {
      const budgets = parseBudgets(flags.budget);
      const ties = parseTies(flags.tie);
      const solver = parseSolver(flags.solver);
      const sensitivity = await loadSensitivity(flags.sensitivity, flags.arch);
      const solution = await solveIlp(sensitivity, budgets, { ties, solver });
      const doc = flags.json
        ? Object.fromEntries(solution.inputBits)
        : hawqBitDict(fullBitConfig(solution));
      process.stderr.write(summarize(solution));
      await emit(`${JSON.stringify(doc, null, 2)}\n`, flags.output);
    });
}
