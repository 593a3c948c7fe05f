// `zoo list [--json]`: the 27 models with the README's table values and what is installed.
import { listModels } from '@hawq-ts/zoo';
import type { Command } from 'commander';
import { table } from '../format.js';

export function registerList(program: Command): void {
  program
    .command('list')
    .description('list the 27 zoo models, their README figures and install status')
    .option('--json', 'print a JSON array instead of a table')
    .action(async (opts: { json?: boolean }) => {
      const models = await listModels();
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(models, null, 2)}\n`);
        return;
      }
      const rows = models.map((m) => [
        m.name,
        m.arch,
        m.scheme,
        m.bitConfig ?? '-',
        m.sizeMB.toFixed(1),
        String(m.gbops),
        m.speedUp === null ? '-' : `${m.speedUp.toFixed(2)}x`,
        m.top1.toFixed(2),
        m.installed ? 'installed' : m.partial ? 'partial' : '-',
      ]);
      const header = [
        'name',
        'arch',
        'scheme',
        'bit config',
        'size MB',
        'GBOPS',
        'speed-up',
        'top-1 %',
        'status',
      ];
      process.stdout.write(`${table(header, rows, new Set([4, 5, 6, 7]))}\n`);
    });
}
