import type { SyncState } from './sync';
import type { Check } from '../validate/validate';

/** Whether the new database can take over: every table synced with no lag, counts and checksums equal. */
export interface CutoverVerdict {
	ready: boolean;
	verdict: string;
	reasons: string[];
	tables: Array<{
		table: string;
		rowsBehind: number | null;
		secondsBehind: number | null;
		lastSync: string | null;
		pendingReplays: number | null;
	}>;
}

/** Per table, the dual writes waiting in the old database's replay queue (Pending Replays); absent: not counted. */
export type PendingReplays = Record<string, { pending: number; oldest: string | null } | undefined>;

export function cutoverReadiness(
	tables: string[],
	states: Array<SyncState | undefined>,
	checks: Check[],
	replays: PendingReplays = {},
): CutoverVerdict {
	const reasons: string[] = [];
	tables.forEach((table, i) => {
		const state = states[i];
		if (!state?.committedAt) reasons.push(`${table}: no sync has committed yet`);
		else if ((state.rowsBehind ?? 0) > 0)
			reasons.push(`${table}: ${state.rowsBehind} row(s) behind the source (${state.secondsBehind ?? '?'} s)`);
		const queued = replays[table];
		if (queued?.pending)
			reasons.push(
				`${table}: ${queued.pending} dual write(s) the new database refused wait in the replay queue (the oldest since ${queued.oldest}); the next sync writes them`,
			);
		const own = checks.filter((c) => c.table === table);
		if (!own.length) reasons.push(`${table}: no validation checks were given`);
		for (const check of own.filter((c) => !c.pass)) reasons.push(`${table}: ${describe(check)}`);
	});
	if (!tables.length) reasons.push('no tables were named');
	const ready = reasons.length === 0;
	return {
		ready,
		verdict: ready
			? `Ready for production cutover: YES (lag 0; counts and checksums equal${Object.keys(replays).length ? '; no dual write waiting for replay' : ''})`
			: `Ready for production cutover: NO (${reasons[0]}${reasons.length > 1 ? `; and ${reasons.length - 1} more` : ''})`,
		reasons,
		tables: tables.map((table, i) => ({
			table,
			rowsBehind: states[i]?.rowsBehind ?? null,
			secondsBehind: states[i]?.secondsBehind ?? null,
			lastSync: states[i]?.committedAt ?? null,
			pendingReplays: replays[table]?.pending ?? null,
		})),
	};
}

/** How many keys a reason lists at most; the check's own details hold the rest. */
const LISTED_KEYS = 5;

const keys = (list: unknown[]) =>
	list
		.slice(0, LISTED_KEYS)
		.map((k) => JSON.stringify(k))
		.join(', ') + (list.length > LISTED_KEYS ? ` and ${list.length - LISTED_KEYS} more` : '');

/** A failed check as a whole sentence, naming what differs (and the first keys where it knows them). */
function describe(check: Check): string {
	const d = check.details as Record<string, never>;
	switch (check.check) {
		case 'count':
			return `count differs (source ${d.source}, destination ${d.destination})`;
		case 'checksum':
			return `checksum differs (${d.mismatchedSegments} of ${d.segments} segments)`;
		case 'columns':
			return `columns differ (missing in the destination: ${JSON.stringify(d.missingColumns ?? [])}; extra: ${JSON.stringify(d.extraColumns ?? [])})`;
		case 'sample': {
			const differences = (d.differences ?? []) as Array<{ key: unknown; column: string | null }>;
			const missing = differences.filter((x) => x.column === null).map((x) => x.key);
			const changed = differences.filter((x) => x.column !== null).map((x) => `${JSON.stringify(x.key)}.${x.column}`);
			return [
				`sample differs: ${differences.length} sampled value(s) do not match`,
				missing.length ? `rows missing in the destination: ${keys(missing)}` : '',
				changed.length
					? `values changed: ${changed.slice(0, LISTED_KEYS).join(', ')}${changed.length > LISTED_KEYS ? ` and ${changed.length - LISTED_KEYS} more` : ''}`
					: '',
			]
				.filter(Boolean)
				.join('; ');
		}
		case 'referential': {
			const broken = ((d.foreignKeys ?? []) as Array<{ foreignKey: string; orphans: number }>).filter(
				(f) => f.orphans > 0,
			);
			return `rows reference missing parents (${broken.map((f) => `${f.foreignKey}: ${f.orphans}`).join(', ')})`;
		}
		case 'rows': {
			const list = (name: string) => ((d[name] ?? []) as Array<{ key: unknown }>).map((r) => r.key ?? r);
			const parts = [
				['missing in the destination', list('missing')],
				['extra in the destination', list('extra')],
				['changed', list('changed')],
			].filter(([, l]) => (l as unknown[]).length);
			return parts.length
				? `rows differ: ${parts.map(([what, l]) => `${(l as unknown[]).length} ${what} (${keys(l as unknown[])})`).join('; ')}`
				: 'rows differ';
		}
		default:
			return `the ${check.check} check failed`;
	}
}
