import { Rng } from '@hawq-ts/data';
import { fullBitConfig, hawqBitDict, type Sensitivity, solveIlp } from '@hawq-ts/ilp';
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
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
  randomTraces?: string;
}

/**
 * The control of a Hessian-aware config: the same budget and perturbations, but each trace drawn
 * uniformly from (0, 2·mean|trace|], so any accuracy gap is the Hessian's doing. (Log-uniform
 * draws over the real range made most weights vanish next to the largest one.)
 */
export function randomizeTraces(s: Sensitivity, seed: number): Sensitivity {
  const mean = s.layers.reduce((a, l) => a + Math.abs(l.trace), 0) / s.layers.length;
  const rng = new Rng(seed);
  return {
    ...s,
    source: `${s.source} (random traces, seed ${seed})`,
    layers: s.layers.map((l) => ({ ...l, trace: (1 - rng.float32()) * 2 * (mean || 1) })),
  };
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
    .option(
      '--random-traces <seed>',
      'control experiment: replace the traces by random ones (same budget, no Hessian)',
    )
    .action(async (flags: IlpFlags) => {
      const budgets = parseBudgets(flags.budget);
      const ties = parseTies(flags.tie);
      const solver = parseSolver(flags.solver);
      let sensitivity = await loadSensitivity(flags.sensitivity, flags.arch);
      if (flags.randomTraces !== undefined) {
        const seed = Number(flags.randomTraces);
        if (!Number.isInteger(seed) || seed < 0) {
          throw new UsageError(
            `--random-traces ${flags.randomTraces}: expected a seed (integer ≥ 0)`,
          );
        }
        sensitivity = randomizeTraces(sensitivity, seed);
      }
      const solution = await solveIlp(sensitivity, budgets, { ties, solver });
      const doc = flags.json
        ? Object.fromEntries(solution.inputBits)
        : hawqBitDict(fullBitConfig(solution));
      process.stderr.write(summarize(solution));
      await emit(`${JSON.stringify(doc, null, 2)}\n`, flags.output);
    });
}
