#!/usr/bin/env node
// `pnpm fake-drive --serve DIR [--port N] [--scenario NAME]` | `pnpm fake-drive --make-demo DIR`
import { Command, InvalidArgumentError } from 'commander';
import { makeDemoArchives } from './demo.js';
import { isScenario, SCENARIOS, type ScenarioName } from './scenarios.js';
import { filesFromDir } from './serve-dir.js';
import { startFakeDrive } from './server.js';

const program = new Command('fake-drive')
  .description(
    'A loopback Google Drive serving DIR/<zoo-name>.tar.gz under the models’ real file ids',
  )
  .option('--serve <dir>', 'serve the zoo archives found in DIR')
  .option('--port <n>', 'port of the drive.google.com stand-in', (v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0 || n > 65535)
      throw new InvalidArgumentError('not a port number');
    return n;
  })
  .option('--scenario <name>', `protocol scenario for every file: ${SCENARIOS.join(', ')}`, (v) => {
    if (!isScenario(v))
      throw new InvalidArgumentError(`unknown scenario; one of ${SCENARIOS.join(', ')}`);
    return v;
  })
  .option('--throttle <bytesPerSec>', 'limit file bodies to this rate', Number)
  .option('--make-demo <dir>', 'write small demo archives for all 27 models into DIR and exit')
  .showHelpAfterError();

program.parse();
const opts = program.opts<{
  serve?: string;
  port?: number;
  scenario?: ScenarioName;
  throttle?: number;
  makeDemo?: string;
}>();

try {
  if (opts.makeDemo) {
    const files = await makeDemoArchives(opts.makeDemo);
    console.error(`fake-drive: wrote ${files.length} demo archives to ${opts.makeDemo}`);
  } else if (opts.serve) {
    const files = await filesFromDir(opts.serve, opts.scenario ?? 'small');
    if (files.size === 0) {
      throw new Error(
        `no <zoo-name>.tar.gz in ${opts.serve}; create some with --make-demo ${opts.serve}`,
      );
    }
    const drive = await startFakeDrive({
      files,
      ...(opts.port !== undefined ? { port: opts.port } : {}),
      ...(opts.throttle ? { throttleBytesPerSec: opts.throttle } : {}),
    });
    console.log(drive.url);
    console.error(
      `fake-drive: serving ${files.size} archives (scenario ${opts.scenario ?? 'small'}) at ${drive.url}\n` +
        `  try: HAWQ_DRIVE_URL=${drive.url} pnpm zoo fetch resnet18_bops0.5   (Ctrl-C stops the server)`,
    );
    let logged = 0;
    const timer = setInterval(() => {
      for (const r of drive.requestLog.slice(logged)) {
        console.error(
          `  ${r.status} ${r.role} ${r.method} ${r.path}${r.range ? ` [${r.range}]` : ''}`,
        );
      }
      logged = drive.requestLog.length;
    }, 200);
    const stop = async () => {
      clearInterval(timer);
      await drive.close();
      process.exit(0);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  } else {
    program.help({ error: true });
  }
} catch (err) {
  console.error(`fake-drive: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
