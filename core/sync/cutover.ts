import type { SyncState } from './sync';
import type { Check } from '../validate/validate';

/** Whether the new database can take over: every table synced with no lag, counts and checksums equal. */
export interface CutoverVerdict {
	ready: boolean;
	verdict: string;
	reasons: string[];
	tables: Array<{ table: string; rowsBehind: number | null; secondsBehind: number | null; lastSync: string | null }>;
}

export function cutoverReadiness(
	tables: string[],
	states: Array<SyncState | undefined>,
	checks: Check[],
): CutoverVerdict {
	const reasons: string[] = [];
	tables.forEach((table, i) => {
		const state = states[i];
		if (!state?.committedAt) reasons.push(`${table}: no sync has committed yet`);
		else if ((state.rowsBehind ?? 0) > 0)
			reasons.push(`${table}: ${state.rowsBehind} row(s) behind the source (${state.secondsBehind ?? '?'} s)`);
		const own = checks.filter((c) => c.table === table);
		if (!own.length) reasons.push(`${table}: no validation checks were given`);
		for (const check of own.filter((c) => !c.pass)) reasons.push(`${table}: ${check.check} differs ${describe(check)}`);
	});
	if (!tables.length) reasons.push('no tables were named');
	const ready = reasons.length === 0;
	return {
		ready,
		verdict: ready
			? 'Ready for production cutover: YES (lag 0; counts and checksums equal)'
			: `Ready for production cutover: NO (${reasons[0]}${reasons.length > 1 ? `; and ${reasons.length - 1} more` : ''})`,
		reasons,
		tables: tables.map((table, i) => ({
			table,
			rowsBehind: states[i]?.rowsBehind ?? null,
			secondsBehind: states[i]?.secondsBehind ?? null,
			lastSync: states[i]?.committedAt ?? null,
		})),
	};
}

function describe(check: Check): string {
	const d = check.details;
	if (check.check === 'count') return `(source ${d.source}, destination ${d.destination})`;
	if (check.check === 'checksum') return `(${d.mismatchedSegments} of ${d.segments} segments)`;
	return '';
}
