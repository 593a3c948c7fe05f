import type { Report, ReportTable } from '../rows/types.js';
import { columnsFor, headerText } from './cells.js';
import { esc } from './escape.js';
import { Markers } from './markers.js';
import { fashionMnistPlot, imagenetPlots } from './plots.js';
import { scatterSvg, seriesColors } from './scatter.js';

const STYLE = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 24px auto; max-width: 1200px; color: #222; padding: 0 16px; }
h1 { font-size: 22px; } h2 { font-size: 17px; margin-top: 28px; }
table { border-collapse: collapse; margin: 8px 0 16px; font-size: 13px; }
th, td { border: 1px solid #ccc; padding: 3px 7px; text-align: right; white-space: nowrap; }
th { background: #f3f3f3; }
th:first-child, th:nth-child(2), th:last-child, td:first-child, td:nth-child(2), td:last-child { text-align: left; }
tr.published td.top1 { color: #777; font-style: italic; }
.plots { display: flex; flex-wrap: wrap; gap: 12px; }
svg.plot { border: 1px solid #ddd; background: #fff; }
svg .title { font-size: 14px; font-weight: 600; } svg .tick { font-size: 11px; fill: #555; }
svg .axis { font-size: 12px; } svg .grid { stroke: #eee; } svg .frame { fill: none; stroke: #999; }
svg .front { fill: none; stroke-width: 1.5; stroke-dasharray: 5 3; } svg .diagonal { stroke: #aaa; stroke-dasharray: 3 3; }
svg .point { stroke-width: 1.6; } svg .caption { font-size: 11px; fill: #333; }
.legend span { display: inline-block; margin-right: 14px; } .legend i { display: inline-block; width: 10px; height: 10px; border-radius: 50%; margin-right: 4px; vertical-align: -1px; }
ul.notes li { margin-bottom: 4px; } .remark { font-style: italic; }
`;

function tableHtml(table: ReportTable, markers: Markers): string {
  const columns = columnsFor(table.layout);
  const head = columns.map((c) => `<th>${esc(headerText(c, table.rows, markers))}</th>`).join('');
  const body = table.rows
    .map((row) => {
      const cells = columns
        .map(
          (c) =>
            `<td class="${c.header.startsWith('Accuracy') ? 'top1' : ''}">${esc(c.text(row, markers))}</td>`,
        )
        .join('');
      return `<tr data-row="${esc(row.name)}" class="${row.top1Source ?? ''}">${cells}</tr>`;
    })
    .join('\n');
  return `<h2>${esc(table.title)}</h2>\n<table>\n<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table>`;
}

/** A self-contained static HTML page: the tables, their notes and inline SVG plots (no scripts). */
export function toHtml(report: Report, opts: { generated?: string } = {}): string {
  const markers = new Markers(report);
  const tables = report.tables.map((t) => tableHtml(t, markers)).join('\n');
  const plots = imagenetPlots(report);
  const models = [...new Set(plots.flatMap((p) => p.points.map((q) => q.series)))];
  const colors = seriesColors(models);
  const legend = models
    .map((m) => `<span><i style="background:${colors.get(m)}"></i>${esc(m)}</span>`)
    .concat(['<span>filled = measured top-1, hollow = published top-1</span>'])
    .join('');
  const notes = markers
    .used()
    .map(([m, text]) => `<li>${esc(m)} ${esc(text)}</li>`)
    .join('\n');
  const fashion = fashionMnistPlot(report);
  const fashionSection = fashion
    ? `<h2>Plot (Fashion-MNIST)</h2>\n<div class="plots">\n${scatterSvg(fashion, seriesColors(['Fashion-MNIST']))}\n</div>\n`
    : '';
  const remarks = report.remarks.map((r) => `<p class="remark">${esc(r)}</p>`).join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>HAWQ-V3 results (hawq-ts)</title>
<style>${STYLE}</style>
</head>
<body>
<h1>HAWQ-V3 results, recomputed and measured by hawq-ts</h1>
<p>Size and BOPS are computed per layer from the architecture and the released bit configs; published values are shown beside them only where they differ, with a note. ${opts.generated ? `Generated ${esc(opts.generated)}.` : ''}</p>
${tables}
${remarks}
<h2>Notes</h2>
<ul class="notes">
${notes}
</ul>
<h2>Plots (ImageNet)</h2>
<p class="legend">${legend}</p>
<div class="plots">
${plots.map((p) => scatterSvg(p, colors)).join('\n')}
</div>
${fashionSection}</body>
</html>
`;
}
