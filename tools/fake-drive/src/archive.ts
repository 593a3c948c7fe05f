// Builds .tar.gz archives in memory — demo models, and the hostile archives tests need
// (absolute paths, `..`, symlinks, hard links, devices), which `tar` itself refuses to make.
import { createGzip } from 'node:zlib';
import tar from 'tar-stream';

export interface TarEntry {
  name: string;
  type?: 'file' | 'directory' | 'symlink' | 'link' | 'character-device' | 'block-device' | 'fifo';
  content?: Uint8Array | string;
  linkname?: string;
}

export async function makeTarGz(entries: TarEntry[]): Promise<Buffer> {
  const pack = tar.pack();
  const gzip = createGzip();
  const chunks: Buffer[] = [];
  const collected = (async () => {
    for await (const chunk of gzip) chunks.push(chunk as Buffer);
  })();
  pack.pipe(gzip);
  for (const e of entries) {
    const type = e.type ?? 'file';
    const body = type === 'file' ? Buffer.from(e.content ?? '') : undefined;
    await new Promise<void>((resolve, reject) => {
      const header = {
        name: e.name,
        type,
        mode: type === 'directory' ? 0o755 : 0o644,
        mtime: new Date(Date.UTC(2020, 11, 23)),
        ...(e.linkname ? { linkname: e.linkname } : {}),
      };
      const cb = (err?: Error | null) => (err ? reject(err) : resolve());
      if (body) pack.entry(header, body, cb);
      else pack.entry(header, cb);
    });
  }
  pack.finalize();
  await collected;
  return Buffer.concat(chunks);
}
