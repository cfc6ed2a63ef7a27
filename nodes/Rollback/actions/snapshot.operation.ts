import { snapshotTables } from '../../../core/rollback/rollback';
import { audited } from '../../../core/report/progress';
import type { DatabaseSystem } from '../../shared/connection';
import { MIGRATION_NAME } from '../../shared/database-properties';
import { withConnector } from '../../shared/node-connector';
import { eachItem, paired, type Operation } from '../../shared/operations';

export const snapshot: Operation = {
	option: {
		name: 'Snapshot',
		value: 'snapshot',
		action: 'Snapshot tables before writing',
		description:
			'Record each table as created by this migration (restore drops it) or copy its rows with their checksum. On the source credential it is a backup.',
	},
	properties: [
		{ ...MIGRATION_NAME, description: 'The migration run whose snapshots these are: the Migration Name of its chunks' },
		{
			displayName: 'Tables',
			name: 'tables',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'customers, orders',
			description:
				'Comma-separated names, or an expression giving an array, e.g. the destination tables of the Map step; tables that do not exist yet are recorded as created by the migration',
		},
	],
	async execute(items) {
		const system = this.getNodeParameter('system', 0) as DatabaseSystem;
		return [
			await eachItem(this, items, async (i) => {
				const run = this.getNodeParameter('migration', i) as string;
				const tables = tableList(this.getNodeParameter('tables', i));
				const taken = await withConnector(this, system, (connector) =>
					audited(connector, { migration: run, step: 'Snapshot' }, () => snapshotTables(connector, run, tables)),
				);
				return paired(
					taken.map(({ snapshot: s, takenAt }) => ({
						migration: run,
						table: s.table,
						createdByMigration: s.createdByMigration,
						rows: s.rows,
						digest: s.digest ?? null,
						takenAt,
					})),
					i,
				);
			}),
		];
	},
};

function tableList(value: unknown): string[] {
	const list = Array.isArray(value) ? value.map(String) : String(value ?? '').split(',');
	const tables = list.map((t) => t.trim()).filter(Boolean);
	if (!tables.length) throw new RangeError('Name at least one table to snapshot');
	return tables;
}
