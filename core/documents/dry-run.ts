import type { DryRunResult } from '../plan/dry-run';
import { cell, count, duration, migrationDocument } from './document';

/** The dry run's report: per table what was sampled, written, rejected and how validation went. */
export function dryRunDocument(result: DryRunResult) {
	const lines = [
		`# Dry run: ${result.migration}`,
		'',
		`- **Verdict:** ${result.pass ? 'PASS' : 'FAIL'}`,
		`- **Sample:** the first ${count(result.sampleRows)} rows of each table, in key order`,
		`- **Where:** scratch namespace ${result.scratch}, ${result.dropped ? 'dropped afterwards' : 'NOT dropped'}; the real tables were not touched`,
		`- **Took:** ${duration(result.seconds)}`,
		'',
		'| Table | Sampled | Written | Rejected | Checks | Load | Validation | Verdict |',
		'|---|---|---|---|---|---|---|---|',
		...result.tables.map(
			(t) =>
				`| ${cell(t.table)} → ${cell(t.destinationTable)} | ${count(t.sampled)} | ${count(t.written)} | ${count(t.rejectedRows)} | ${t.checks.filter((c) => c.pass).length}/${t.checks.length} | ${duration(t.seconds.load)} | ${duration(t.seconds.validation)} | ${t.pass ? 'PASS' : 'FAIL'} |`,
		),
	];
	const problems = result.tables.filter((t) => !t.pass);
	if (problems.length) lines.push('', '## Problems');
	for (const t of problems) {
		lines.push('', `### ${t.table}`, '');
		if (t.error) lines.push(`- Stopped: ${t.error}`);
		for (const r of t.rejected)
			lines.push(
				`- Rejected ${JSON.stringify(r.key)} ${r.column} = ${r.value === null ? 'NULL' : JSON.stringify(r.value)}: ${r.reason}`,
			);
		for (const c of t.checks.filter((check) => !check.pass))
			lines.push(`- Check ${c.check} failed: ${JSON.stringify(c.details).slice(0, 300)}`);
	}
	return migrationDocument('dryRun', `Dry run: ${result.migration}`, result.migration, lines.join('\n'));
}
