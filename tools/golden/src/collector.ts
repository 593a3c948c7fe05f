// A Tracer that records the exact path's integer tensors in execution order.
import type { ActTrace, LinearTrace, PoolTrace, Tracer } from '@hawq-ts/core';

export type TraceEvent =
  | { kind: 'act'; t: ActTrace }
  | { kind: 'pool'; t: PoolTrace }
  | { kind: 'linear'; t: LinearTrace };

export class TraceCollector implements Tracer {
  readonly events: TraceEvent[] = [];
  act(t: ActTrace): void {
    this.events.push({ kind: 'act', t });
  }
  pool(t: PoolTrace): void {
    this.events.push({ kind: 'pool', t });
  }
  linear(t: LinearTrace): void {
    this.events.push({ kind: 'linear', t });
  }

  acts(): ActTrace[] {
    return this.events.flatMap((e) => (e.kind === 'act' ? [e.t] : []));
  }
}
