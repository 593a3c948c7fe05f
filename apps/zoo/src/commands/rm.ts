// `zoo rm NAME…`: delete installed models and their partial downloads.
import { removeModel } from '@hawq-ts/zoo';
import type { Command } from 'commander';

export function registerRm(program: Command): void {
  program
    .command('rm')
    .description('remove installed models (and partial downloads) from the cache')
    .argument('<names...>', 'model names')
    .action(async (names: string[]) => {
      for (const name of names) {
        const r = await removeModel(name);
        process.stderr.write(
          `zoo: ${r.model}: ${r.removed ? `removed ${r.dir}` : 'was not installed'}\n`,
        );
      }
    });
}
