import { FormatError } from '../errors.js';

// Protocol-0 text opcodes (STRING, UNICODE) carry escaped literals; only ancient pickles use them.

/** STRING: a quoted Python 2 str repr, e.g. 'abc\n'. */
export function unescapeProtocol0String(line: string): string {
  const q = line[0];
  if (line.length < 2 || (q !== "'" && q !== '"') || line[line.length - 1] !== q) {
    throw new FormatError('pickled STRING is not quoted');
  }
  const body = line.slice(1, -1);
  return body.replace(/\\(x[0-9a-fA-F]{2}|[0-7]{1,3}|.)/g, (_m, e: string) => {
    if (e[0] === 'x') return String.fromCharCode(Number.parseInt(e.slice(1), 16));
    if (/^[0-7]/.test(e)) return String.fromCharCode(Number.parseInt(e, 8));
    return ESCAPES[e] ?? `\\${e}`;
  });
}

const ESCAPES: Record<string, string> = {
  n: '\n',
  r: '\r',
  t: '\t',
  '\\': '\\',
  "'": "'",
  '"': '"',
  a: '\x07',
  b: '\b',
  f: '\f',
  v: '\v',
};

/** UNICODE: raw-unicode-escape, i.e. latin-1 text with \uXXXX / \UXXXXXXXX escapes. */
export function unescapeRawUnicode(line: string): string {
  return line.replace(
    /\\u([0-9a-fA-F]{4})|\\U([0-9a-fA-F]{8})/g,
    (_m, u4?: string, u8?: string) => {
      const cp = Number.parseInt((u4 ?? u8)!, 16);
      if (cp > 0x10ffff) throw new FormatError('pickled UNICODE escape out of range');
      return String.fromCodePoint(cp);
    },
  );
}
