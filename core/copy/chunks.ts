import type { ChunkPosition, TableSource } from '../ports';
import { requirePrimaryKey } from '../model/identifiers';
import type { KeyRange } from '../model/schema';

/** A chunk's identity: its run, its table and its position (opaque to core: the source that planned it reads it). */
export interface ChunkRef {
	run: string;
	table: string;
	position: ChunkPosition;
}

/** A chunk's checkpoint key: the run, the table and the exact position, so a re-plan never reuses a stale mark. */
export function chunkKey(chunk: ChunkRef): string {
	return `${chunk.run}/${chunk.table}/${JSON.stringify(chunk.position)}`;
}

/** One chunk of a plan, as it travels between nodes (one n8n item each). */
export interface PlannedChunk {
	migration: string;
	table: string;
	chunk: number;
	chunks: number;
	range: KeyRange;
	/** Rows in the whole table when planned: progress and the report measure against it. */
	tableRows?: number;
	/** How the chunk worker shapes rows, as Map designed them (flattened, arrays to child tables), and which path they take. */
	shape?: RowShape;
	/** Sent by Fan Out Chunks to an execution of its own: the worker copies it only under this lease. */
	lease?: { seconds: number };
}

export interface RowShape {
	flatten?: string;
	childTables?: boolean;
	/** Rows travel through n8n as items (Read Chunk → Load Chunk), not streamed inside Copy Chunk. */
	rowsAsItems?: boolean;
}

export async function planTableChunks(
	source: TableSource,
	migration: string,
	table: string,
	rowsPerChunk: number,
	shape?: RowShape,
): Promise<PlannedChunk[]> {
	const [schema] = await source.introspect([table]);
	requirePrimaryKey(schema, source.system);
	const ranges = await source.planChunks(table, rowsPerChunk);
	const tableRows = await source.count(table);
	return ranges.map((range, i) => ({
		migration,
		table,
		chunk: i + 1,
		chunks: ranges.length,
		range,
		tableRows,
		...(shape && (shape.flatten || shape.childTables || shape.rowsAsItems) ? { shape } : {}),
	}));
}

/** Reads `{ range }` back from an item, refusing anything that is not a key range. */
export function parseRange(value: unknown): KeyRange {
	const range = typeof value === 'string' ? (JSON.parse(value) as unknown) : value;
	if (!range || typeof range !== 'object' || Array.isArray(range))
		throw new RangeError('A chunk range must be an object with optional "after" and "upTo" key arrays');
	const { after, upTo } = range as KeyRange;
	for (const bound of [after, upTo])
		if (bound !== undefined && !Array.isArray(bound))
			throw new RangeError('Chunk range bounds must be arrays of key values');
	return { ...(after ? { after } : {}), ...(upTo ? { upTo } : {}) };
}

/** The checkpoint identity of a Plan Chunks item (an item's JSON, or its JSON text). */
export function parseChunkRef(value: unknown): ChunkRef {
	const chunk = (typeof value === 'string' ? JSON.parse(value) : value) as Partial<PlannedChunk> | undefined;
	if (!chunk || typeof chunk.migration !== 'string' || typeof chunk.table !== 'string') {
		throw new RangeError('The chunk must be a Plan Chunks item: { migration, table, range }');
	}
	return { run: chunk.migration, table: chunk.table, position: parseRange(chunk.range ?? {}) };
}
