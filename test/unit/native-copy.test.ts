import { createPostgresConnector } from '../../connectors/postgres/postgres-client';
import { nativeCopyColumns } from '../../core/copy/native-copy';
import type { Column, TableSchema } from '../../core/model/schema';

const col = (name: string, nativeType: string, logical: Column['logical'] = 'string'): Column => ({
	name,
	nativeType,
	logical,
	nullable: true,
});
const table = (columns: Column[]): TableSchema => ({
	name: 't',
	columns,
	primaryKey: ['id'],
	indexes: [],
	foreignKeys: [],
	rowEstimate: 0,
});

describe('which chunks may go COPY to COPY', () => {
	// No connection is opened: the pool connects on first use only.
	const postgres = createPostgresConnector({ host: '127.0.0.1', port: 1, database: 'x', user: 'x' });
	afterAll(() => postgres.close());
	const exactly = (a: string, b: string) => postgres.copiesExactly(col('c', a), col('c', b));

	it('takes the same type, or a timestamp or time with at least the source fractional digits', () => {
		expect(exactly('numeric(12,2)', 'numeric(12,2)')).toBe(true);
		expect(exactly('timestamp(3) without time zone', 'timestamp(6) without time zone')).toBe(true);
		expect(exactly('timestamp with time zone', 'timestamp(6) with time zone')).toBe(true);
		expect(exactly('time(2) without time zone', 'time(4) without time zone')).toBe(true);
		// Fewer digits would round; another kind would be read otherwise.
		expect(exactly('timestamp(6) without time zone', 'timestamp(3) without time zone')).toBe(false);
		expect(exactly('timestamp(3) without time zone', 'timestamp(6) with time zone')).toBe(false);
		expect(exactly('character varying(20)', 'text')).toBe(false);
		expect(exactly('numeric(12,2)', 'numeric(12,3)')).toBe(false);
		expect(exactly('', '')).toBe(false);
	});

	it('needs the same columns and key, and a key COPY can bound with literals', () => {
		const same = (a: Column, b: Column) => a.nativeType === b.nativeType;
		const id = col('id', 'bigint', 'int64');
		expect(nativeCopyColumns(table([id, col('v', 'text')]), table([col('v', 'text'), id]), same)).toEqual(['id', 'v']);
		expect(nativeCopyColumns(table([id, col('v', 'text')]), table([id]), same)).toBeUndefined();
		expect(nativeCopyColumns(table([id, col('v', 'text')]), table([id, col('w', 'text')]), same)).toBeUndefined();
		const stamp = col('id', 'timestamp', 'timestamp');
		expect(nativeCopyColumns(table([stamp]), table([stamp]), same)).toBeUndefined();
		expect(
			nativeCopyColumns({ ...table([id]), primaryKey: [] }, { ...table([id]), primaryKey: [] }, same),
		).toBeUndefined();
	});
});
