/**
 * Node built-ins that only some calls need, loaded on first use instead of at import: a process
 * that just reads checkpoints never hashes or writes, and importing node:crypto (with the stream
 * machinery it brings along) at module load added ~1.5 MiB to the RSS of every such process — the
 * margin of the benchmark's peak-RSS goal. process.getBuiltinModule is synchronous (Node ≥ 20.16),
 * so describe() can stay synchronous; after the first call it is a cache lookup.
 */
export function nodeCrypto(): typeof import('node:crypto') {
  return process.getBuiltinModule('node:crypto');
}

export function nodeFsPromises(): typeof import('node:fs/promises') {
  return process.getBuiltinModule('node:fs/promises');
}
