import type { TableAssessment } from '../mapping/assess';
import type { TableMapping } from '../mapping/mapping';
import type { DryRunResult, TableDryRun } from './dry-run';
import { loadOrder, type LoadOrder } from './table-order';

export interface PlanOptions {
	migration: string;
	sourceSystem: string;
	destinationSystem: string;
	rowsPerChunk: number;
	batchSize: number;
	keepSnapshotDays: number;
	/** Zero downtime: an incremental sync follows the initial load until cutover. */
	withSync: boolean;
	/** Source writes per hour the sync must follow (0: unknown). */
	changesPerHour: number;
	/** Tables asked for that could not be mapped (no primary key, not there), with the reason. */
	unmapped?: Array<{ table: string; reason: string }>;
}

export interface PlannedTable {
	table: string;
	destinationTable: string;
	rows: number;
	rowsExact: boolean;
	sizeBytes: number | null;
	chunks: number;
	/** Measured on the sample: rows read, transformed and written per second. */
	loadRowsPerSecond: number | null;
	estimatedSeconds: { load: number; validation: number };
	/** The destination table exists already, with this many rows. */
	existingRows: number | null;
}

export interface PlannedPhase {
	phase: 'schema' | 'initial load' | 'incremental sync' | 'validation' | 'cutover' | 'rollback window';
	steps: string;
	estimatedSeconds: number | null;
	/** How the estimate was reached, in words. */
	basis: string;
}

export interface PlanRisk {
	severity: 'blocker' | 'warning' | 'note';
	table?: string;
	risk: string;
}

export interface MigrationPlan {
	migration: string;
	createdAt: string;
	source: string;
	destination: string;
	order: string[];
	deferredForeignKeys: LoadOrder['deferred'];
	tables: PlannedTable[];
	phases: PlannedPhase[];
	totalSeconds: number;
	risks: PlanRisk[];
	sample: { rowsPerTable: number; seconds: number; pass: boolean };
}

/** A row past this size is a risk of its own (memory per batch, packet limits). */
const LARGE_ROW_BYTES = 1024 * 1024;
/** A batch past this many bytes held in memory at once is a risk. */
const LARGE_BATCH_BYTES = 256 * 1024 * 1024;

const perRow = (seconds: number, sampled: number, rows: number) =>
	sampled > 0 ? round((seconds / sampled) * rows) : 0;
const round = (n: number) => Math.round(n * 10) / 10;
const sum = (values: number[]) => round(values.reduce((n, v) => n + v, 0));
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/**
 * The phased plan of a migration: the load order from the foreign-key graph, chunks per table, and
 * per phase a duration scaled from the dry run's measured seconds per row on the real source and
 * destination; risks from the assessment and from what the dry run met.
 */
export function buildPlan(
	assessment: TableAssessment[],
	mappings: TableMapping[],
	dryRun: DryRunResult,
	existing: Record<string, number>,
	options: PlanOptions,
): MigrationPlan {
	const order = loadOrder(mappings);
	const tables: PlannedTable[] = order.order.map((destinationTable) => {
		const mapping = mappings.find((m) => m.destinationTable === destinationTable)!;
		const assessed = assessment.find((a) => a.table === mapping.table);
		const sample = dryRun.tables.find((t) => t.destinationTable === destinationTable);
		const rows = assessed?.rows ?? 0;
		const sampled = sample?.sampled ?? 0;
		const load = sample ? sample.seconds.load + sample.seconds.indexes : 0;
		return {
			table: mapping.table,
			destinationTable,
			rows,
			rowsExact: assessed?.rowsExact ?? false,
			sizeBytes: assessed?.sizeBytes ?? null,
			chunks: Math.max(1, Math.ceil(rows / options.rowsPerChunk)),
			loadRowsPerSecond: sample && load > 0 ? Math.round(sample.written / load) : null,
			estimatedSeconds: {
				load: perRow(load, sampled, rows),
				validation: perRow(sample?.seconds.validation ?? 0, sampled, rows),
			},
			existingRows: destinationTable in existing ? existing[destinationTable] : null,
		};
	});
	const phases = planPhases(tables, dryRun, options);
	return {
		migration: options.migration,
		createdAt: new Date().toISOString(),
		source: options.sourceSystem,
		destination: options.destinationSystem,
		order: order.order,
		deferredForeignKeys: order.deferred,
		tables,
		phases,
		totalSeconds: sum(phases.filter((p) => p.phase !== 'rollback window').map((p) => p.estimatedSeconds ?? 0)),
		risks: planRisks(assessment, dryRun, tables, order, options),
		sample: { rowsPerTable: dryRun.sampleRows, seconds: dryRun.seconds, pass: dryRun.pass },
	};
}

function planPhases(tables: PlannedTable[], dryRun: DryRunResult, options: PlanOptions): PlannedPhase[] {
	const load = sum(tables.map((t) => t.estimatedSeconds.load));
	const validation = sum(tables.map((t) => t.estimatedSeconds.validation));
	const rows = tables.reduce((n, t) => n + t.rows, 0);
	const rate = load > 0 ? rows / load : null;
	const basis = `scaled from ${dryRun.sampleRows.toLocaleString('en-US')} sampled rows per table, measured on the real source and destination`;
	const phases: PlannedPhase[] = [
		{
			phase: 'schema',
			steps: `snapshot the destination, create ${tables.length} table(s) as mapped (keys and unique indexes with the table)`,
			estimatedSeconds: sum(dryRun.tables.map((t) => t.seconds.schema)),
			basis: 'the dry run created the same tables in a scratch namespace',
		},
		{
			phase: 'initial load',
			steps: `${tables.reduce((n, t) => n + t.chunks, 0)} chunk(s) of ${options.rowsPerChunk.toLocaleString('en-US')} rows in the order ${tables.map((t) => t.destinationTable).join(' → ')}, then the deferred indexes and foreign keys`,
			estimatedSeconds: load,
			basis,
		},
	];
	const catchUp = (changes: number) => (rate ? round(changes / rate) : null);
	if (options.withSync)
		phases.push({
			phase: 'incremental sync',
			steps: 'follow the source changes written during the load (Incremental Sync on a schedule) until cutover',
			estimatedSeconds: catchUp((options.changesPerHour * load) / 3600),
			basis: options.changesPerHour
				? `${options.changesPerHour.toLocaleString('en-US')} changes per hour during the load, replayed at the measured load rate`
				: 'no change rate given: the catch-up is not estimated',
		});
	phases.push({
		phase: 'validation',
		steps:
			'counts, digests per segment, a seeded sample row by row, foreign keys; mismatching segments compared value by value',
		estimatedSeconds: validation,
		basis,
	});
	phases.push(
		options.withSync
			? {
					phase: 'cutover',
					steps:
						'stop writes to the source, a last sync pass, counts checked, point the application at the destination',
					estimatedSeconds: catchUp(options.changesPerHour / 60),
					basis: 'one minute of changes replayed at the measured load rate: the write pause',
				}
			: {
					phase: 'cutover',
					steps:
						'writes to the source stop from the load to the end of validation, then the application points at the destination',
					estimatedSeconds: round(load + validation),
					basis: 'without a sync the load and its validation are the write pause',
				},
	);
	phases.push({
		phase: 'rollback window',
		steps: `the snapshot stays restorable for ${options.keepSnapshotDays} day(s) (workflows/rollback.json); a restore puts every table back as it was`,
		estimatedSeconds: round(load),
		basis: 'a restore copies each table back in the database, at most as long as its load',
	});
	return phases;
}

function planRisks(
	assessment: TableAssessment[],
	dryRun: DryRunResult,
	tables: PlannedTable[],
	order: LoadOrder,
	options: PlanOptions,
): PlanRisk[] {
	const risks: PlanRisk[] = [];
	for (const table of assessment)
		for (const issue of table.issues) risks.push({ severity: 'blocker', table: table.table, risk: issue });
	for (const { table, reason } of options.unmapped ?? [])
		if (!assessment.some((a) => a.table === table && a.issues.length))
			risks.push({ severity: 'blocker', table, risk: `cannot be migrated: ${reason}` });
	for (const sample of dryRun.tables) risks.push(...sampleRisks(sample, options));
	for (const table of tables) {
		if (table.existingRows !== null && table.existingRows > 0)
			risks.push({
				severity: 'warning',
				table: table.destinationTable,
				risk: `exists on the destination with ${table.existingRows.toLocaleString('en-US')} rows: the run upserts into it (the snapshot keeps it restorable)`,
			});
		if (!table.rowsExact)
			risks.push({
				severity: 'note',
				table: table.table,
				risk: 'row count is the database estimate: durations scale with it (assess with exact counts for a firmer plan)',
			});
	}
	for (const fk of order.deferred)
		risks.push({
			severity: 'note',
			table: fk.table,
			risk: `foreign key (${fk.columns.join(', ')}) → ${fk.references} is on a cycle: added after the load`,
		});
	return risks;
}

function sampleRisks(sample: TableDryRun, options: PlanOptions): PlanRisk[] {
	const risks: PlanRisk[] = [];
	const table = sample.table;
	if (sample.error) risks.push({ severity: 'blocker', table, risk: `the dry run failed: ${sample.error}` });
	if (sample.rejectedRows > 0) {
		const examples = sample.rejected
			.slice(0, 3)
			.map((r) => `${r.column} = ${r.value === null ? 'NULL' : JSON.stringify(r.value.slice(0, 40))}: ${r.reason}`);
		risks.push({
			severity: 'warning',
			table,
			risk: `${sample.rejectedRows} of ${sample.sampled} sampled rows would be rejected (${examples.join('; ')})`,
		});
	}
	const failed = sample.checks.filter((c) => !c.pass).map((c) => c.check);
	if (failed.length && sample.rejectedRows === 0)
		risks.push({ severity: 'blocker', table, risk: `the sample failed validation: ${failed.join(', ')}` });
	if (sample.rowBytes.max > LARGE_ROW_BYTES)
		risks.push({
			severity: 'warning',
			table,
			risk: `very large rows: up to ${mb(sample.rowBytes.max)} in the sample`,
		});
	if (sample.rowBytes.average * options.batchSize > LARGE_BATCH_BYTES)
		risks.push({
			severity: 'warning',
			table,
			risk: `a batch of ${options.batchSize} rows holds about ${mb(sample.rowBytes.average * options.batchSize)}: lower batchSize`,
		});
	return risks;
}
