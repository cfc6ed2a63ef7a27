import { createMysqlConnector } from '../../connectors/mysql/mysql-client';
import { createPostgresConnector } from '../../connectors/postgres/postgres-client';
import type { DatabaseConnector } from '../../core/ports';
import { withMysql, withPostgres } from '../helpers/native';
import { mysqlSettings, postgresSettings, requireService } from '../helpers/services';

/**
 * The package's own state table under concurrent first use: 8 connectors (as parallel chunks, two
 * migrations or n8n workers would be) write state at once into a destination that has no
 * `_dm_state` yet. Every write lands and the table is made once; repeated, since a race is a matter of luck.
 */
const USERS = 8;
const ROUNDS = 4;

async function raceFirstUse(connectors: DatabaseConnector[]): Promise<void> {
	try {
		const results = await Promise.allSettled(connectors.map((c, i) => c.state.set('race', `writer-${i}`, { i })));
		expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
		const entries = await connectors[0].state.list<{ i: number }>('race');
		expect(entries.map((e) => e.value.i).sort((a, b) => a - b)).toEqual([...Array(USERS).keys()]);
	} finally {
		await Promise.all(connectors.map((c) => c.close()));
	}
}

describe('_dm_state is created once, race-free, on first concurrent use', () => {
	it('PostgreSQL: 8 concurrent first uses of an empty schema', async () => {
		await requireService('postgres');
		for (let round = 0; round < ROUNDS; round++) {
			const schema = `dm_state_race_${round}`;
			await withPostgres((q) => q(`DROP SCHEMA IF EXISTS ${schema} CASCADE; CREATE SCHEMA ${schema}`));
			await raceFirstUse(Array.from({ length: USERS }, () => createPostgresConnector({ ...postgresSettings, schema })));
			expect(
				await withPostgres((q) => q(`SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = '${schema}'`)),
			).toEqual([{ n: 1 }]);
			await withPostgres((q) => q(`DROP SCHEMA ${schema} CASCADE`));
		}
	});

	it('MariaDB: 8 concurrent first uses of an empty database', async () => {
		await requireService('mariadb');
		for (let round = 0; round < ROUNDS; round++) {
			const database = `dm_state_race_${round}`;
			await withMysql((q) => q(`DROP DATABASE IF EXISTS ${database}`).then(() => q(`CREATE DATABASE ${database}`)));
			await raceFirstUse(Array.from({ length: USERS }, () => createMysqlConnector({ ...mysqlSettings, database })));
			expect(
				await withMysql((q) =>
					q(`SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = '${database}'`),
				),
			).toEqual([{ n: 1 }]);
			await withMysql((q) => q(`DROP DATABASE ${database}`));
		}
	});
});
