// Which tar entries may be extracted, and where. Only regular files and directories with
// relative paths that stay inside the target are accepted; everything else is refused outright
// (not skipped) because a zoo archive never needs it.

/** Why an entry is refused, or undefined when it is acceptable. */
export function refuseEntryType(type: string | null | undefined): string | undefined {
  switch (type) {
    case 'file':
    case 'contiguous-file':
    case 'directory':
      return undefined;
    case 'symlink':
      return 'is a symbolic link';
    case 'link':
      return 'is a hard link';
    case 'character-device':
    case 'block-device':
      return 'is a device file';
    case 'fifo':
      return 'is a FIFO';
    default:
      return `has unsupported type ${type ?? 'unknown'}`;
  }
}

export type EntryPath = { ok: true; path: string } | { ok: false; reason: string };

/**
 * The entry's path as clean relative segments joined by `/` (`''` for the archive root, e.g. `./`),
 * or why it is refused: absolute paths, drive letters, `..` segments and NUL bytes.
 */
export function safeRelativePath(name: string): EntryPath {
  if (name.includes('\0')) return { ok: false, reason: 'has a NUL byte in its name' };
  if (/^[/\\]/.test(name) || /^[A-Za-z]:/.test(name))
    return { ok: false, reason: 'has an absolute path' };
  // Backslashes count as separators too: harmless on POSIX, but never legitimate in a zoo archive.
  const segments = name.split(/[/\\]+/).filter((s) => s !== '' && s !== '.');
  if (segments.includes('..')) return { ok: false, reason: "has a '..' path segment" };
  return { ok: true, path: segments.join('/') };
}
