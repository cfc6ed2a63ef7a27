/**
 * The report of a file migration: files and bytes planned, copied, skipped and failed, the speed,
 * how many writes were checksum-verified, what validation found (per top-level folder, the
 * differences, both manifest digests) and the verdict. JSON, Markdown and an HTML page.
 */
import { markdownPage } from '../report/report';
import type { FileFailure } from './copy';
import type { FileProgress } from './run-state';
import type { ObjectVerification } from './verify';

export interface FileReport {
	migration: string;
	title?: string;
	date: string;
	status: 'SUCCESS' | 'FAILED' | 'INCOMPLETE';
	files: { planned: number; done: number; copied: number; skipped: number; failed: number };
	bytes: { planned: number; done: number };
	bytesPerSecond: number;
	/** Writes whose destination checksum matched the source's bytes; the rest had no comparable checksum. */
	verifiedWrites: number;
	unverifiedWrites: number;
	validation: ObjectVerification | null;
	failures: FileFailure[];
}

export function buildFileReport(input: {
	progress: FileProgress;
	verification?: ObjectVerification;
	failures: FileFailure[];
	title?: string;
	now?: Date;
}): FileReport {
	const { progress, verification } = input;
	const complete = progress.planned && progress.chunks.done >= progress.chunks.total;
	const failed = input.failures.length > 0 || (verification !== undefined && !verification.valid);
	return {
		migration: progress.migration,
		title: input.title,
		date: (input.now ?? new Date()).toISOString(),
		status: failed ? 'FAILED' : complete && verification ? 'SUCCESS' : 'INCOMPLETE',
		files: {
			planned: progress.files.total,
			done: progress.files.done,
			copied: progress.copied,
			skipped: progress.skipped,
			failed: input.failures.length,
		},
		bytes: { planned: progress.bytes.total, done: progress.bytes.done },
		bytesPerSecond: progress.bytesPerSecond,
		verifiedWrites: progress.copied - progress.unverified,
		unverifiedWrites: progress.unverified,
		validation: verification ?? null,
		failures: input.failures.slice(0, 100),
	};
}

const size = (bytes: number) =>
	bytes >= 1024 ** 3
		? `${(bytes / 1024 ** 3).toFixed(2)} GiB`
		: bytes >= 1024 ** 2
			? `${(bytes / 1024 ** 2).toFixed(1)} MiB`
			: bytes >= 1024
				? `${(bytes / 1024).toFixed(1)} KiB`
				: `${bytes} B`;
const cell = (text: string) => text.replace(/\|/g, '\\|');

export function fileReportMarkdown(report: FileReport): string {
	const v = report.validation;
	const lines = [
		`# File migration report: ${report.title ? `${report.title} (${report.migration})` : report.migration}`,
		'',
		`**Status: ${report.status}** · ${report.date}`,
		'',
		'## Files',
		'',
		'| Planned | Done | Copied | Skipped (already there) | Failed | Bytes planned | Bytes done | Speed |',
		'| --- | --- | --- | --- | --- | --- | --- | --- |',
		`| ${report.files.planned} | ${report.files.done} | ${report.files.copied} | ${report.files.skipped} | ${report.files.failed} | ${size(report.bytes.planned)} | ${size(report.bytes.done)} | ${size(report.bytesPerSecond)}/s |`,
		'',
		`- Writes checksum-verified: **${report.verifiedWrites}**${report.unverifiedWrites ? `; without a comparable checksum at the destination: **${report.unverifiedWrites}**` : ''}`,
		'',
		'## Validation',
		'',
	];
	if (!v) lines.push('Not run.');
	else {
		lines.push(
			`- **${v.valid ? 'PASS' : 'FAIL'}**: ${v.files.source} files (${size(v.bytes.source)}) in the source, ${v.files.destination} (${size(v.bytes.destination)}) in the destination; ${v.mode === 'checksum' ? `${v.checksummed} checksummed (SHA-256, both sides read)` : 'sizes compared'}; ${v.differences} differences`,
			`- Manifest digest (SHA-256): source \`${v.manifest.source}\`, destination \`${v.manifest.destination}\``,
			'',
			'| Folder | Source files | Source bytes | Destination files | Destination bytes | |',
			'| --- | --- | --- | --- | --- | --- |',
			...v.byPrefix.map(
				(p) =>
					`| ${cell(p.prefix)} | ${p.source.files} | ${size(p.source.bytes)} | ${p.destination.files} | ${size(p.destination.bytes)} | ${p.source.files === p.destination.files && p.source.bytes === p.destination.bytes ? 'PASS' : 'FAIL'} |`,
			),
		);
		if (v.listed.length)
			lines.push(
				'',
				'| Key | Difference | Source | Destination |',
				'| --- | --- | --- | --- |',
				...v.listed.map(
					(d) => `| ${cell(d.key)} | ${d.kind} | ${cell(d.source ?? '')} | ${cell(d.destination ?? '')} |`,
				),
			);
	}
	if (report.failures.length)
		lines.push(
			'',
			'## Failed files',
			'',
			'| Key | Reason |',
			'| --- | --- |',
			...report.failures.map((f) => `| ${cell(f.key)} | ${cell(f.reason)} |`),
		);
	return `${lines.join('\n')}\n`;
}

export const fileReportHtml = (report: FileReport) =>
	markdownPage(
		fileReportMarkdown(report),
		`File migration report: ${report.migration}`,
		report.status === 'SUCCESS' ? 'ready' : 'not-ready',
	);
