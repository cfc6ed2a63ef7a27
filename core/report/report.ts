import type { TableMapping } from '../mapping/mapping';
import type { Stateful } from '../ports';
import { MAPPING_NAMESPACE } from '../state/namespaces';
import { appendAudit, auditLog, runProgress, type AuditEntry, type Progress } from './progress';
import type { Check } from '../validate/validate';
import type { Rejection } from '../copy/row-check';
import { runRejects, type RunRejects } from './rejects';

/** The migration report: what moved, how fast, what failed, what validation found, and the verdict. */
export interface MigrationReport {
	migration: string;
	/** What moved where, in words ("Stripe → PostgreSQL"), when the run says. */
	title?: string;
	date: string;
	durationSeconds: number;
	status: 'SUCCESS' | 'FAILED' | 'INCOMPLETE';
	records: { planned: number | null; migrated: number; rejected: number };
	sizeBytes: number | null;
	averageRowsPerSecond: number | null;
	errors: string[];
	validation: Array<{ table: string; check: string; pass: boolean; summary: string }>;
	schemaMapping: {
		objects: number;
		fieldsMapped: number;
		transformations: number;
		indexesCreated: number;
		childTables: number;
	};
	phases: Array<{ phase: string; durationSeconds: number; runs: number; failed: number }>;
	tables: Array<{ table: string; destinationTable: string; rows: number; chunks: string }>;
	cutover: { ready: boolean; reason: string };
	/** Every value a load could not write as it was: the standing loads', and those a rollback undid. */
	rejects: RunRejects;
	/** Every attempt of the run (a rerun after a crash or a failure is one more); duration and speed above are the last one's. */
	attempts: {
		count: number;
		totalSeconds: number;
		/** Time between attempts: from the last step of one to the start of the next. */
		downtimeSeconds: number;
		list: Array<{ startedAt: string; seconds: number; rowsLoaded: number }>;
	};
}

const seconds = (ms: number) => Math.round(ms / 10) / 100;

function summarize(check: Check): string {
	const d = check.details as Record<string, unknown>;
	switch (check.check) {
		case 'count':
			return `source ${d.source}, destination ${d.destination}`;
		case 'checksum':
			return `${d.mismatchedSegments} of ${d.segments} segments differ${d.note ? ` (${d.note})` : ''}`;
		case 'sample':
			return `${d.rows} rows sampled (seed ${d.seed}), ${(d.differences as unknown[]).length} differences`;
		case 'rows':
			return `${d.missingInDestination} missing, ${d.extraInDestination} extra, ${d.changedValues} changed values`;
		case 'referential':
			return `${(d.foreignKeys as Array<{ orphans: number }>).reduce((n, fk) => n + fk.orphans, 0)} orphaned rows in ${(d.foreignKeys as unknown[]).length} foreign keys`;
		default:
			return `${d.compared} columns compared${(d.missingColumns as string[]).length ? `; not in destination: ${(d.missingColumns as string[]).join(', ')}` : ''}${(d.extraColumns as string[]).length ? `; only in destination: ${(d.extraColumns as string[]).join(', ')}` : ''}`;
	}
}

export function buildReport(input: {
	progress: Progress;
	audit: AuditEntry[];
	mappings: TableMapping[];
	checks: Check[];
	rejects?: RunRejects;
	now?: Date;
	title?: string;
}): MigrationReport {
	const { progress, audit, mappings, checks } = input;
	const rejects = input.rejects ?? {
		rows: progress.rejectedRows,
		nulled: 0,
		listed: [],
		earlier: { rows: 0, listed: [] },
	};
	const now = input.now ?? new Date();
	const firstStart = progress.startedAt ? Date.parse(progress.startedAt) : now.getTime();
	const attempts = attemptsOf(audit, firstStart, now.getTime());
	const last = attempts.at(-1)!;
	const durationMs = now.getTime() - last.start;
	const rowsThisAttempt = attempts.length > 1 ? last.rowsLoaded : progress.rowsDone;
	const failedSteps = audit.filter((e) => e.outcome === 'failed');
	const errors = failedSteps.map(
		(e) => `${e.step}${e.table ? ` ${e.table}` : ''}${e.chunk ? ` chunk ${e.chunk}` : ''}: ${e.error}`,
	);
	if (progress.rejectedRows) errors.push(`${progress.rejectedRows} rows rejected (listed under Rejected Values)`);
	if (rejects.nulled) errors.push(`${rejects.nulled} values written as NULL by their column's policy (listed)`);
	if (rejects.earlier.rows)
		errors.push(`${rejects.earlier.rows} rows were rejected by loads a rollback undid (listed, with their reasons)`);
	const complete = progress.chunksTotal > 0 && progress.chunksDone >= progress.chunksTotal;
	const valid = checks.length > 0 && checks.every((c) => c.pass);
	const phases = new Map<string, { durationMs: number; runs: number; failed: number }>();
	for (const entry of audit) {
		const phase = phases.get(entry.step) ?? { durationMs: 0, runs: 0, failed: 0 };
		phase.durationMs += entry.durationMs;
		phase.runs += 1;
		if (entry.outcome === 'failed') phase.failed += 1;
		phases.set(entry.step, phase);
	}
	const reason = !complete
		? `${progress.chunksDone} of ${progress.chunksTotal} chunks loaded`
		: !checks.length
			? 'not validated'
			: !valid
				? `validation failed: ${checks
						.filter((c) => !c.pass)
						.map((c) => `${c.table} ${c.check}`)
						.join(', ')}`
				: progress.rejectedRows
					? `${progress.rejectedRows} rows rejected`
					: failedSteps.length
						? `${failedSteps.length} failed steps`
						: 'all chunks loaded, counts and checksums equal, no rejects';
	const ready = complete && valid && !progress.rejectedRows;
	return {
		migration: progress.migration,
		...(input.title ? { title: input.title } : {}),
		date: progress.startedAt ?? now.toISOString(),
		durationSeconds: seconds(durationMs),
		status: !complete ? 'INCOMPLETE' : (checks.length && !valid) || progress.rejectedRows ? 'FAILED' : 'SUCCESS',
		records: { planned: progress.rowsTotal, migrated: progress.rowsDone, rejected: progress.rejectedRows },
		sizeBytes: mappings.every((m) => m.source.sizeBytes !== undefined)
			? mappings.reduce((n, m) => n + (m.source.sizeBytes ?? 0), 0)
			: null,
		averageRowsPerSecond: durationMs > 0 ? Math.round(rowsThisAttempt / (durationMs / 1000)) : null,
		errors,
		validation: checks.map((c) => ({ table: c.table, check: c.check, pass: c.pass, summary: summarize(c) })),
		schemaMapping: {
			objects: mappings.length,
			fieldsMapped: mappings.reduce((n, m) => n + m.target.columns.length, 0),
			transformations: mappings.reduce((n, m) => n + m.overridden.length, 0),
			indexesCreated: mappings.reduce((n, m) => n + m.target.indexes.length, 0),
			childTables: mappings.reduce((n, m) => n + (m.children?.length ?? 0), 0),
		},
		phases: [...phases].map(([phase, p]) => ({
			phase,
			durationSeconds: seconds(p.durationMs),
			runs: p.runs,
			failed: p.failed,
		})),
		tables: Object.entries(progress.tables).map(([table, t]) => ({
			table,
			destinationTable: mappings.find((m) => m.table === table)?.destinationTable ?? table,
			rows: t.rowsDone,
			chunks: `${t.chunksDone}/${t.chunksTotal}`,
		})),
		rejects,
		cutover: { ready, reason },
		attempts: {
			count: attempts.length,
			totalSeconds: seconds(now.getTime() - attempts[0].start),
			downtimeSeconds: seconds(attempts.slice(1).reduce((n, a, i) => n + Math.max(0, a.start - attempts[i].end), 0)),
			list: attempts.map((a, i) => ({
				startedAt: new Date(a.start).toISOString(),
				seconds: seconds((i + 1 < attempts.length ? a.end : now.getTime()) - a.start),
				rowsLoaded: a.rowsLoaded,
			})),
		},
	};
}

interface Attempt {
	start: number;
	/** Its last recorded step (the next attempt's downtime starts here). */
	end: number;
	rowsLoaded: number;
}

/**
 * The attempts of a run from its audit log: each starts with a Snapshot step (every attempt takes or
 * keeps its snapshot first). A log without one (a run not started by a template) is one attempt.
 */
function attemptsOf(audit: AuditEntry[], firstStart: number, now: number): Attempt[] {
	const began = (e: AuditEntry) => Date.parse(e.at) - e.durationMs;
	const starts = audit.filter((e) => e.step === 'Snapshot').map(began);
	const distinct = starts.filter((t, i) => i === 0 || t - starts[i - 1] > 1000);
	const loaded = (entries: AuditEntry[]) =>
		entries.filter((e) => e.step === 'Load Chunk' && e.outcome === 'success').reduce((n, e) => n + (e.rows ?? 0), 0);
	if (distinct.length <= 1)
		return [{ start: Math.min(firstStart, distinct[0] ?? firstStart), end: now, rowsLoaded: loaded(audit) }];
	return distinct.map((start, i) => {
		const until = distinct[i + 1] ?? Infinity;
		const within = audit.filter((e) => Date.parse(e.at) >= start && Date.parse(e.at) < until);
		return {
			start: i === 0 ? Math.min(firstStart, start) : start,
			end: within.length ? Math.max(...within.map((e) => Date.parse(e.at))) : start,
			rowsLoaded: loaded(within),
		};
	});
}

const number = (n: number | null) => (n === null ? '—' : n.toLocaleString('en-US'));
const bytes = (n: number | null) =>
	n === null
		? '—'
		: n >= 1 << 30
			? `${(n / (1 << 30)).toFixed(1)} GB`
			: n >= 1 << 20
				? `${(n / (1 << 20)).toFixed(1)} MB`
				: `${(n / 1024).toFixed(1)} KB`;
const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

const heading = (report: MigrationReport) =>
	report.title ? `${report.title} (${report.migration})` : report.migration;

/** The report as Markdown, in the sections a migration report has. */
export function reportMarkdown(report: MigrationReport): string {
	return [
		`# Migration Report: ${heading(report)}`,
		'',
		'## Summary',
		'',
		`- **Date:** ${report.date}`,
		`- **Duration:** ${report.durationSeconds} s${report.attempts.count > 1 ? ` (the last of ${report.attempts.count} attempts; ${report.attempts.totalSeconds} s in all, ${report.attempts.downtimeSeconds} s between attempts)` : ''}`,
		`- **Records:** ${number(report.records.migrated)} migrated of ${number(report.records.planned)} planned, ${number(report.records.rejected)} rejected`,
		`- **Size:** ${bytes(report.sizeBytes)}`,
		`- **Average speed:** ${number(report.averageRowsPerSecond)} rows/s`,
		`- **Status:** ${report.status}`,
		'',
		'## Errors',
		'',
		...(report.errors.length ? report.errors.map((e) => `- ${e}`) : ['None.']),
		'',
		'## Validation Results',
		'',
		...(report.validation.length
			? [
					'| Table | Check | Result | Details |',
					'|---|---|---|---|',
					...report.validation.map(
						(v) => `| ${cell(v.table)} | ${v.check} | ${v.pass ? 'PASS' : 'FAIL'} | ${cell(v.summary)} |`,
					),
				]
			: ['Not validated.']),
		'',
		'## Rejected Values',
		'',
		...rejectedValues(report.rejects),
		'',
		'## Schema Mapping',
		'',
		`- **Objects:** ${report.schemaMapping.objects}`,
		`- **Fields mapped:** ${report.schemaMapping.fieldsMapped}`,
		`- **Transformations:** ${report.schemaMapping.transformations}`,
		`- **Indexes created:** ${report.schemaMapping.indexesCreated}`,
		`- **Child tables:** ${report.schemaMapping.childTables}`,
		'',
		'## Tables',
		'',
		'| Source | Destination | Rows | Chunks |',
		'|---|---|---|---|',
		...report.tables.map((t) => `| ${cell(t.table)} | ${cell(t.destinationTable)} | ${number(t.rows)} | ${t.chunks} |`),
		'',
		'## Duration per Phase',
		'',
		'| Phase | Duration (s) | Runs | Failed |',
		'|---|---|---|---|',
		...report.phases.map((p) => `| ${cell(p.phase)} | ${p.durationSeconds} | ${p.runs} | ${p.failed} |`),
		'',
		'## Cutover',
		'',
		`**Ready for production cutover: ${report.cutover.ready ? 'YES' : 'NO'}** — ${report.cutover.reason}`,
		'',
	].join('\n');
}

function rejectTable(list: Array<Rejection & { because?: string }>): string[] {
	return [
		'| Table | Key | Column | Value | Reason | Action |',
		'|---|---|---|---|---|---|',
		...list.map(
			(r) =>
				`| ${cell(r.table)} | ${cell(JSON.stringify(r.key))} | ${cell(r.column)} | ${cell(r.value ?? 'NULL')} | ${cell(r.reason)} | ${r.because ?? (r.action === 'nulled' ? 'written as NULL' : 'row refused')} |`,
		),
	];
}

function rejectedValues(rejects: RunRejects): string[] {
	const lines: string[] = [];
	if (!rejects.listed.length && !rejects.earlier.listed.length) return ['None.'];
	if (rejects.listed.length)
		lines.push(
			`${number(rejects.rows)} rows refused, ${number(rejects.nulled)} values written as NULL${rejects.listed.length >= 1000 ? ' (the first 1,000 listed)' : ''}:`,
			'',
			...rejectTable(rejects.listed),
		);
	if (rejects.earlier.listed.length)
		lines.push(
			...(lines.length ? [''] : []),
			`Before the rollback, ${number(rejects.earlier.rows)} rows were refused:`,
			'',
			...rejectTable(rejects.earlier.listed),
		);
	return lines;
}

/** Text as HTML: the report's pages and the live progress page. */
export const escapeHtml = (text: string) =>
	text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** A self-contained HTML page (no scripts, no external assets) made from the Markdown's structure. */
export function reportHtml(report: MigrationReport): string {
	return markdownPage(
		reportMarkdown(report),
		`Migration Report: ${heading(report)}`,
		report.cutover.ready ? 'ready' : 'not-ready',
	);
}

/** The report's Markdown (headings, lists, tables, **bold**) as an HTML page; `bodyClass` colours the verdict. */
export function markdownPage(markdown: string, title: string, bodyClass: string): string {
	const body: string[] = [];
	let table: string[][] = [];
	const flush = () => {
		if (!table.length) return;
		const [head, , ...rows] = table;
		body.push(
			`<table><thead><tr>${head.map((h) => `<th>${h}</th>`).join('')}</tr></thead><tbody>${rows
				.map(
					(r) =>
						`<tr>${r.map((c) => `<td class="${c === 'PASS' ? 'pass' : c === 'FAIL' ? 'fail' : ''}">${c}</td>`).join('')}</tr>`,
				)
				.join('')}</tbody></table>`,
		);
		table = [];
	};
	const inline = (text: string) =>
		escapeHtml(text)
			.replace(/\*\*(.+?)\*\*/g, '<strong>$1</strong>')
			.replace(/`([^`]+)`/g, '<code>$1</code>');
	for (const line of markdown.split('\n')) {
		if (line.startsWith('|')) {
			table.push(
				line
					.slice(1, -1)
					.split(/(?<!\\)\|/)
					.map((c) => inline(c.trim().replace(/\\\|/g, '|'))),
			);
			continue;
		}
		flush();
		if (line.startsWith('# ')) body.push(`<h1>${inline(line.slice(2))}</h1>`);
		else if (line.startsWith('## ')) body.push(`<h2>${inline(line.slice(3))}</h2>`);
		else if (line.startsWith('### ')) body.push(`<h3>${inline(line.slice(4))}</h3>`);
		else if (/^\d+\. /.test(line)) body.push(`<p class="step">${inline(line)}</p>`);
		else if (line.startsWith('- ')) body.push(`<li>${inline(line.slice(2))}</li>`);
		else if (line.trim()) body.push(`<p>${inline(line)}</p>`);
	}
	flush();
	return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title><style>
body{font-family:system-ui,sans-serif;max-width:960px;margin:2rem auto;color:#222}table{border-collapse:collapse;width:100%}
th,td{border:1px solid #ccc;padding:.3rem .5rem;text-align:left}th{background:#f3f3f3}code{background:#f3f3f3;padding:0 .2rem}
.step{margin:.3rem 0 .3rem 1rem}.pass{color:#1b5e20}.fail{color:#b71c1c;font-weight:bold}
body.ready h2:last-of-type+p{color:#1b5e20}body.not-ready h2:last-of-type+p{color:#b71c1c}
</style></head><body class="${bodyClass}">${body.join('\n')}</body></html>\n`;
}

/**
 * The migration report of a run, from what the destination holds (plan, checkpoints, audit log,
 * the mapping documents of its tables) and the checks Verify Rows made; the Report step is
 * appended to the run's audit log first, so the report counts it.
 */
export async function migrationReport(destination: Stateful, migration: string, checks: Check[], title?: string) {
	const progress = await runProgress(destination, migration);
	const mappings = (await destination.state.list<TableMapping>(MAPPING_NAMESPACE))
		.map((e) => e.value)
		.filter((m) => m.table in progress.tables);
	// The verdict of validation per table, in the audit log too: a table that failed is never logged as a success.
	for (const table of [...new Set(checks.map((c) => c.table))]) {
		const failed = checks.filter((c) => c.table === table && !c.pass);
		await appendAudit(destination, {
			migration,
			step: 'Validation Verdict',
			table,
			durationMs: 0,
			outcome: failed.length ? 'failed' : 'success',
			...(failed.length ? { error: `failed: ${failed.map((c) => c.check).join(', ')}` } : {}),
		});
	}
	await appendAudit(destination, { migration, step: 'Report', durationMs: 0, outcome: 'success' });
	const rejects = await runRejects(destination, migration);
	const report = buildReport({
		progress,
		audit: await auditLog(destination, migration),
		mappings,
		checks,
		rejects,
		title,
	});
	return { report, markdown: reportMarkdown(report), html: reportHtml(report) };
}
