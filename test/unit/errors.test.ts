import { excerptValues } from '../../connectors/mysql/mysql-errors';
import { assessTables, tableIssues } from '../../core/mapping/assess';
import type { ChangeSource } from '../../core/ports';
import { ConnectionError, redact } from '../../core/model/errors';
import type { TableSchema } from '../../core/model/schema';

describe('errors and assessment', () => {
	it('redacts every occurrence of a secret', () => {
		expect(redact('password "s3cret!" for s3cret!', ['s3cret!'])).toBe('password "***" for ***');
	});

	it('marks connection failures retryable and auth failures not', () => {
		expect(new ConnectionError('CONNECTION_FAILED', 'x').retryable).toBe(true);
		expect(new ConnectionError('AUTH_FAILED', 'x').retryable).toBe(false);
	});

	const noKey: TableSchema = {
		name: 'logs',
		columns: [{ name: 'g', nativeType: 'geometry', logical: 'unknown', nullable: true }],
		primaryKey: [],
		indexes: [],
		foreignKeys: [{ name: 'fk', columns: ['g'], referencedTable: 'p', referencedColumns: ['id'] }],
		rowEstimate: 42,
	};

	it('names a table without a key and a type without a mapping', () => {
		expect(tableIssues(noKey)).toEqual([
			'no primary key: cannot be read in keyset chunks or upserted idempotently',
			'column g: native type geometry has no mapping',
		]);
	});

	it('assesses with estimates unless exact counts are asked for', async () => {
		const fake = { introspect: async () => [noKey], count: async () => 40 } as unknown as ChangeSource;
		expect((await assessTables(fake))[0]).toMatchObject({
			table: 'logs',
			rows: 42,
			rowsExact: false,
			foreignKeys: [{ references: 'p(id)' }],
		});
		expect((await assessTables(fake, [], { exactCounts: true }))[0]).toMatchObject({ rows: 40, rowsExact: true });
		// No estimate yet (a table never analysed): counted, not planned as empty.
		const unanalysed = {
			introspect: async () => [{ ...noKey, rowEstimate: -1 }],
			count: async () => 40,
		} as unknown as ChangeSource;
		expect((await assessTables(unanalysed))[0]).toMatchObject({ rows: 40, rowsExact: true });
	});
});

describe('values quoted in MySQL messages', () => {
	it('are cut to a short excerpt before a message can reach an answer or a report', () => {
		const long = `secret-${'x'.repeat(100)}`;
		expect(excerptValues(`Duplicate entry '${long}' for key 'email'`)).toBe(
			`Duplicate entry '${long.slice(0, 40)}…' for key 'email'`,
		);
		expect(excerptValues(`Incorrect integer value: '${long}' for column \`n\` at row 1`)).toBe(
			`Incorrect integer value: '${long.slice(0, 40)}…' for column \`n\` at row 1`,
		);
		expect(excerptValues("Duplicate entry '42' for key 'PRIMARY'")).toBe("Duplicate entry '42' for key 'PRIMARY'");
	});
});
