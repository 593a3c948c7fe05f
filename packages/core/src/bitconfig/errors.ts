/** Thrown by getBitConfig for an arch/scheme pair bit_config.py does not define. */
export class UnknownBitConfigError extends Error {
  constructor(
    readonly arch: string,
    readonly scheme: string,
    readonly suggestions: readonly string[],
  ) {
    super(
      `no HAWQ bit config '${arch}' / '${scheme}'` +
        (suggestions.length ? `; nearest: ${suggestions.join(', ')}` : ''),
    );
    this.name = 'UnknownBitConfigError';
  }
}

/** Thrown for invalid conv-bit maps and user bit-config files; the message names the source. */
export class BitConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BitConfigError';
  }
}
