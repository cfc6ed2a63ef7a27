import { designMappings, type DesignOptions } from '../../../core/mapping/apply';
import { assessTables } from '../../../core/mapping/assess';
import type { TableMapping } from '../../../core/mapping/mapping';
import { buildPlan } from '../../../core/plan/plan';
import { planDocument } from '../../../core/documents/plan';
import type { DatabaseConnector } from '../../../core/ports';
import { jsonParameter } from '../../shared/items';
import { eachItem, paired, type Operation } from '../../shared/operations';
import { designOptionsOf, MAP_OPTIONS } from './map.operation';
import { SAMPLE_RUN_PROPERTIES, sampleRun, withSampleRun } from './sample-run';

export const PLAN_OPERATION = 'plan';

export const planOperation: Operation = {
	option: {
		name: 'Migration Plan',
		value: PLAN_OPERATION,
		action: 'Plan a migration from a measured dry run',
		description:
			'Assess and map the source tables, dry-run them, and plan: phases, load order from the foreign keys, chunks per table, a duration per phase measured on the real source and destination, risks',
	},
	properties: [
		...SAMPLE_RUN_PROPERTIES,
		{
			displayName: 'Source Tables',
			name: 'sourceTables',
			type: 'json',
			default: '[]',
			description: 'The tables (collections) to plan for, e.g. ["customers", "orders"]; [] means every table',
		},
		...MAP_OPTIONS,
		{
			displayName: 'Rows per Chunk',
			name: 'rowsPerChunk',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 10000,
			description: 'As the run will plan its chunks',
		},
		{
			displayName: 'Exact Row Counts',
			name: 'exactCounts',
			type: 'boolean',
			default: false,
			description: 'Whether to count rows exactly (a full scan per table) instead of using the database estimate',
		},
		{
			displayName: 'With Incremental Sync',
			name: 'withSync',
			type: 'boolean',
			default: false,
			description: 'Whether the migration keeps the destination in step until cutover (zero downtime)',
		},
		{
			displayName: 'Source Changes per Hour',
			name: 'changesPerHour',
			type: 'number',
			typeOptions: { minValue: 0 },
			default: 0,
			description: 'Writes per hour on the source the sync must follow; 0 leaves its catch-up unestimated',
		},
		{
			displayName: 'Keep Snapshot Days',
			name: 'keepSnapshotDays',
			type: 'number',
			typeOptions: { minValue: 0 },
			default: 7,
			description: 'The rollback window: days the run stays restorable',
		},
	],
	async execute(items) {
		return [
			await eachItem(this, items, async (i) => {
				const given = jsonParameter(this.getNodeParameter('sourceTables', i, '[]')) as unknown;
				if (!Array.isArray(given) || given.some((t) => typeof t !== 'string'))
					throw new RangeError('Source Tables must be a list of table names, e.g. ["customers", "orders"]');
				const planned = await withSampleRun(this, async (source, destination) => {
					const tables = given.length ? (given as string[]) : (await source.introspect()).map((t) => t.name);
					const assessment = await assessTables(source, tables, {
						exactCounts: this.getNodeParameter('exactCounts', i, false) as boolean,
					});
					const { mappings, unmapped } = await mapEach(source, tables, designOptionsOf(this, i));
					const existing = await existingRows(
						destination,
						mappings.map((m) => m.destinationTable),
					);
					const dryRun = await sampleRun(this, source, destination, mappings, i);
					const plan = buildPlan(assessment, mappings, dryRun, existing, {
						migration: this.getNodeParameter('migration', i) as string,
						sourceSystem: source.system,
						destinationSystem: destination.system,
						rowsPerChunk: this.getNodeParameter('rowsPerChunk', i) as number,
						batchSize: this.getNodeParameter('batchSize', i) as number,
						keepSnapshotDays: this.getNodeParameter('keepSnapshotDays', i) as number,
						withSync: this.getNodeParameter('withSync', i) as boolean,
						changesPerHour: this.getNodeParameter('changesPerHour', i) as number,
						unmapped,
					});
					return { ...plan, assessment, existing, dryRun, mappings };
				});
				return paired([{ ...planned, markdown: planDocument(planned).markdown }], i);
			}),
		];
	},
};

/** Each table mapped on its own: one that cannot be (no key, no such table) is a risk of the plan, not its end. */
async function mapEach(source: DatabaseConnector, tables: string[], options: DesignOptions) {
	const mappings: TableMapping[] = [];
	const unmapped: Array<{ table: string; reason: string }> = [];
	for (const table of tables) {
		const designed = await designMappings(source, [table], options).then(
			(m) => m,
			(error: unknown) => error,
		);
		if (Array.isArray(designed)) mappings.push(...(designed as TableMapping[]));
		else unmapped.push({ table, reason: designed instanceof Error ? designed.message : String(designed) });
	}
	return { mappings, unmapped };
}

/** The destination tables of these names that exist already, with their rows. */
async function existingRows(destination: DatabaseConnector, tables: string[]): Promise<Record<string, number>> {
	const present = new Set((await destination.introspect()).map((t) => t.name));
	const out: Record<string, number> = {};
	for (const table of tables.filter((t) => present.has(t))) out[table] = await destination.count(table);
	return out;
}
