import type { Snapshots, Stateful, TableSink, TableSnapshot } from '../ports';
import { ChecksumError, StateError } from '../model/errors';
import { CHUNK_NAMESPACE, MAPPING_NAMESPACE, SNAPSHOT_NAMESPACE } from '../state/namespaces';
import { keepRejects, type ChunkRejects } from '../report/rejects';

/** One table's snapshot for one migration run, as kept in the destination's state store. */
export interface SnapshotRecord {
	run: string;
	/** Snapshot order; restore goes the other way, so child tables go before their parents. */
	order: number;
	takenAt: string;
	restoredAt?: string;
	snapshot: TableSnapshot;
}

export interface RestoreOutcome {
	run: string;
	table: string;
	action: 'dropped' | 'restored' | 'absent';
	rows: number;
	/** The table's checksum after the restore equals the one taken before the migration. */
	verified: boolean;
}

const recordKey = (run: string, table: string) => `${run}/${table}`;

async function records(destination: TableSink & Snapshots & Stateful, run: string): Promise<SnapshotRecord[]> {
	const entries = await destination.state.list<SnapshotRecord>(SNAPSHOT_NAMESPACE);
	return entries
		.filter((e) => e.value.run === run)
		.map((e) => e.value)
		.sort((a, b) => a.order - b.order);
}

/**
 * Records, before anything is written, what each table holds: "created by this migration" or a
 * copy with its checksum. A rerun of a run keeps the first snapshot (the tables may hold part of
 * the migration by then), unless that snapshot was restored already.
 */
export async function snapshotTables(
	destination: TableSink & Snapshots & Stateful,
	run: string,
	tables: string[],
): Promise<SnapshotRecord[]> {
	const existing = new Map((await records(destination, run)).map((r) => [r.snapshot.table, r]));
	let order = Math.max(0, ...[...existing.values()].map((r) => r.order + 1));
	const out: SnapshotRecord[] = [];
	for (const table of [...new Set(tables)]) {
		const kept = existing.get(table);
		if (kept && !kept.restoredAt) {
			out.push(kept);
			continue;
		}
		const snapshot = await destination.snapshot(table, run);
		if (snapshot.copyName) await verifyCopy(destination, snapshot, 'taking');
		const record: SnapshotRecord = { run, order: order++, takenAt: new Date().toISOString(), snapshot };
		await destination.state.set(SNAPSHOT_NAMESPACE, recordKey(run, table), record);
		out.push(record);
	}
	return out;
}

async function verifyCopy(
	destination: TableSink & Snapshots & Stateful,
	snapshot: TableSnapshot,
	when: 'taking' | 'restoring',
) {
	const copy = await destination.snapshotChecksum(snapshot);
	if (copy.digest === snapshot.digest && copy.rows === snapshot.rows) return;
	const found = `${copy.rows} rows, digest ${copy.digest.slice(0, 12)}…; recorded ${snapshot.rows} rows, ${snapshot.digest?.slice(0, 12)}…`;
	throw new ChecksumError(
		when === 'taking'
			? `The copy of ${snapshot.table} does not match the table (${found}): was it written to while the snapshot was taken? Nothing recorded`
			: `The snapshot of ${snapshot.table} was changed since it was taken (${found}): nothing was restored`,
		{ table: snapshot.table },
	);
}

/**
 * Brings every table of a run back to its snapshot: tables the migration created are dropped, the
 * others hold exactly the copied rows again (checked by checksum). Every copy is verified before
 * anything changes; each table's restore is idempotent, so a rerun after a crash finishes the job.
 * The run's chunk checkpoints go too: the rows they vouch for are gone.
 */
export async function restoreRun(
	destination: TableSink & Snapshots & Stateful,
	run: string,
	onTable: (outcome: RestoreOutcome) => void = () => undefined,
): Promise<RestoreOutcome[]> {
	const taken = await records(destination, run);
	if (!taken.length)
		throw new StateError(
			`No snapshot is recorded for migration run "${run}": nothing to restore (no run of that name wrote here, or its rollback period ended and its snapshots were discarded)`,
			{ run },
		);
	for (const record of taken) if (record.snapshot.copyName) await verifyCopy(destination, record.snapshot, 'restoring');
	const outcomes: RestoreOutcome[] = [];
	// Read once: restoring a table changes no other table's existence.
	const present = new Set((await destination.introspect()).map((t) => t.name));
	for (const record of [...taken].reverse()) {
		const { snapshot } = record;
		const existed = present.has(snapshot.table);
		await destination.restore(snapshot);
		if (snapshot.createdByMigration) {
			await destination.state.delete(MAPPING_NAMESPACE, snapshot.table);
			outcomes.push({ run, table: snapshot.table, action: existed ? 'dropped' : 'absent', rows: 0, verified: true });
			onTable(outcomes[outcomes.length - 1]);
			continue;
		}
		const after = await destination.checksum(snapshot.table);
		const verified = after.digest === snapshot.digest && after.rows === snapshot.rows;
		if (!verified)
			throw new ChecksumError(
				`${snapshot.table} holds ${after.rows} rows after the restore, not the ${snapshot.rows} of its snapshot (checksum differs)`,
				{ table: snapshot.table },
			);
		outcomes.push({ run, table: snapshot.table, action: 'restored', rows: after.rows, verified });
		onTable(outcomes[outcomes.length - 1]);
	}
	const undone = (await destination.state.list<ChunkRejects>(CHUNK_NAMESPACE)).filter((e) =>
		e.key.startsWith(`${run}/`),
	);
	await keepRejects(destination, undone, 'rolled back');
	for (const entry of undone) await destination.state.delete(CHUNK_NAMESPACE, entry.key);
	const restoredAt = new Date().toISOString();
	for (const record of taken)
		await destination.state.set(SNAPSHOT_NAMESPACE, recordKey(run, record.snapshot.table), { ...record, restoredAt });
	return outcomes.reverse();
}

export interface DiscardOptions {
	/** Only this run's snapshots; otherwise every run's. */
	run?: string;
	/** Keep snapshots younger than this (the rollback period). */
	olderThanMs?: number;
	now?: Date;
}

/** Drops snapshot copies and their records once the rollback period is over. */
export async function discardSnapshots(
	destination: TableSink & Snapshots & Stateful,
	options: DiscardOptions = {},
): Promise<Array<{ run: string; table: string; takenAt: string }>> {
	const now = (options.now ?? new Date()).getTime();
	const discarded: Array<{ run: string; table: string; takenAt: string }> = [];
	for (const { key, value } of await destination.state.list<SnapshotRecord>(SNAPSHOT_NAMESPACE)) {
		if (options.run !== undefined && value.run !== options.run) continue;
		if (now - Date.parse(value.takenAt) < (options.olderThanMs ?? 0)) continue;
		await destination.discardSnapshot(value.snapshot);
		await destination.state.delete(SNAPSHOT_NAMESPACE, key);
		discarded.push({ run: value.run, table: value.snapshot.table, takenAt: value.takenAt });
	}
	return discarded;
}

/** The runs with snapshots, for a manual restore's option list. */
export async function snapshotRuns(destination: TableSink & Snapshots & Stateful): Promise<string[]> {
	const entries = await destination.state.list<SnapshotRecord>(SNAPSHOT_NAMESPACE);
	return [...new Set(entries.map((e) => e.value.run))].sort();
}

/** What a restore of a run would do to one table, without doing it. */
export interface RollbackStep {
	table: string;
	createdByMigration: boolean;
	rowsBefore: number;
	/** Rows the table holds now; null when it is absent. */
	rowsNow: number | null;
	action: string;
	takenAt: string;
	restoredAt?: string;
}

/** The rollback procedure of a run, in restore order (the reverse of the snapshots'), read only. */
export async function rollbackSteps(
	destination: TableSink & Snapshots & Stateful,
	run: string,
): Promise<RollbackStep[]> {
	const taken = await records(destination, run);
	const present = new Set((await destination.introspect()).map((t) => t.name));
	const steps: RollbackStep[] = [];
	for (const { snapshot, takenAt, restoredAt } of [...taken].reverse()) {
		const rowsNow = present.has(snapshot.table) ? await destination.count(snapshot.table) : null;
		steps.push({
			table: snapshot.table,
			createdByMigration: snapshot.createdByMigration,
			rowsBefore: snapshot.rows,
			rowsNow,
			action: restoredAt
				? `nothing: restored already at ${restoredAt}`
				: snapshot.createdByMigration
					? 'drop the table (the run created it)'
					: `replace its rows with the copy ${snapshot.copyName} (${snapshot.rows} rows)${snapshot.sequences?.length ? ', put its sequences back' : ''}, then compare checksums`,
			takenAt,
			...(restoredAt ? { restoredAt } : {}),
		});
	}
	return steps;
}
