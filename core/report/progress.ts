import { randomUUID } from 'node:crypto';
import type { Stateful, TableSource } from '../ports';
import { AUDIT_NAMESPACE, CHUNK_NAMESPACE, PLAN_NAMESPACE } from '../state/namespaces';
import { keepRejects, type ChunkRejects } from './rejects';

/**
 * What a migration run did, kept in the destination's state store: the plan (chunks and rows per
 * table, recorded when the chunks are first seen) and an audit log with one entry per step.
 */

export interface RunPlan {
	migration: string;
	startedAt: string;
	tables: Record<string, { chunks: number; rows: number | null }>;
}

export interface AuditEntry {
	migration: string;
	at: string;
	step: string;
	table?: string;
	chunk?: number;
	rows?: number;
	durationMs: number;
	outcome: 'success' | 'failed' | 'skipped';
	error?: string;
}

export type ChunkCheckpoint = ChunkRejects;

/** Records the plan once per run: a rerun keeps the first start time, so speed covers the whole run. */
export async function recordPlan(
	destination: Stateful,
	migration: string,
	chunks: Array<{ table: string; chunks: number; tableRows?: number }>,
): Promise<RunPlan> {
	const existing = await destination.state.get<RunPlan>(PLAN_NAMESPACE, migration);
	const tables: RunPlan['tables'] = { ...existing?.tables };
	for (const chunk of chunks) tables[chunk.table] = { chunks: chunk.chunks, rows: chunk.tableRows ?? null };
	const plan = { migration, startedAt: existing?.startedAt ?? new Date().toISOString(), tables };
	await destination.state.set(PLAN_NAMESPACE, migration, plan);
	return plan;
}

export async function appendAudit(destination: Stateful, entry: Omit<AuditEntry, 'at'>): Promise<void> {
	const at = new Date().toISOString();
	await destination.state.set(AUDIT_NAMESPACE, `${entry.migration}/${at}/${randomUUID().slice(0, 8)}`, {
		...entry,
		at,
	});
}

/** Runs a step and appends its audit entry, failed or not; the step's own error still surfaces. */
export async function audited<T>(
	destination: Stateful,
	entry: Omit<AuditEntry, 'at' | 'durationMs' | 'outcome'>,
	step: () => Promise<T>,
	describe: (result: T) => Partial<AuditEntry> = () => ({}),
): Promise<T> {
	const started = Date.now();
	const settled = await step().then(
		(result) => ({ ok: true as const, result }),
		(error: unknown) => ({ ok: false as const, error }),
	);
	const durationMs = Date.now() - started;
	if (settled.ok) {
		await appendAudit(destination, { ...entry, durationMs, outcome: 'success', ...describe(settled.result) });
		return settled.result;
	}
	const error = settled.error instanceof Error ? settled.error.message : String(settled.error);
	await appendAudit(destination, { ...entry, durationMs, outcome: 'failed', error }).catch(() => undefined);
	return Promise.reject(settled.error);
}

export async function auditLog(destination: Stateful, migration: string): Promise<AuditEntry[]> {
	return (await destination.state.list<AuditEntry>(AUDIT_NAMESPACE))
		.filter((e) => e.key.startsWith(`${migration}/`))
		.map((e) => e.value)
		.sort((a, b) => a.at.localeCompare(b.at));
}

export interface Progress {
	migration: string;
	state: 'not started' | 'running' | 'done';
	startedAt: string | null;
	chunksDone: number;
	chunksTotal: number;
	rowsDone: number;
	rowsTotal: number | null;
	rowsPerSecond: number | null;
	etaSeconds: number | null;
	rejectedRows: number;
	failedSteps: number;
	lastError: string | null;
	tables: Record<string, { chunksDone: number; chunksTotal: number; rowsDone: number; rowsTotal: number | null }>;
	/** Rows per second over the run so far, in equal slices (at most 30, at most one per chunk done) from its start to the last chunk done. */
	timeline: Array<{ at: string; rowsPerSecond: number }>;
}

const TIMELINE_SLICES = 30;

/** Rows written per second in equal slices of the run, from the chunks' checkpoint times. */
export function speedTimeline(
	startedAt: string | undefined,
	done: Array<{ at: string; rows: number }>,
): Progress['timeline'] {
	if (!startedAt || !done.length) return [];
	const start = Date.parse(startedAt);
	const end = Math.max(...done.map((d) => Date.parse(d.at)));
	if (!(end > start)) return [];
	// No more slices than chunks done: early in a run a slice per chunk, not spikes between empty slices.
	const slices = Math.min(TIMELINE_SLICES, done.length);
	const width = (end - start) / slices;
	const rows = new Array<number>(slices).fill(0);
	// A chunk counts in the slice (from, to] its finish falls in.
	for (const d of done)
		rows[Math.min(slices - 1, Math.max(0, Math.ceil((Date.parse(d.at) - start) / width) - 1))] += d.rows;
	return rows.map((n, i) => ({
		at: new Date(start + width * (i + 1)).toISOString(),
		rowsPerSecond: Math.round(n / (width / 1000)),
	}));
}

/** Live progress from the destination alone: chunks and rows done of the plan, speed, ETA, errors. */
export async function runProgress(destination: Stateful, migration: string, now = new Date()): Promise<Progress> {
	const plan = await destination.state.get<RunPlan>(PLAN_NAMESPACE, migration);
	const checkpoints = (await destination.state.list<ChunkCheckpoint>(CHUNK_NAMESPACE)).filter((e) =>
		e.key.startsWith(`${migration}/`),
	);
	const audit = await auditLog(destination, migration);
	const tables: Progress['tables'] = {};
	for (const [table, planned] of Object.entries(plan?.tables ?? {}))
		tables[table] = { chunksDone: 0, chunksTotal: planned.chunks, rowsDone: 0, rowsTotal: planned.rows };
	let rowsDone = 0;
	let rejectedRows = 0;
	for (const { key, value } of checkpoints) {
		const table = key.slice(migration.length + 1).split('/')[0];
		tables[table] ??= { chunksDone: 0, chunksTotal: 0, rowsDone: 0, rowsTotal: null };
		tables[table].chunksDone += 1;
		tables[table].rowsDone += value.rows;
		rowsDone += value.rows;
		rejectedRows += value.rejectedCount ?? 0;
	}
	const chunksTotal = Object.values(tables).reduce((n, t) => n + t.chunksTotal, 0);
	const rowsTotal = Object.values(tables).every((t) => t.rowsTotal !== null)
		? Object.values(tables).reduce((n, t) => n + (t.rowsTotal ?? 0), 0)
		: null;
	const seconds = plan ? (now.getTime() - Date.parse(plan.startedAt)) / 1000 : 0;
	const rowsPerSecond = seconds > 0 && rowsDone > 0 ? Math.round(rowsDone / seconds) : null;
	const failed = audit.filter((e) => e.outcome === 'failed');
	return {
		migration,
		state: !plan ? 'not started' : checkpoints.length >= chunksTotal ? 'done' : 'running',
		startedAt: plan?.startedAt ?? null,
		chunksDone: checkpoints.length,
		chunksTotal,
		rowsDone,
		rowsTotal,
		rowsPerSecond,
		etaSeconds:
			rowsPerSecond && rowsTotal !== null ? Math.max(0, Math.round((rowsTotal - rowsDone) / rowsPerSecond)) : null,
		rejectedRows,
		failedSteps: failed.length,
		lastError: failed.at(-1)?.error ?? null,
		tables,
		timeline: speedTimeline(
			plan?.startedAt,
			checkpoints.map((c) => ({ at: c.value.at, rows: c.value.rows })),
		),
	};
}

/**
 * Checkpoints of a run whose table is empty now (dropped and recreated since) vouch for rows that
 * are gone: they are removed, so the chunks load again instead of being skipped.
 */
export async function clearStaleCheckpoints(
	destination: TableSource & Stateful,
	migration: string,
	tables: string[],
): Promise<number> {
	const entries = await destination.state.list<ChunkCheckpoint>(CHUNK_NAMESPACE);
	let cleared = 0;
	let present: Set<string> | undefined;
	for (const table of tables) {
		const mine = entries.filter((e) => e.key.startsWith(`${migration}/${table}/`));
		if (!mine.some((e) => e.value.rows > 0)) continue;
		present ??= new Set((await destination.introspect()).map((t) => t.name));
		if (present.has(table) && (await destination.count(table)) > 0) continue;
		await keepRejects(destination, mine, 'checkpoint cleared');
		for (const entry of mine) await destination.state.delete(CHUNK_NAMESPACE, entry.key);
		await appendAudit(destination, {
			migration,
			step: 'Clear Stale Checkpoints',
			table,
			rows: mine.length,
			durationMs: 0,
			outcome: 'success',
		});
		cleared += mine.length;
	}
	return cleared;
}
