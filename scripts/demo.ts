/**
 * Demo migration on the local services: seeds a MariaDB table with awkward values, migrates it to
 * PostgreSQL in keyset chunks with checkpoints, compares checksums computed inside each database,
 * and prints the migration report. Run it twice: the second run skips every chunk already done.
 */
import { createMysqlConnector } from '../connectors/mysql/mysql-client';
import { createPostgresConnector } from '../connectors/postgres/postgres-client';
import { migrateTable } from '../core/migrate';
import type { Row, TableSchema } from '../core/schema';

const env = process.env;
const ROWS = Number(env.DEMO_ROWS ?? 50_000);
const TABLE = 'demo_customers';

const schema: TableSchema = {
	name: TABLE,
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

async function main(): Promise<void> {
	const mysql = createMysqlConnector({
		host: env.MYSQL_HOST ?? '127.0.0.1',
		port: Number(env.MYSQL_PORT ?? 3306),
		database: env.MYSQL_DATABASE ?? 'test',
		user: env.MYSQL_USER ?? 'root',
		password: env.MYSQL_PASSWORD ?? '',
	});
	const postgres = createPostgresConnector({
		host: env.PGHOST ?? '127.0.0.1',
		port: Number(env.PGPORT ?? 5432),
		database: env.PGDATABASE ?? 'test',
		user: env.PGUSER ?? 'postgres',
		password: env.PGPASSWORD ?? '',
	});
	try {
		const fresh = !process.argv.includes('--resume');
		if (fresh) {
			process.stderr.write(`Seeding MariaDB ${TABLE} with ${ROWS} rows…\n`);
			for (const connector of [mysql, postgres]) {
				if ((await connector.introspect()).some((t) => t.name === TABLE)) await connector.dropTable(TABLE);
			}
			await postgres.state.delete('chunks');
			await mysql.createTable(schema);
			for (let id = 1; id <= ROWS; id += 5000) {
				const rows = Array.from({ length: Math.min(5000, ROWS - id + 1) }, (_, i) => demoRow(id + i));
				await mysql.write(TABLE, rows, { mode: 'insert' });
			}
		}
		const started = new Date();
		const result = await migrateTable(mysql, postgres, TABLE, {
			run: 'demo',
			rowsPerChunk: 10_000,
			batchSize: 2_000,
			onChunk: (done, total) => process.stderr.write(`\rchunk ${done}/${total}`),
		});
		process.stderr.write('\n');
		const counts = [await mysql.count(TABLE), await postgres.count(TABLE)];
		const status = result.matches && counts[0] === counts[1] ? 'SUCCESS' : 'FAILED';
		console.log(
			[
				`# Migration report: demo MariaDB → PostgreSQL`,
				'',
				`- Date: ${started.toISOString()}`,
				`- Table: ${TABLE}`,
				`- Duration: ${result.seconds.toFixed(2)} s`,
				`- Records migrated: ${result.rows} (chunks: ${result.chunks}, skipped as already done: ${result.chunksSkipped})`,
				`- Average speed: ${Math.round(result.rows / Math.max(result.seconds, 0.001))} rows/s`,
				'',
				'## Validation',
				'',
				'| Check | Source | Destination | Result |',
				'|---|---|---|---|',
				`| Row count | ${counts[0]} | ${counts[1]} | ${counts[0] === counts[1] ? 'PASS' : 'FAIL'} |`,
				`| Checksum (computed in each database) | ${result.sourceDigest} | ${result.destinationDigest} | ${result.matches ? 'PASS' : 'FAIL'} |`,
				'',
				`Status: ${status}`,
			].join('\n'),
		);
		if (status !== 'SUCCESS') process.exitCode = 1;
	} finally {
		await Promise.all([mysql.close(), postgres.close()]);
	}
}

main().catch((error) => {
	console.error(`Demo failed: ${error instanceof Error ? error.message : String(error)}`);
	process.exit(1);
});
