// Human-readable report: one line per compared tensor/value, then a summary per case.
import type { RunReport } from './check.js';

export function formatReport(r: RunReport, opts: { verbose?: boolean } = {}): string {
  const lines: string[] = [];
  for (const c of r.cases) {
    lines.push(`== ${c.case} (${c.kind}) ${c.dir}`);
    for (const k of c.checks) {
      if (!opts.verbose && k.status === 'exact') continue;
      lines.push(`  ${k.status.padEnd(9)} [${k.way}] ${k.name}${k.detail ? `  ${k.detail}` : ''}`);
    }
    const exact = c.checks.filter((k) => k.status === 'exact').length;
    const close = c.checks.filter((k) => k.status === 'close').length;
    const diff = c.checks.filter((k) => k.status === 'DIFFERENT').length;
    if (c.checks.length > 0) lines.push(`  ${exact} exact, ${close} close, ${diff} DIFFERENT`);
    for (const [way, mod] of Object.entries(c.firstDivergence ?? {})) {
      lines.push(`  first diverging layer [${way}]: ${mod}`);
    }
    lines.push(`  => ${c.status.toUpperCase()}${c.reason ? `: ${c.reason}` : ''}`);
  }
  const n = r.counts;
  lines.push(
    `${n.pass} passed, ${n.fail} failed, ${n.error} errors, ${n['not-checked']} not checked`,
  );
  return lines.join('\n');
}

/** JSON with BigInt-free values (stats are compared, not embedded). */
export function jsonReport(r: RunReport): string {
  return JSON.stringify(r, null, 2);
}
