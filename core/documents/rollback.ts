import type { RollbackStep } from '../rollback/rollback';
import { cell, count, migrationDocument } from './document';

/** The rollback procedure of a run: what a restore would do, table by table, and how to start it. */
export function rollbackDocument(migration: string, steps: RollbackStep[], keepSnapshotDays?: number) {
	const lines = [
		`# Rollback procedure: ${migration}`,
		'',
		steps.length
			? `A restore puts the destination back as it was before run ${migration} wrote to it, in this order (child tables before their parents):`
			: `No snapshot is recorded for run ${migration}: nothing can be restored (the run never wrote here, or its rollback period ended).`,
		'',
		...(steps.length
			? [
					'| # | Table | Before the run | Now | A restore would |',
					'|---|---|---|---|---|',
					...steps.map(
						(s, i) =>
							`| ${i + 1} | ${cell(s.table)} | ${s.createdByMigration ? 'did not exist' : `${count(s.rowsBefore)} rows (checksum kept)`} | ${s.rowsNow === null ? 'absent' : `${count(s.rowsNow)} rows`} | ${cell(s.action)} |`,
					),
				]
			: []),
		'',
		'## How',
		'',
		`1. Stop writers of the destination tables above.`,
		`2. POST {"migration": "${migration}"} to /webhook/data-migration/rollback (workflows/rollback.json), or run its Manual Trigger with that name.`,
		'3. Each copy is checked against its checksum before it is used; after the restore each table is checksummed again and must equal its snapshot, else the restore stops naming the table.',
		"4. The run's checkpoints go (a later run starts afresh); the values the run rejected stay listed in its report.",
		'',
		keepSnapshotDays === undefined
			? 'The snapshots stay until the rollback period of the run ends (keepSnapshotDays), then Discard Old Snapshots removes them.'
			: `The snapshots stay ${keepSnapshotDays} day(s) after the run, then Discard Old Snapshots removes them.`,
	];
	return migrationDocument('rollback', `Rollback procedure: ${migration}`, migration, lines.join('\n'));
}
