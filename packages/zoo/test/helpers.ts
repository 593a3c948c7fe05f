// Test helper: build .tar.gz archives in memory, including hostile ones tar(1) refuses to make.
import { createGzip } from 'node:zlib';
import tar from 'tar-stream';

export interface Entry {
  name: string;
  type?: 'file' | 'directory' | 'symlink' | 'link' | 'character-device' | 'fifo';
  content?: string | Buffer;
  linkname?: string;
}

export async function tarGz(entries: Entry[]): Promise<Buffer> {
  const pack = tar.pack();
  const gzip = createGzip();
  const out: Buffer[] = [];
  const done = (async () => {
    for await (const c of gzip) out.push(c as Buffer);
  })();
  pack.pipe(gzip);
  for (const e of entries) {
    const type = e.type ?? 'file';
    await new Promise<void>((resolve, reject) => {
      const header = { name: e.name, type, ...(e.linkname ? { linkname: e.linkname } : {}) };
      const cb = (err?: Error | null) => (err ? reject(err) : resolve());
      if (type === 'file') pack.entry(header, Buffer.from(e.content ?? ''), cb);
      else pack.entry(header, cb);
    });
  }
  pack.finalize();
  await done;
  return Buffer.concat(out);
}
