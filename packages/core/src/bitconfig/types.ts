/**
 * A HAWQ bit configuration: module name → bits, in bit_config.py's order. Entries whose module is
 * an activation quantizer set its activation bits, the others set weight bits (as quant_train.py
 * does). `hooks` lists the entries bit_config.py writes as `(bits, 'hook')`.
 */
export interface BitConfig {
  arch: string;
  scheme: string;
  entries: ReadonlyMap<string, number>;
  hooks: ReadonlySet<string>;
}
