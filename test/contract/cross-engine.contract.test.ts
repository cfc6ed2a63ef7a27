import { DigestAccumulator } from '../../core/validate/digest';
import { edgeRows, edgeTable } from '../helpers/fixtures';
import { connectTarget, dropIfExists, targets } from './targets';

/** The same rows in different engines give the same checksum, computed inside each database. */
describe('checksums agree across engines', () => {
	// JSON and single floats are hashed in JavaScript (no two engines print them alike); the rest, doubles by their bits, inside each database.
	const table = { ...edgeTable, name: 'dm_cross_engine' };
	const rows = edgeRows.map((row) => Object.fromEntries(table.columns.map((c) => [c.name, row[c.name] ?? null])));
	// Key order in JSON differs from the fixture's, and from engine to engine.
	rows[0] = { ...rows[0], doc: { nested: { deep: true }, unicode: 'é😀', a: null, b: [1, 2, { c: 'x' }] } };

	it.each(targets.filter((t) => t.native))('$name matches the digest of the fixture rows', async (target) => {
		const connector = await connectTarget(target);
		try {
			await dropIfExists(connector, table.name);
			await connector.createTable(table);
			await connector.write(table.name, rows, { mode: 'insert' });
			const expected = new DigestAccumulator(table.columns, table.primaryKey);
			edgeRows.forEach((r) => expected.add(Object.fromEntries(table.columns.map((c) => [c.name, r[c.name] ?? null]))));
			expect(await connector.checksum(table.name)).toEqual(expected.result());
		} finally {
			await connector.close();
		}
	});
});
