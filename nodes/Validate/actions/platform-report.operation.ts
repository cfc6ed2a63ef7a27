import { RequestError } from '../../../core/model/errors';
import type { PlatformRunReport } from '../../../core/platform/migrate';
import { buildPlatformReport, platformReportHtml, platformReportMarkdown } from '../../../core/platform/report';
import type { PlatformVerification } from '../../../core/platform/verify';
import { jsonParameter } from '../../shared/items';
import type { Operation } from '../../shared/operations';
import { reportFiles } from '../../shared/report-files';

export const PLATFORM_REPORT_OPERATION = 'platformReport';

const objectOf = (value: unknown): Record<string, unknown> | undefined => {
	if (value === '' || value === null || value === undefined) return undefined;
	const parsed = jsonParameter(value);
	return parsed && typeof parsed === 'object' && !Array.isArray(parsed)
		? (parsed as Record<string, unknown>)
		: undefined;
};

export const platformReport: Operation = {
	option: {
		name: 'Report of a Platform Migration',
		value: PLATFORM_REPORT_OPERATION,
		action: 'Build the platform migration report',
		description:
			"Per object type: read, created, found, rejected, unmatched; Verify Platform Records' findings; the rejected records and the users without a match: JSON, Markdown, and an HTML file as binary data",
	},
	properties: [
		{ displayName: 'Title', name: 'title', type: 'string', default: '', placeholder: 'Redmine → Gitea' },
		{
			displayName: 'Run',
			name: 'run',
			type: 'json',
			default: '',
			required: true,
			description:
				"Migrate Platform Records' report with its rejects, e.g. {{ { ...$('Migrate Records').first().json, rejects: $('Migrate Records').all(1).map((i) => i.json) } }}",
		},
		{
			displayName: 'Verification',
			name: 'verification',
			type: 'json',
			default: '',
			description: "Verify Platform Records' result, e.g. {{ $('Verify Records').first().json }}; empty: none ran",
		},
	],
	async execute() {
		const run = objectOf(this.getNodeParameter('run', 0, ''));
		if (!run || typeof run.types !== 'object')
			throw new RequestError("Run must be Migrate Platform Records' report (its Loaded item, with the rejects)");
		const rejects = Array.isArray(run.rejects) ? run.rejects : [];
		const verification = objectOf(this.getNodeParameter('verification', 0, ''));
		const report = buildPlatformReport({
			run: { ...(run as unknown as PlatformRunReport), rejects: rejects as PlatformRunReport['rejects'] },
			validation:
				verification && typeof verification.passed === 'boolean'
					? (verification as unknown as PlatformVerification)
					: undefined,
			title: (this.getNodeParameter('title', 0, '') as string) || undefined,
		});
		const markdown = platformReportMarkdown(report);
		const name = `platform-migration-${report.migration}`;
		const binary = await reportFiles(this, name, platformReportHtml(report), markdown);
		return [[{ json: { ...report, rejected: rejects, markdown } as never, binary, pairedItem: { item: 0 } }]];
	},
};
