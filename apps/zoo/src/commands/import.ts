// `zoo import NAME FILE.tar.gz`: install an archive downloaded by hand (when Drive's quota blocks us).
import { importArchive } from '@hawq-ts/zoo';
import type { Command } from 'commander';
import { interruptSignal } from '../interrupt.js';

export function registerImport(program: Command): void {
  program
    .command('import')
    .description('install a model from a .tar.gz you downloaded yourself')
    .argument('<name>', 'model name')
    .argument('<file>', 'the archive, e.g. ~/Downloads/resnet18_bops0.5.tar.gz')
    .action(async (name: string, file: string) => {
      const interrupt = interruptSignal();
      try {
        const r = await importArchive(name, file, { signal: interrupt.signal });
        process.stderr.write(
          `zoo: ${r.model}: imported ${file} (sha256 ${r.manifest.archive.sha256.slice(0, 12)}…)\n`,
        );
        process.stdout.write(`${r.dir}\n`);
      } finally {
        interrupt.dispose();
      }
    });
}
