import { createMysqlConnector } from '../../connectors/mysql/mysql-client';
import { createPostgresConnector } from '../../connectors/postgres/postgres-client';
import { portableSchema } from '../../core/copy/migrate';
import { withMysql, withPostgres } from '../helpers/native';
import { mysqlSettings, postgresSettings, requireService } from '../helpers/services';

/**
 * Defaults every engine reads alike cross over with the table, among them MariaDB's
 * `DEFAULT CURRENT_TIMESTAMP(3)` (pgloader 3.6.7 turns it into the string 'current_timestamp(3)').
 */
describe('column defaults across engines', () => {
	beforeAll(async () => {
		await requireService('mariadb');
		await requireService('postgres');
	});

	it('MariaDB → PostgreSQL: the clock, a string, a number and a TINYINT(1); functions stay behind', async () => {
		await withMysql(async (q) => {
			await q('DROP TABLE IF EXISTS dm_defaults');
			await q(`CREATE TABLE dm_defaults (id INT PRIMARY KEY, created DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
				status VARCHAR(10) NOT NULL DEFAULT 'it''s new', qty INT DEFAULT 0, flag TINYINT(1) NOT NULL DEFAULT 1,
				note VARCHAR(20) DEFAULT NULL, code VARCHAR(40) DEFAULT (UUID()))`);
		});
		await withPostgres((q) => q('DROP TABLE IF EXISTS public.dm_defaults'));
		const [mysql, pg] = [
			createMysqlConnector(mysqlSettings),
			createPostgresConnector({ ...postgresSettings, schema: 'public' }),
		];
		try {
			const [schema] = await mysql.introspect(['dm_defaults']);
			await pg.createTable(portableSchema(schema));
		} finally {
			await Promise.all([mysql.close(), pg.close()]);
		}
		const [row] = await withPostgres(async (q) => {
			await q('INSERT INTO public.dm_defaults (id) VALUES (1)');
			return q(
				"SELECT created > now() - interval '1 minute' AS recent, status, qty, flag, note, code FROM public.dm_defaults",
			);
		});
		// TINYINT(1) is an integer as introspected (Map makes it boolean when its data is only 0 and 1).
		expect(row).toEqual({ recent: true, status: "it's new", qty: 0, flag: 1, note: null, code: null });
	});

	it('PostgreSQL → MariaDB: CURRENT_TIMESTAMP keeps the column precision, literals are bound', async () => {
		await withPostgres(async (q) => {
			await q('DROP TABLE IF EXISTS public.dm_defaults_pg');
			await q(`CREATE TABLE public.dm_defaults_pg (id int PRIMARY KEY, created timestamptz(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
				seen timestamp DEFAULT now(), status varchar(10) DEFAULT 'new', qty numeric(6,2) DEFAULT -1.5, flag boolean DEFAULT false,
				code text DEFAULT md5('x'))`);
		});
		await withMysql((q) => q('DROP TABLE IF EXISTS dm_defaults_pg'));
		const [pg, mysql] = [
			createPostgresConnector({ ...postgresSettings, schema: 'public' }),
			createMysqlConnector(mysqlSettings),
		];
		try {
			const [schema] = await pg.introspect(['dm_defaults_pg']);
			await mysql.createTable(portableSchema(schema));
		} finally {
			await Promise.all([mysql.close(), pg.close()]);
		}
		const [row] = await withMysql(async (q) => {
			await q('INSERT INTO dm_defaults_pg (id) VALUES (1)');
			return q(
				'SELECT created IS NOT NULL AS created, seen IS NOT NULL AS seen, status, qty, flag, code FROM dm_defaults_pg',
			);
		});
		expect(row).toEqual({ created: 1, seen: 1, status: 'new', qty: '-1.50', flag: 0, code: null });
	});
});
