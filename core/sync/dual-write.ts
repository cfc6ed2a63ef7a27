/**
 * The dual-write endpoint's gate: the application may write only the tables and columns its
 * settings name, in bounded requests. Body keys are identifiers that reach SQL, so anything not
 * listed is refused here, before either database is touched, with a reason naming what was wrong.
 */
import { RequestError } from '../model/errors';
import type { Row, TableSchema } from '../model/schema';

export interface DualWriteRules {
	/** Table → the columns a caller may write. Empty: every request is refused. */
	allowed: Record<string, string[]>;
	maxRows: number;
	maxBodyBytes: number;
}

export interface DualWriteRequest {
	table: string;
	sync?: string;
	rows: Row[];
}

const isObject = (value: unknown): value is Record<string, unknown> =>
	typeof value === 'object' && value !== null && !Array.isArray(value);

const quoted = (name: string) => JSON.stringify(name.length > 64 ? `${name.slice(0, 64)}…` : name);

/** Checks the rules themselves against the live table: every allowed column must exist in it. */
export function checkRulesAgainst(table: TableSchema, columns: string[]): void {
	const known = new Set(table.columns.map((c) => c.name));
	const missing = columns.filter((c) => !known.has(c));
	if (missing.length)
		throw new RequestError(
			`The dual-write settings allow ${missing.map(quoted).join(', ')} in ${table.name}, which has no such column`,
			{ table: table.name },
		);
}

/** The request as rows to write, or a RequestError saying why it is refused. */
export function checkDualWrite(body: unknown, rules: DualWriteRules): DualWriteRequest {
	if (
		!isObject(rules.allowed) ||
		!Object.values(rules.allowed).every((c) => Array.isArray(c) && c.every((n) => typeof n === 'string'))
	)
		throw new RequestError(
			'The dual-write settings (Check Write → Allowed Writes) must map each table to a list of column names',
		);
	if (!isObject(body)) throw new RequestError('The request body must be a JSON object: {"table": …, "rows": [{…}]}');
	const size = Buffer.byteLength(JSON.stringify(body), 'utf8');
	if (size > rules.maxBodyBytes)
		throw new RequestError(`The request body is ${size} bytes; this dual write accepts at most ${rules.maxBodyBytes}`);
	const unknownFields = Object.keys(body).filter((k) => !['table', 'sync', 'rows', 'row'].includes(k));
	if (unknownFields.length)
		throw new RequestError(
			`Unknown field${unknownFields.length > 1 ? 's' : ''} ${unknownFields.map(quoted).join(', ')}: the body takes table, rows (or row) and sync`,
		);
	const tables = Object.keys(rules.allowed);
	if (typeof body.table !== 'string' || !body.table)
		throw new RequestError('The request names no table ("table": "…")');
	if (!Object.prototype.hasOwnProperty.call(rules.allowed, body.table))
		throw new RequestError(
			tables.length
				? `Table ${quoted(body.table)} is not one this dual write accepts (${tables.map(quoted).join(', ')})`
				: 'This dual write accepts no table yet: list the tables and their columns in its Check Write step (Allowed Writes)',
			{ table: body.table.slice(0, 64) },
		);
	if (body.sync !== undefined && typeof body.sync !== 'string') throw new RequestError('"sync" must be a string');
	const rows = body.rows ?? (body.row === undefined ? undefined : [body.row]);
	if (!Array.isArray(rows) || !rows.length) throw new RequestError('The request has no rows ("rows": [{…}])');
	if (rows.length > rules.maxRows)
		throw new RequestError(`The request has ${rows.length} rows; this dual write accepts at most ${rules.maxRows}`);
	const columns = new Set(rules.allowed[body.table]);
	rows.forEach((row, i) => {
		if (!isObject(row)) throw new RequestError(`Row ${i} is not a JSON object`, { table: body.table as string });
		const refused = Object.keys(row).filter((k) => !columns.has(k));
		if (refused.length)
			throw new RequestError(
				`Row ${i} writes ${refused.map(quoted).join(', ')}, not among the columns this dual write accepts in ${body.table as string} (${[...columns].map(quoted).join(', ')})`,
				{ table: body.table as string },
			);
	});
	return { table: body.table, ...(body.sync === undefined ? {} : { sync: body.sync }), rows: rows as Row[] };
}
