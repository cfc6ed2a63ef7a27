import type { Progress } from './progress';
import { escapeHtml } from './report';

const count = (n: number) => n.toLocaleString('en-US');
const percent = (done: number, total: number | null) =>
	total ? Math.min(100, Math.round((done / total) * 1000) / 10) : done > 0 ? 100 : 0;

function eta(seconds: number | null): string {
	if (seconds === null) return '—';
	if (seconds < 60) return `${seconds} s`;
	if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
	return `${Math.floor(seconds / 3600)} h ${Math.floor((seconds % 3600) / 60)} min`;
}

const bar = (value: number, state: string) =>
	`<div class="bar"><div class="fill ${state}" style="width:${value}%"></div><span>${value}%</span></div>`;

/** Rows per second over time as an inline SVG polyline with its axis labels: no script, no asset. */
function speedChart(timeline: Progress['timeline']): string {
	if (timeline.length < 2) return '<p class="muted">The speed chart appears once chunks are done.</p>';
	const width = 640;
	const height = 160;
	const top = Math.max(...timeline.map((t) => t.rowsPerSecond), 1);
	const x = (i: number) => Math.round((i / (timeline.length - 1)) * (width - 60)) + 50;
	const y = (v: number) => Math.round(height - 20 - (v / top) * (height - 40));
	const points = timeline.map((t, i) => `${x(i)},${y(t.rowsPerSecond)}`).join(' ');
	const time = (at: string) => at.slice(11, 19);
	return `<svg class="chart" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="rows per second over time">
<line x1="50" y1="${height - 20}" x2="${width - 10}" y2="${height - 20}" stroke="#999"/><line x1="50" y1="10" x2="50" y2="${height - 20}" stroke="#999"/>
<text x="45" y="${y(top) + 4}" text-anchor="end">${count(top)}</text><text x="45" y="${height - 16}" text-anchor="end">0</text>
<text x="50" y="${height - 4}">${time(timeline[0].at)}</text><text x="${width - 10}" y="${height - 4}" text-anchor="end">${time(timeline[timeline.length - 1].at)}</text>
<polyline fill="none" stroke="#3f51b5" stroke-width="2" points="${points}"/></svg>`;
}

/**
 * The live progress of a run as a page a browser shows: a bar per table, rows done of the total,
 * rows per second over time, ETA, rejects and the last error. It reloads itself every few seconds
 * while the run goes on; the status webhook answers it to a client that asks for text/html.
 */
export function progressPage(progress: Progress, refreshSeconds = 5): string {
	const state = progress.state === 'done' ? 'done' : progress.lastError ? 'failing' : 'running';
	const tables = Object.entries(progress.tables)
		.sort(([a], [b]) => a.localeCompare(b))
		.map(
			([table, t]) =>
				`<tr><td>${escapeHtml(table)}</td><td>${bar(percent(t.rowsDone, t.rowsTotal), t.chunksDone >= t.chunksTotal && t.chunksTotal > 0 ? 'done' : state)}</td><td>${count(t.rowsDone)} / ${t.rowsTotal === null ? '?' : count(t.rowsTotal)}</td><td>${t.chunksDone} / ${t.chunksTotal}</td></tr>`,
		)
		.join('');
	const refresh = progress.state === 'done' ? '' : `<meta http-equiv="refresh" content="${refreshSeconds}">`;
	return `<!doctype html><html lang="en"><head><meta charset="utf-8">${refresh}<title>${escapeHtml(progress.migration)}: ${progress.state}</title><style>
body{font-family:system-ui,sans-serif;max-width:960px;margin:2rem auto;color:#222}h1 small{font-size:.6em;padding:.1rem .5rem;border-radius:.3rem;color:#fff}
.s-running{background:#3f51b5}.s-done{background:#2e7d32}.s-failing{background:#c62828}.s-not{background:#777}
dl{display:grid;grid-template-columns:repeat(6,auto);gap:.2rem 1rem}dt{color:#666;font-size:.85em}dd{margin:0;font-weight:600}
table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #ddd;padding:.35rem .5rem;text-align:left}td:nth-child(2){width:45%}
.bar{position:relative;background:#eee;height:1.1rem;border-radius:.3rem;overflow:hidden}.bar span{position:absolute;left:.4rem;top:0;font-size:.8em}
.fill{height:100%}.fill.running{background:#9fa8da}.fill.done{background:#a5d6a7}.fill.failing{background:#ef9a9a}
.chart text{font-size:11px;fill:#555}.error{color:#c62828}.muted{color:#777}
</style></head><body>
<h1>${escapeHtml(progress.migration)} <small class="s-${progress.state === 'not started' ? 'not' : state}">${progress.state}</small></h1>
${bar(percent(progress.rowsDone, progress.rowsTotal), state)}
<dl><dt>Rows</dt><dt>Chunks</dt><dt>Rows/s</dt><dt>ETA</dt><dt>Rejected rows</dt><dt>Failed steps</dt>
<dd>${count(progress.rowsDone)} / ${progress.rowsTotal === null ? '?' : count(progress.rowsTotal)}</dd><dd>${progress.chunksDone} / ${progress.chunksTotal}</dd>
<dd>${progress.rowsPerSecond === null ? '—' : count(progress.rowsPerSecond)}</dd><dd>${progress.state === 'done' ? 'done' : eta(progress.etaSeconds)}</dd>
<dd>${count(progress.rejectedRows)}</dd><dd>${progress.failedSteps}</dd></dl>
${progress.lastError ? `<p class="error"><strong>Last error:</strong> ${escapeHtml(progress.lastError)}</p>` : ''}
<h2>Tables</h2><table><thead><tr><th>Table</th><th>Progress</th><th>Rows</th><th>Chunks</th></tr></thead><tbody>${tables}</tbody></table>
<h2>Rows per second</h2>${speedChart(progress.timeline)}
<p class="muted">Started ${progress.startedAt ?? '—'} · ${progress.state === 'done' ? 'finished' : `refreshes every ${refreshSeconds} s`} · JSON: ask with Accept: application/json</p>
</body></html>
`;
}
