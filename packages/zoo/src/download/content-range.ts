// `Content-Range` / `Content-Disposition` header parsing for the file response.

export interface ContentRange {
  start: number;
  end: number;
  /** Undefined for `bytes a-b/*`. */
  total?: number;
}

/** Parses `bytes START-END/TOTAL` (TOTAL may be `*`); undefined when malformed. */
export function parseContentRange(value: string | undefined): ContentRange | undefined {
  const m = /^\s*bytes\s+(\d+)-(\d+)\/(\d+|\*)\s*$/i.exec(value ?? '');
  if (!m) return undefined;
  const range: ContentRange = { start: Number(m[1]), end: Number(m[2]) };
  if (m[3] !== '*') range.total = Number(m[3]);
  if (range.end < range.start || (range.total !== undefined && range.end >= range.total))
    return undefined;
  return range;
}

/** The total size from a 416's `Content-Range: bytes *\/TOTAL`. */
export function parseUnsatisfiedRange(value: string | undefined): number | undefined {
  const m = /^\s*bytes\s+\*\/(\d+)\s*$/i.exec(value ?? '');
  return m ? Number(m[1]) : undefined;
}

export function isAttachment(contentDisposition: string | undefined): boolean {
  return /^\s*attachment\b/i.test(contentDisposition ?? '');
}

/** RFC 5987 `filename*=UTF-8''…` first, then `filename="…"`; sanitised to a plain base name. */
export function attachmentFilename(contentDisposition: string | undefined): string | undefined {
  const cd = contentDisposition ?? '';
  let name: string | undefined;
  const star = /filename\*\s*=\s*([^']*)'[^']*'([^;]+)/i.exec(cd);
  if (star) {
    try {
      name = decodeURIComponent(star[2]!.trim());
    } catch {
      name = undefined;
    }
  }
  if (!name) {
    const plain = /filename\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]+))/i.exec(cd);
    name = plain ? (plain[1] ?? plain[2] ?? '').replace(/\\(.)/g, '$1').trim() : undefined;
  }
  if (!name) return undefined;
  const base = name.replace(/[\0/\\]/g, '_').trim();
  return base === '' || base === '.' || base === '..' ? undefined : base;
}
