import type { MigrationPlan } from '../plan/plan';
import { bytes, cell, count, duration, migrationDocument } from './document';

/** The migration plan: phases with their measured estimates, the load order, chunks per table, risks. */
export function planDocument(plan: MigrationPlan) {
	const lines = [
		`# Migration plan: ${plan.migration}`,
		'',
		`- **Route:** ${plan.source} → ${plan.destination}`,
		`- **Estimated total:** ${duration(plan.totalSeconds)} (rollback window not counted)`,
		`- **Measured on:** a dry run of ${count(plan.sample.rowsPerTable)} rows per table in ${duration(plan.sample.seconds)} (${plan.sample.pass ? 'passed' : 'found problems, see Risks'})`,
		'',
		'## Phases',
		'',
		'| Phase | What happens | Estimate | Basis |',
		'|---|---|---|---|',
		...plan.phases.map((p) => `| ${p.phase} | ${cell(p.steps)} | ${duration(p.estimatedSeconds)} | ${cell(p.basis)} |`),
		'',
		'## Tables, in load order',
		'',
		'| # | Table | Rows | Size | Chunks | Rows/s (measured) | Load | Validation |',
		'|---|---|---|---|---|---|---|---|',
		...plan.tables.map(
			(t, i) =>
				`| ${i + 1} | ${cell(t.table)} → ${cell(t.destinationTable)} | ${count(t.rows)}${t.rowsExact ? '' : ' (estimate)'} | ${bytes(t.sizeBytes)} | ${count(t.chunks)} | ${t.loadRowsPerSecond === null ? '—' : count(t.loadRowsPerSecond)} | ${duration(t.estimatedSeconds.load)} | ${duration(t.estimatedSeconds.validation)} |`,
		),
		'',
		plan.deferredForeignKeys.length
			? `Foreign keys on a cycle, added after the load: ${plan.deferredForeignKeys.map((fk) => `${fk.table}(${fk.columns.join(', ')}) → ${fk.references}`).join('; ')}.`
			: 'The foreign-key graph has no cycle; every foreign key is still added after the load, so chunks may land in any order.',
		'',
		'## Risks',
		'',
		...(plan.risks.length
			? plan.risks.map((r) => `- **${r.severity}**${r.table ? ` (${r.table})` : ''}: ${r.risk}`)
			: ['None found.']),
	];
	return migrationDocument('plan', `Migration plan: ${plan.migration}`, plan.migration, lines.join('\n'));
}
