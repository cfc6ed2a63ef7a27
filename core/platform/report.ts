/**
 * The report of a platform migration: per object type what the source held and what the run did
 * (created, found, already mapped, rejected, unmatched), attachments' bytes, links, what validation
 * found (per type, and the first differences), the records refused with their reasons, users without
 * a match, and the verdict. JSON, Markdown and an HTML page.
 */
import { markdownPage } from '../report/report';
import type { PlatformRunReport } from './migrate';
import type { PlatformVerification } from './verify';

export interface PlatformReport {
	migration: string;
	title?: string;
	date: string;
	status: 'COMPLETED' | 'COMPLETED WITH REJECTED RECORDS' | 'VALIDATION FAILED';
	run: PlatformRunReport;
	validation: PlatformVerification | null;
}

export function buildPlatformReport(input: {
	run: PlatformRunReport;
	validation?: PlatformVerification;
	title?: string;
	now?: Date;
}): PlatformReport {
	const failed = input.validation !== undefined && !input.validation.passed;
	return {
		migration: input.run.migration,
		title: input.title,
		date: (input.now ?? new Date()).toISOString(),
		status: failed ? 'VALIDATION FAILED' : input.run.rejects.length ? 'COMPLETED WITH REJECTED RECORDS' : 'COMPLETED',
		run: input.run,
		validation: input.validation ?? null,
	};
}

const cell = (value: unknown) =>
	String(value ?? '')
		.replace(/\|/g, '\\|')
		.replace(/\s+/g, ' ')
		.slice(0, 200);

export function platformReportMarkdown(report: PlatformReport): string {
	const { run, validation: v } = report;
	const lines = [
		`# Platform migration report: ${report.title ? `${report.title} (${report.migration})` : report.migration}`,
		'',
		`**Status: ${report.status}** · ${run.source} → ${run.destination} · ${report.date} · ${run.seconds.toFixed(1)} s`,
		'',
		'## Records',
		'',
		'| Type | Read | Created | Found there | Already mapped | Rejected | Unmatched | Links | Bytes |',
		'| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
		...Object.entries(run.types).map(
			([type, f]) =>
				`| ${type} | ${f.read} | ${f.created} | ${f.found} | ${f.skipped} | ${f.rejected} | ${f.unmapped} | ${f.linked} | ${f.bytes} |`,
		),
	];
	if (run.notMigrated.length)
		lines.push('', `Not migrated (no place at ${run.destination}): ${run.notMigrated.join(', ')}.`);
	lines.push('', '## Validation', '');
	if (!v) lines.push('Not run.');
	else {
		lines.push(
			`- **${v.passed ? 'PASS' : 'FAIL'}**: every source record looked up in the ID map, every mapped record read back and compared field by field`,
			'',
			'| Type | Source | Mapped | Rejected | Unmatched | Missing | Differing | Files verified | Links verified | |',
			'| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
			...Object.entries(v.types).map(
				([type, t]) =>
					`| ${type} | ${t.source} | ${t.mapped} | ${t.rejected} | ${t.unmapped} | ${t.missing} | ${t.mismatched} | ${t.filesVerified} (${t.bytesVerified} bytes) | ${t.linksVerified} | ${t.missing || t.mismatched ? 'FAIL' : 'PASS'} |`,
			),
		);
		if (v.problems.length)
			lines.push(
				'',
				'| Type | Source id | What | Expected | Found |',
				'| --- | --- | --- | --- | --- |',
				...v.problems
					.slice(0, 50)
					.map(
						(p) =>
							`| ${p.type} | ${p.id} | ${cell(p.what)} | ${cell(JSON.stringify(p.expected))} | ${cell(JSON.stringify(p.actual))} |`,
					),
			);
	}
	if (run.rejects.length)
		lines.push(
			'',
			'## Rejected records',
			'',
			'| Type | Source id | Reason |',
			'| --- | --- | --- |',
			...run.rejects.slice(0, 100).map((r) => `| ${r.type} | ${r.id} | ${cell(r.reason)} |`),
		);
	if (run.unmappedUsers.length)
		lines.push(
			'',
			'## Users without a match',
			'',
			`Their records were posted by the fallback user and name them in a note: ${run.unmappedUsers
				.map((u) => cell(u.label ?? u.id))
				.join(', ')}.`,
		);
	return `${lines.join('\n')}\n`;
}

export const platformReportHtml = (report: PlatformReport) =>
	markdownPage(
		platformReportMarkdown(report),
		`Platform migration report: ${report.migration}`,
		report.status === 'VALIDATION FAILED' ? 'not-ready' : 'ready',
	);
