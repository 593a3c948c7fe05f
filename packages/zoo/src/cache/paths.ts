// Where the zoo keeps things: `$HAWQ_CACHE_DIR`, else `$XDG_CACHE_HOME/hawq`, else `~/.cache/hawq`;
// one folder per model under `<cache>/zoo/`, with its download and lock beside it (same file
// system, so the final rename is atomic).
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  if (env.HAWQ_CACHE_DIR) return resolve(env.HAWQ_CACHE_DIR);
  if (env.XDG_CACHE_HOME) return resolve(env.XDG_CACHE_HOME, 'hawq');
  return join(homedir(), '.cache', 'hawq');
}

export interface ModelPaths {
  /** `<cache>/zoo` */
  zooDir: string;
  /** `<cache>/zoo/<name>`: extracted files + manifest.json, present only when complete. */
  dir: string;
  manifest: string;
  /** `<cache>/zoo/<name>.tar.gz.part`: the download in progress, kept for resume. */
  part: string;
  /** `<cache>/zoo/<name>.lock`: proper-lockfile's lock directory. */
  lock: string;
  /** Prefix of temporary extraction folders, `<cache>/zoo/.<name>.tmp-`. */
  tmpPrefix: string;
}

export const MANIFEST_FILE = 'manifest.json';

export function modelPaths(name: string, cacheDir: string = cacheRoot()): ModelPaths {
  const zooDir = join(cacheDir, 'zoo');
  const dir = join(zooDir, name);
  return {
    zooDir,
    dir,
    manifest: join(dir, MANIFEST_FILE),
    part: join(zooDir, `${name}.tar.gz.part`),
    lock: join(zooDir, `${name}.lock`),
    tmpPrefix: join(zooDir, `.${name}.tmp-`),
  };
}
