import { checkSettings, SETTINGS_SCHEMAS, type SettingsSchemaName } from '../../../core/settings/run-settings';
import type { DatabaseSystem } from '../../shared/connection';
import { withConnector } from '../../shared/node-connector';
import { eachItem, paired, type Operation } from '../../shared/operations';
import { parseJsonObject } from './json';

export const checkSettingsOperation: Operation = {
	option: {
		name: 'Check Run Settings',
		value: 'checkSettings',
		action: 'Check the settings of a run',
		description:
			"Before anything is written: the caller's settings over the defaults, known names, types and ranges, named tables within this database's name limit",
	},
	properties: [
		{
			displayName: 'Settings Of',
			name: 'schema',
			type: 'options',
			options: [
				{ name: 'A Migration', value: 'dbMigration', description: 'Migration, tables, chunks, validation, rollback' },
				{
					name: 'A Zero-Downtime Migration',
					value: 'zeroDowntime',
					description: 'Sync name, tables, cursor column, lag; backfill and sync',
				},
				{
					name: 'An API Migration',
					value: 'apiMigration',
					description: 'Migration, API resource, pagination, table, pages per execution, validation, rollback',
				},
				{
					name: 'A File Migration',
					value: 'fileMigration',
					description: 'Migration, prefixes, chunks, concurrency, part size, verification, rollback (no database)',
				},
				{
					name: 'A Platform Migration',
					value: 'platformMigration',
					description:
						'Migration, destination owner, projects, fallback user, rollback (the database keeps the ID map)',
				},
			],
			default: 'dbMigration',
			description: 'Which settings are accepted: each template family has its own (see the README)',
		},
		{
			displayName: 'Request',
			name: 'request',
			type: 'json',
			default: '={{ $json.request ?? null }}',
			description:
				"The settings a caller gave (a webhook body, a calling workflow's item); null: a run nobody configured (Manual, Schedule), which takes the defaults",
		},
		{
			displayName: 'Defaults',
			name: 'defaults',
			type: 'json',
			default: '{"migration": "migration", "tables": [], "rowsPerChunk": 10000, "batchSize": 5000}',
			description: 'The settings of a run nobody configured, and what a caller leaves out (except tables)',
		},
	],
	async execute(items) {
		return [
			await eachItem(this, items, async (i) => {
				const request = this.getNodeParameter('request', i, null) as unknown;
				const defaults = parseJsonObject(this.getNodeParameter('defaults', i, '{}'), 'Defaults');
				const schema = SETTINGS_SCHEMAS[this.getNodeParameter('schema', i, 'dbMigration') as SettingsSchemaName];
				// A file migration names no table: no database to ask for its name limit.
				const settings =
					schema === SETTINGS_SCHEMAS.fileMigration
						? checkSettings(schema, request, defaults, { length: 1024, unit: 'characters' })
						: await withConnector(this, this.getNodeParameter('system', 0) as DatabaseSystem, async (connector) =>
								checkSettings(schema, request, defaults, connector.capabilities.maxIdentifier),
							);
				return paired([settings], i);
			}),
		];
	},
};
