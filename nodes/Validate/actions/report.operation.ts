import { migrationReport } from '../../../core/report/report';
import type { Check } from '../../../core/validate/validate';
import type { DatabaseSystem } from '../../shared/connection';
import { MIGRATION_NAME } from '../../shared/database-properties';
import { withConnector } from '../../shared/node-connector';
import type { Operation } from '../../shared/operations';
import { reportFiles } from '../../shared/report-files';

export const report: Operation = {
	option: {
		name: 'Report (Destination)',
		value: 'report',
		action: 'Build the migration report',
		description:
			"The migration report from the run's plan, checkpoints, audit log, mappings and the input checks: JSON, Markdown, and an HTML file as binary data",
	},
	properties: [
		{ ...MIGRATION_NAME, description: 'The run to report on: the Migration Name of its chunks' },
		{
			displayName: 'Title',
			name: 'title',
			type: 'string',
			default: '',
			placeholder: 'Salesforce → PostgreSQL',
			description: "What moved where, in the report's heading; empty: the run name only",
		},
		{
			displayName: 'Checks',
			name: 'checks',
			type: 'json',
			default: '',
			description:
				"Verify Rows' checks, e.g. {{ $('Verify Rows').all(1).map((item) => item.json) }}; empty: the checks among the input items",
		},
	],
	async execute(items) {
		const system = this.getNodeParameter('system', 0) as DatabaseSystem;
		const migration = this.getNodeParameter('migration', 0) as string;
		// Takes every check of Verify Rows given, or among its input; other items are ignored.
		const given = this.getNodeParameter('checks', 0, '') as unknown;
		const list = given === '' || given === null || given === undefined ? items.map((item) => item.json) : given;
		const parsed: unknown = typeof list === 'string' ? JSON.parse(list) : list;
		const checks = (Array.isArray(parsed) ? (parsed as Check[]) : []).filter(
			(c) => c && typeof c.check === 'string' && typeof c.pass === 'boolean',
		);
		const built = await withConnector(this, system, (destination) =>
			migrationReport(destination, migration, checks, (this.getNodeParameter('title', 0, '') as string) || undefined),
		);
		const binary = await reportFiles(this, `migration-report-${migration}`, built.html, built.markdown);
		return [[{ json: { ...built.report, markdown: built.markdown }, binary, pairedItem: { item: 0 } }]];
	},
};
