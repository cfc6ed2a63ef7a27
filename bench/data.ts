/**
 * The benchmark tables, generated inside each database so every contender reads the same rows:
 * B1 (MariaDB) and B2 (PostgreSQL) with ten mixed columns and two secondary indexes, B5 (MongoDB wire).
 */
import { createMongoClient } from '../connectors/mongodb/mongodb-client';
import { withMysql, withPostgres } from '../test/helpers/native';
import { mongoSettings } from '../test/helpers/services';

/** No `DEFAULT CURRENT_TIMESTAMP(3)`: pgloader 3.6.7 turns it into the string 'current_timestamp(3)' and fails. */
export async function seedMysql(table: string, rows: number): Promise<void> {
	await withMysql(async (q) => {
		await q(`DROP TABLE IF EXISTS ${table}`);
		await q(`CREATE TABLE ${table} (id BIGINT PRIMARY KEY, qty INT NOT NULL, price DECIMAL(12,2) NULL, rank_no SMALLINT NULL,
			code VARCHAR(40) NOT NULL, label VARCHAR(80) NULL, active TINYINT(1) NOT NULL, ratio DOUBLE NULL,
			created DATETIME(3) NOT NULL, changed TIMESTAMP(3) NULL, attrs JSON NULL,
			KEY ${table}_code (code), KEY ${table}_created (created)) CHARACTER SET utf8mb4`);
		for (let start = 1; start <= rows; start += 500_000) {
			const end = Math.min(rows, start + 499_999);
			await q(`INSERT INTO ${table} SELECT seq, seq % 100000, IF(seq % 13 = 0, NULL, seq * 1.01), seq % 30000,
				CONCAT('C', LPAD(seq % 99991, 6, '0')), IF(seq % 7 = 0, NULL, CONCAT('näme ', seq, IF(seq % 11 = 0, ' 😀', ''))),
				seq % 2, IF(seq % 5 = 0, NULL, seq / 7), TIMESTAMPADD(SECOND, seq, '2020-01-01 00:00:00.123'),
				IF(seq % 3 = 0, NULL, TIMESTAMPADD(SECOND, seq, '2021-01-01 00:00:00.456')),
				IF(seq % 4 = 0, NULL, JSON_OBJECT('k', seq % 10, 'tags', JSON_ARRAY('a', seq % 3)))
				FROM seq_${start}_to_${end}`);
		}
	});
}

export async function seedPostgres(table: string, rows: number): Promise<void> {
	await withPostgres(async (q) => {
		await q(`DROP TABLE IF EXISTS public.${table}`);
		await q(`CREATE TABLE public.${table} (id bigint PRIMARY KEY, qty integer NOT NULL, price numeric(12,2), rank_no smallint,
			code varchar(40) NOT NULL, label varchar(80), active boolean NOT NULL, ratio double precision,
			created timestamp(3) NOT NULL, changed timestamptz(3), attrs jsonb)`);
		await q(`INSERT INTO public.${table} SELECT g, g % 100000, CASE WHEN g % 13 = 0 THEN NULL ELSE g * 1.01 END, g % 30000,
			'C' || lpad((g % 99991)::text, 6, '0'), CASE WHEN g % 7 = 0 THEN NULL ELSE 'näme ' || g || CASE WHEN g % 11 = 0 THEN ' 😀' ELSE '' END END,
			g % 2 = 1, CASE WHEN g % 5 = 0 THEN NULL ELSE g / 7.0 END, timestamp '2020-01-01 00:00:00.123' + g * interval '1 second',
			CASE WHEN g % 3 = 0 THEN NULL ELSE timestamptz '2021-01-01 00:00:00.456+00' + g * interval '1 second' END,
			CASE WHEN g % 4 = 0 THEN NULL ELSE jsonb_build_object('k', g % 10, 'tags', jsonb_build_array('a', g % 3)) END
			FROM generate_series(1, ${rows}) g`);
		await q(`CREATE INDEX ${table}_code ON public.${table} (code)`);
		await q(`CREATE INDEX ${table}_created ON public.${table} (created)`);
		await q(`ANALYZE public.${table}`);
	});
}

export async function seedMongo(collection: string, docs: number): Promise<void> {
	const client = createMongoClient(mongoSettings);
	try {
		const c = client.db(mongoSettings.database).collection<{ _id: number }>(collection);
		await c.drop().catch(() => false);
		for (let start = 0; start < docs; start += 5000) {
			await c.insertMany(
				Array.from({ length: Math.min(5000, docs - start) }, (_, i) => {
					const g = start + i;
					return {
						_id: g,
						qty: g % 100000,
						code: `C${g % 99991}`,
						label: g % 7 ? `näme ${g}` : null,
						active: g % 2 === 0,
						ratio: g / 7,
						created: new Date(Date.UTC(2020, 0, 1) + g * 1000),
						attrs: { k: g % 10 },
					};
				}),
			);
		}
	} finally {
		await client.close();
	}
}
