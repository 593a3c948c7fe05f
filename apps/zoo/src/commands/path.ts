// `zoo path NAME`: the installed model's directory, alone on stdout (for `$(pnpm -s zoo path …)`).
import { modelDir } from '@hawq-ts/zoo';
import type { Command } from 'commander';

export function registerPath(program: Command): void {
  program
    .command('path')
    .description('print the directory of an installed model')
    .argument('<name>', 'model name')
    .action(async (name: string) => {
      process.stdout.write(`${await modelDir(name)}\n`);
    });
}
