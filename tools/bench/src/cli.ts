#!/usr/bin/env node
// `pnpm bench TOPIC [args]`: each benchmark is one module in this folder exporting `run(args)`.
// Results are written to tools/bench/results/TOPIC.json and cited by the README.
import { readdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const topics = readdirSync(here)
  .filter((f) => f.endsWith('.js') && !['cli.js', 'util.js'].includes(f) && !f.startsWith('_'))
  .map((f) => f.slice(0, -3));

const [topic, ...args] = process.argv.slice(2);
if (!topic || !topics.includes(topic)) {
  console.error(
    `usage: pnpm bench <${topics.join('|')}> [args]  (unknown topic: ${topic ?? 'none'})`,
  );
  process.exit(2);
}
const mod = (await import(`./${topic}.js`)) as { run: (args: string[]) => Promise<void> };
await mod.run(args);
