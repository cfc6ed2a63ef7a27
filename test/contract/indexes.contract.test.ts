import { applyDdl, applyForeignKeys, designMappings } from '../../core/mapping/apply';
import type { TableMapping } from '../../core/mapping/mapping';
import type { TableSchema } from '../../core/model/schema';
import type { DatabaseConnector } from '../../core/ports';
import { connectTarget, dropIfExists, targets } from './targets';

/**
 * Secondary indexes after the load, on every real server: a table Apply DDL creates gets its key
 * and unique indexes at once, its other indexes from Apply Foreign Keys once the rows are in; a
 * table that exists already is left as it is; "With the Table" builds them all at once.
 */
const source: TableSchema = {
	name: 'dm_idx_source',
	columns: [
		{ name: 'id', nativeType: '', logical: 'int64', nullable: false },
		{ name: 'email', nativeType: '', logical: 'string', nullable: false, length: 80 },
		{ name: 'city', nativeType: '', logical: 'string', nullable: true, length: 40 },
	],
	primaryKey: ['id'],
	indexes: [
		{ name: 'dm_idx_email', columns: ['email'], unique: true },
		{ name: 'dm_idx_city', columns: ['city'], unique: false },
	],
	foreignKeys: [],
	rowEstimate: 0,
};

const names = async (connector: DatabaseConnector, table: string) =>
	(await connector.introspect([table]))[0].indexes.map((i) => `${i.name}${i.unique ? ' (unique)' : ''}`).sort();

describe.each(targets)('$name: secondary indexes after the load', (target) => {
	let connector: DatabaseConnector;
	let mapping: TableMapping;
	const destination = 'dm_idx_copy';

	beforeAll(async () => {
		connector = await connectTarget(target);
		await dropIfExists(connector, source.name);
		await connector.createTable(source);
		[mapping] = await designMappings(connector, [source.name], {
			overrides: {},
			prefix: '',
			flatten: false,
			childTables: false,
			separator: '_',
			policies: {},
		});
		// Index names are per schema in PostgreSQL: the copy's are its own.
		const indexes = mapping.target.indexes.map((i) => ({ ...i, name: `${i.name}_c` }));
		mapping = { ...mapping, destinationTable: destination, target: { ...mapping.target, name: destination, indexes } };
	});
	afterAll(async () => {
		for (const name of [source.name, destination]) await dropIfExists(connector, name);
		await connector?.close();
	});

	it('builds the non-unique ones after the rows are in, once; the key and unique ones come with the table', async () => {
		await dropIfExists(connector, destination);
		const created = await applyDdl(connector, mapping);
		expect(created).toMatchObject({ indexesAfterLoad: ['dm_idx_city_c'] });
		expect(await names(connector, destination)).not.toContain('dm_idx_city_c');
		expect(await names(connector, destination)).toContain('dm_idx_email_c (unique)');
		await connector.write(destination, [{ id: '1', email: 'a@x', city: 'Zürich' }], { mode: 'insert' });
		// A duplicate of the unique index is refused during the load, not when an index is built after it.
		await expect(
			connector.write(destination, [{ id: '2', email: 'a@x', city: null }], { mode: 'insert' }),
		).rejects.toMatchObject({ code: 'CONSTRAINT_VIOLATION' });
		expect(await applyForeignKeys(connector, mapping)).toMatchObject({ indexesAdded: 1 });
		expect(await names(connector, destination)).toContain('dm_idx_city_c');
		// A rerun (a resumed migration) adds nothing twice.
		expect(await applyForeignKeys(connector, mapping)).toMatchObject({ indexesAdded: 0 });
	});

	it('leaves a table that exists already as it is, and builds every index with the table when asked', async () => {
		await dropIfExists(connector, destination);
		await connector.createTable({ ...mapping.target, indexes: [] });
		expect(await applyDdl(connector, mapping)).toMatchObject({ indexesAfterLoad: [] });
		expect(await applyForeignKeys(connector, mapping)).toMatchObject({ indexesAdded: 0 });
		expect(await names(connector, destination)).toEqual([]);
		await dropIfExists(connector, destination);
		expect(await applyDdl(connector, mapping, { indexes: 'withTable' })).toMatchObject({ indexesAfterLoad: [] });
		expect(await names(connector, destination)).toEqual(['dm_idx_city_c', 'dm_idx_email_c (unique)']);
	});
});
