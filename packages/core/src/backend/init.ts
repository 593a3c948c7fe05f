import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { BackendUnavailableError, InvalidBackendError } from './errors.js';

export const BACKEND_NAMES = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

/** npm package that provides each backend, and the name it registers with tfjs. */
const PROVIDERS: Record<BackendName, { pkg: string | null; tfName: string }> = {
  'tensorflow-gpu': { pkg: '@tensorflow/tfjs-node-gpu', tfName: 'tensorflow' },
  tensorflow: { pkg: '@tensorflow/tfjs-node', tfName: 'tensorflow' },
  wasm: { pkg: '@tensorflow/tfjs-backend-wasm', tfName: 'wasm' },
  cpu: { pkg: null, tfName: 'cpu' },
};

export interface InitBackendOptions {
  /** 'auto' (default) or a BackendName; overrides HAWQ_BACKEND. */
  backend?: string;
  /** Receives one line naming the chosen backend (and why others were skipped). */
  log?: (line: string) => void;
  /** Environment to read HAWQ_BACKEND from (default process.env). */
  env?: Record<string, string | undefined>;
  /** Module loader; tests inject one to simulate installed or broken native packages. */
  importModule?: (specifier: string) => Promise<unknown>;
}

/**
 * Imports an optional package. A variable specifier keeps tsc and bundlers from resolving it at
 * build time. With pnpm's strict layout a package the user added to their own project is not
 * visible from this package's directory, so the working directory is tried second.
 */
async function defaultImport(specifier: string): Promise<unknown> {
  try {
    return await import(specifier);
  } catch (err) {
    if (!isNotFound(err)) throw err;
    let resolved: string;
    try {
      resolved = createRequire(join(process.cwd(), 'index.js')).resolve(specifier);
    } catch {
      throw err;
    }
    return import(pathToFileURL(resolved).href);
  }
}

function isNotFound(err: unknown): boolean {
  const code = (err as { code?: string }).code;
  if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') return true;
  return /Cannot find (package|module)|Failed to (load|resolve)/.test(firstLine(err));
}

/**
 * Selects the fastest available tfjs backend: tfjs-node-gpu, tfjs-node, WASM, then CPU.
 * The native packages are optional and never installed by this repo: they are loaded only if the
 * user added them. An explicit choice (option or HAWQ_BACKEND) that fails is an error, not a
 * silent fallback. `tf.setBackend` returns false instead of throwing, so its result is checked.
 */
export async function initBackend(opts: InitBackendOptions = {}): Promise<BackendName> {
  const env = opts.env ?? process.env;
  const source = opts.backend !== undefined ? 'backend option' : 'HAWQ_BACKEND';
  const requested = (opts.backend ?? env.HAWQ_BACKEND ?? 'auto').trim().toLowerCase() || 'auto';
  if (requested !== 'auto' && !(BACKEND_NAMES as readonly string[]).includes(requested)) {
    throw new InvalidBackendError(requested, source);
  }
  const importModule = opts.importModule ?? defaultImport;
  const candidates: readonly BackendName[] =
    requested === 'auto' ? BACKEND_NAMES : [requested as BackendName];
  const skipped: string[] = [];
  for (const name of candidates) {
    const reason = await activate(name, importModule);
    if (reason === null) {
      const note = skipped.length ? `; skipped ${skipped.join(', ')}` : '';
      opts.log?.(
        `backend: ${name} (tfjs ${tf.version.tfjs}, ${requested === 'auto' ? 'auto' : source}${note})`,
      );
      return name;
    }
    if (requested !== 'auto') throw new BackendUnavailableError(name, reason);
    skipped.push(`${name}: ${reason}`);
  }
  // cpu is always registered by @tensorflow/tfjs, so this only happens if tfjs itself is broken.
  throw new BackendUnavailableError('auto', skipped.join('; '));
}

/** Loads and activates one backend; returns null on success or a one-line reason. */
async function activate(
  name: BackendName,
  importModule: (specifier: string) => Promise<unknown>,
): Promise<string | null> {
  const { pkg, tfName } = PROVIDERS[name];
  if (pkg !== null && tf.findBackendFactory(tfName) === null) {
    try {
      await importModule(pkg);
    } catch (err) {
      return describeImportError(pkg, err);
    }
    if (tf.findBackendFactory(tfName) === null) {
      return `${pkg} loaded but registered no '${tfName}' backend (a second copy of @tensorflow/tfjs-core?)`;
    }
  }
  let ok: boolean;
  try {
    ok = await tf.setBackend(tfName);
    await tf.ready();
  } catch (err) {
    return `initialisation failed: ${firstLine(err)}`;
  }
  if (!ok || tf.getBackend() !== tfName) {
    return `tf.setBackend('${tfName}') returned false (now on '${tf.getBackend()}')`;
  }
  return null;
}

function describeImportError(pkg: string, err: unknown): string {
  if (isNotFound(err)) return `${pkg} is not installed`;
  return `${pkg} failed to load: ${firstLine(err)}`;
}

function firstLine(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.split('\n')[0]!.slice(0, 200);
}
