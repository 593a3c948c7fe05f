import type { Report } from '../rows/types.js';
import { columnsFor, headerText } from './cells.js';
import { Markers } from './markers.js';

const escapePipes = (s: string) => s.replace(/\|/g, '\\|');

/** The tables in the README's Markdown layout, then the footnotes. */
export function toMarkdown(report: Report): string {
  const markers = new Markers(report);
  const out: string[] = [];
  for (const table of report.tables) {
    const columns = columnsFor(table.layout);
    out.push(`### ${table.title}`, '');
    out.push(
      `| ${columns.map((c) => escapePipes(headerText(c, table.rows, markers))).join(' | ')} |`,
    );
    out.push(`|${columns.map(() => '---').join('|')}|`);
    for (const row of table.rows) {
      out.push(`| ${columns.map((c) => escapePipes(c.text(row, markers))).join(' | ')} |`);
    }
    out.push('');
  }
  for (const remark of report.remarks) out.push(`_${remark}_`, '');
  out.push('Notes:', '');
  for (const [marker, text] of markers.used()) out.push(`- ${marker} ${text}`);
  return `${out.join('\n')}\n`;
}
