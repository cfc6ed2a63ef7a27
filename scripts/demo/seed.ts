/** The demo table: a MariaDB table of awkward values (unicode, NULLs, DECIMAL(38,10), BIGINT extremes, µs timestamps, binary with NUL bytes, JSON). */
import type { DatabaseConnector } from '../../core/ports';
import type { Row, TableSchema } from '../../core/model/schema';

export const DEMO_TABLE = 'demo_customers';

const schema: TableSchema = {
	name: DEMO_TABLE,
	columns: [
		{ name: 'id', nativeType: '', logical: 'int64', nullable: false },
		{ name: 'name', nativeType: '', logical: 'string', nullable: false, length: 100 },
		{ name: 'city', nativeType: '', logical: 'string', nullable: true, length: 60 },
		{ name: 'balance', nativeType: '', logical: 'decimal', nullable: true, precision: 38, scale: 10 },
		{ name: 'visits', nativeType: '', logical: 'int64', nullable: true },
		{ name: 'active', nativeType: '', logical: 'boolean', nullable: false },
		{ name: 'signed_up', nativeType: '', logical: 'timestamptz', nullable: true },
		{ name: 'birthday', nativeType: '', logical: 'date', nullable: true },
		{ name: 'avatar', nativeType: '', logical: 'binary', nullable: true },
		{ name: 'prefs', nativeType: '', logical: 'json', nullable: true },
	],
	primaryKey: ['id'],
	indexes: [{ name: 'demo_customers_city', columns: ['city'], unique: false }],
	foreignKeys: [],
	rowEstimate: 0,
};

const CITIES = ['Zürich', 'São Paulo', '東京', 'Kraków', null, '', 'Reykjavík 🌋'];

function demoRow(id: number): Row {
	return {
		id: String(id),
		name: `Customer ${id} ${id % 13 === 0 ? '😀' : ''}`.trim(),
		city: CITIES[id % CITIES.length],
		balance: id % 11 === 0 ? null : `${id % 2 ? '-' : ''}${id * 7919}.${String(id % 10_000_000_000).padStart(10, '0')}`,
		visits: id === 1 ? '9223372036854775807' : id === 2 ? '-9223372036854775808' : String(id * 3),
		active: id % 3 !== 0,
		signed_up:
			id % 17 === 0
				? null
				: new Date(Date.UTC(2015, 0, 1) + id * 60_013_000)
						.toISOString()
						.replace('Z', `${String(id % 1000).padStart(3, '0')}Z`),
		birthday: id % 5 === 0 ? null : `19${50 + (id % 50)}-0${1 + (id % 9)}-1${id % 10}`,
		avatar: id % 4 === 0 ? null : Buffer.from([0, id % 256, 0, 255, 10]),
		prefs:
			id % 6 === 0
				? null
				: { theme: id % 2 ? 'dark' : 'light', tags: ['a', `t${id % 7}`], nested: { n: id % 5, ok: true } },
	};
}

/** Creates the demo table afresh in the source (dropping it in both databases first) and fills it. */
export async function seedDemoTable(
	source: DatabaseConnector,
	destination: DatabaseConnector,
	rows: number,
): Promise<void> {
	for (const connector of [source, destination]) {
		if ((await connector.introspect()).some((t) => t.name === DEMO_TABLE)) await connector.dropTable(DEMO_TABLE);
	}
	await source.createTable(schema);
	for (let id = 1; id <= rows; id += 5000) {
		const batch = Array.from({ length: Math.min(5000, rows - id + 1) }, (_, i) => demoRow(id + i));
		await source.write(DEMO_TABLE, batch, { mode: 'insert' });
	}
}
