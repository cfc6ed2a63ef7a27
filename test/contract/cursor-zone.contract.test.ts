import { createMysqlConnector } from '../../connectors/mysql/mysql-client';
import { readChangeBatch, startPosition } from '../../core/sync/sync';
import { withMysql } from '../helpers/native';
import { mysqlSettings, requireService } from '../helpers/services';

/**
 * A DATETIME cursor holds the wall-clock time of the server's zone (applications write NOW()
 * there): the sync's horizon is read in that zone. Were it taken as UTC, a server five hours behind
 * UTC would have rows read the moment they are written, inside the lag meant for late commits.
 */
const TABLE = 'dm_cursor_zone';

describe('MySQL DATETIME cursors in the server’s configured time zone', () => {
	beforeAll(() => requireService('mariadb'));

	it.each(['-05:00', '+09:30'])('reads the horizon in the server zone %s, not UTC', async (zone) => {
		const connector = createMysqlConnector(mysqlSettings);
		try {
			await withMysql(async (q) => {
				await q(`DROP TABLE IF EXISTS ${TABLE}`);
				await q(`CREATE TABLE ${TABLE} (id INT PRIMARY KEY, changed DATETIME(6) NOT NULL)`);
				await q(`SET GLOBAL time_zone = '${zone}'`);
			});
			// A fresh session takes the server's zone, as an application's does; NOW() is its wall clock.
			await withMysql((q) =>
				q(`INSERT INTO ${TABLE} VALUES (1, NOW(6) - INTERVAL 120 SECOND), (2, NOW(6) - INTERVAL 10 SECOND)`),
			);
			const options = {
				table: TABLE,
				cursorColumn: 'changed',
				sync: 'zone',
				owner: 'me',
				after: null,
				batchSize: 10,
				lagSeconds: 60,
			};
			const { rows, batch } = await readChangeBatch(connector, options);
			// Row 1 is older than the lag; row 2 is inside it and waits for a later sync.
			expect(rows.map((r) => r.id)).toEqual([1]);
			// The horizon is the server's wall clock minus the lag, as the cursor is written.
			const [{ local }] = await withMysql((q) =>
				q("SELECT DATE_FORMAT(NOW(6) - INTERVAL 60 SECOND, '%Y-%m-%dT%H:%i:%s') AS local"),
			);
			const apart = (cursor: unknown) => Math.abs(Date.parse(`${String(cursor)}Z`) - Date.parse(`${String(local)}Z`));
			expect(apart(batch.horizon)).toBeLessThan(5000);
			const start = await startPosition(connector, TABLE, 'changed', 60);
			expect(apart(start.watermark?.cursor)).toBeLessThan(5000);
		} finally {
			await withMysql((q) => q("SET GLOBAL time_zone = 'SYSTEM'"));
			await connector.close();
		}
	});
});
