import { buildFileReport, fileReportHtml, fileReportMarkdown } from '../../../core/files/report';
import type { FileFailure } from '../../../core/files/copy';
import { fileProgress } from '../../../core/files/run-state';
import type { ObjectVerification } from '../../../core/files/verify';
import { jsonParameter } from '../../shared/items';
import { runPathsOf, withStores } from '../../shared/object-stores';
import type { Operation } from '../../shared/operations';
import { FILE_RUN_PROPERTIES } from './object-status.operation';
import { reportFiles } from '../../shared/report-files';

export const OBJECT_REPORT_OPERATION = 'objectReport';

const listOf = (value: unknown): unknown[] => {
	if (value === '' || value === null || value === undefined) return [];
	const parsed = jsonParameter(value);
	return Array.isArray(parsed) ? parsed : [parsed];
};

export const objectReport: Operation = {
	option: {
		name: 'Report of a File Migration',
		value: OBJECT_REPORT_OPERATION,
		action: 'Build the file migration report',
		description:
			"Files, bytes, speed, verified writes, Verify Objects' findings and the failed files: JSON, Markdown, and an HTML file as binary data",
	},
	properties: [
		...FILE_RUN_PROPERTIES,
		{
			displayName: 'Title',
			name: 'title',
			type: 'string',
			default: '',
			placeholder: 'S3 → Google Cloud Storage',
		},
		{
			displayName: 'Verification',
			name: 'verification',
			type: 'json',
			default: '',
			description: "Verify Objects' result, e.g. {{ $('Verify Objects').first().json }}; empty: none ran",
		},
		{
			displayName: 'Failed Files',
			name: 'failures',
			type: 'json',
			default: '',
			description: "Copy Objects' Rejected items, e.g. {{ $('Copy Objects').all(1).map((item) => item.json) }}",
		},
	],
	async execute() {
		const paths = runPathsOf(this, 0);
		const verification = listOf(this.getNodeParameter('verification', 0, ''))[0] as ObjectVerification | undefined;
		const failures = listOf(this.getNodeParameter('failures', 0, '')).filter(
			(f): f is FileFailure => typeof f === 'object' && f !== null && typeof (f as FileFailure).key === 'string',
		);
		const progress = await withStores(this, 0, ['destination'], ({ destination }) => fileProgress(destination!, paths));
		const report = buildFileReport({
			progress,
			verification: verification && typeof verification.valid === 'boolean' ? verification : undefined,
			failures,
			title: (this.getNodeParameter('title', 0, '') as string) || undefined,
		});
		const markdown = fileReportMarkdown(report);
		const binary = await reportFiles(this, `file-migration-${paths.migration}`, fileReportHtml(report), markdown);
		return [[{ json: { ...report, markdown } as never, binary, pairedItem: { item: 0 } }]];
	},
};
