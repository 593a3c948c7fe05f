import { BUDGET_UNITS, type ParetoPoint, paretoFrontier } from '@hawq-ts/ilp';
import { type Command, Option } from 'commander';
import { UsageError } from '../errors.js';
import { writeTextAtomic } from '../io.js';
import { collect, loadSensitivity, parseBudgetKind, parseSolver, parseTies } from '../options.js';
import { frontierSvg } from '../svg.js';

interface ParetoFlags {
  sensitivity: string;
  arch?: string;
  budgetKind: string;
  steps: string;
  tie: string[];
  solver: string;
  json?: boolean;
  svg?: string;
}

function table(points: readonly ParetoPoint[], unit: string): string {
  const rows = [
    ['r', `cost (${unit})`, 'objective', '8-bit layers'],
    ...points.map((p) => [
      p.ratio.toFixed(3),
      p.cost.toFixed(3),
      p.objective.toPrecision(6),
      `${p.eightBitLayers}/${p.solution.bits.size}`,
    ]),
  ];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return `${rows.map((r) => r.map((cell, c) => cell.padStart(widths[c]!)).join('  ')).join('\n')}\n`;
}

export function registerPareto(program: Command): void {
  program
    .command('pareto')
    .description('sweep the budget ratio r from 0 to 1 and print the predicted frontier')
    .requiredOption('--sensitivity <file>', "per-layer sensitivity JSON, or HAWQ's ilp-data.json")
    .option('--arch <arch>', 'resnet18, resnet50, … (required for ilp-data.json)')
    .requiredOption('--budget-kind <kind>', 'size, bops or latency')
    .option('--steps <n>', 'number of ratios, evenly spaced over [0, 1]', '21')
    .option('--tie <a,b>', 'two layers that must share bits; repeatable', collect, [])
    .option('--solver <name>', 'highs, branch-and-bound or brute-force', 'highs')
    .addOption(new Option('--json', 'print the points as JSON').conflicts('svg'))
    .option('--svg <file>', 'also write an SVG plot of the frontier (atomically)')
    .action(async (flags: ParetoFlags) => {
      const kind = parseBudgetKind(flags.budgetKind);
      const steps = Number(flags.steps);
      if (!Number.isInteger(steps) || steps < 2 || steps > 1001) {
        throw new UsageError(`--steps '${flags.steps}': use an integer from 2 to 1001`);
      }
      const ties = parseTies(flags.tie);
      const solver = parseSolver(flags.solver);
      const sensitivity = await loadSensitivity(flags.sensitivity, flags.arch);
      const points = await paretoFrontier(sensitivity, kind, steps, { ties, solver });
      const unit = BUDGET_UNITS[kind];
      if (flags.json) {
        const doc = points.map((p) => ({
          ratio: p.ratio,
          cost: p.cost,
          unit,
          objective: p.objective,
          eightBitLayers: p.eightBitLayers,
          bits: Object.fromEntries(p.solution.inputBits),
        }));
        process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
        return;
      }
      process.stdout.write(table(points, unit));
      if (flags.svg !== undefined) {
        await writeTextAtomic(flags.svg, frontierSvg(points, kind, sensitivity.arch), '--svg');
        process.stderr.write(`wrote ${flags.svg}\n`);
      }
    });
}
