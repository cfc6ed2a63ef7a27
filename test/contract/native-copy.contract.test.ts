import { createPostgresConnector } from '../../connectors/postgres/postgres-client';
import { copyChunk } from '../../core/copy/migrate';
import type { DatabaseConnector } from '../../core/ports';
import { withPostgres } from '../helpers/native';
import { postgresSettings, requireService } from '../helpers/services';

const TABLE = 'dm_native_copy';
const TARGET = 'dm_target';
const ODD_USER = 'dm_odd_settings';
/**
 * The role goes, and what it created stays, owned by the test's user: the first connector to use a
 * schema creates its `_dm_state`, and other suites share that table.
 */
const DROP_ODD_USER = `DO $$ BEGIN
	IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${ODD_USER}') THEN
		REASSIGN OWNED BY ${ODD_USER} TO CURRENT_USER;
		DROP OWNED BY ${ODD_USER};
		DROP ROLE ${ODD_USER};
	END IF;
END $$`;

/** Values whose text depends on session settings or is easy to round: doubles, durations, instants, bytes, JSON. */
const CREATE = (schema: string, extra = '') => `
	DROP TABLE IF EXISTS ${schema}.${TABLE};
	CREATE TABLE ${schema}.${TABLE} (
		id bigint PRIMARY KEY, d double precision, r real, n numeric(30,12), t text${extra}, v varchar(20),
		ts timestamp(6), tz timestamptz, dt date, du interval, b bytea, j jsonb, js json, flag boolean, u uuid, arr integer[]
	)`;
const SEED = `
	INSERT INTO public.${TABLE}
	SELECT g, CASE g % 7 WHEN 0 THEN 0.1 + 0.2 WHEN 1 THEN 5e-324 WHEN 2 THEN 1.7976931348623157e308 WHEN 3 THEN '-0'::float8
		WHEN 4 THEN 'NaN' WHEN 5 THEN '-Infinity' ELSE g / 3.0 END,
		g / 7.0, (g * 1234567.000000000001)::numeric(30,12), CASE WHEN g % 11 = 0 THEN NULL ELSE 'tab	and
newline \\ back ' || g || ' ✓' END, 'v' || g,
		'2001-02-03 04:05:06.789012'::timestamp + g * interval '1 second', '1999-12-31 23:59:59.999999+05:30'::timestamptz + g * interval '1 minute',
		'0044-03-15'::date + g, make_interval(years => g % 3, months => g % 5, days => g % 9, secs => g * 0.000001),
		decode(lpad(to_hex(g), 8, '0') || '00ff', 'hex'), jsonb_build_object('z', g, 'a', array[1.50, 2], 'big', 12345678901234567890),
		'{"b": 1, "a": [1.0, 2e3]}'::json, g % 2 = 0, md5(g::text)::uuid, array[g, NULL, -g]
	FROM generate_series(1, 3000) g`;

const pg = (schema: string) => createPostgresConnector({ ...postgresSettings, schema });
const dump = (schema: string) =>
	withPostgres((q) =>
		q(`SELECT md5(string_agg(t::text, '|' ORDER BY id)) AS digest, count(*)::int AS n FROM ${schema}.${TABLE} t`),
	);

describe('PostgreSQL → PostgreSQL native copy (COPY TO STDOUT piped into COPY FROM STDIN)', () => {
	let source: DatabaseConnector;
	let destination: DatabaseConnector;

	beforeAll(async () => {
		await requireService('postgres');
		await withPostgres(async (q) => {
			await q(`CREATE SCHEMA IF NOT EXISTS ${TARGET}`);
			await q(CREATE('public'));
			await q(SEED);
		});
		source = pg('public');
		destination = pg(TARGET);
	});
	afterAll(async () => {
		await Promise.all([source?.close(), destination?.close()]);
	});

	it('copies every value exactly, whatever the sessions print, with the checkpoint; a rerun skips the chunk', async () => {
		await withPostgres(async (q) => {
			await q(CREATE(TARGET));
			// A user whose sessions print doubles, dates and durations differently (a plain dump would round or misread them).
			await q(DROP_ODD_USER);
			await q(`CREATE ROLE ${ODD_USER} LOGIN SUPERUSER`);
			await q(`ALTER ROLE ${ODD_USER} SET extra_float_digits = -3`);
			await q(`ALTER ROLE ${ODD_USER} SET DateStyle = 'SQL, DMY'`);
			await q(`ALTER ROLE ${ODD_USER} SET IntervalStyle = 'sql_standard'`);
		});
		const odd = (schema: string) =>
			createPostgresConnector({ ...postgresSettings, user: ODD_USER, password: undefined, schema });
		const [a, b] = [odd('public'), odd(TARGET)];
		try {
			const chunk = { run: `native-${Date.now()}`, table: TABLE, position: { after: ['1000'], upTo: ['2500'] } };
			const result = await copyChunk(a, b, chunk, { batchSize: 500, mode: 'upsert' });
			expect(result).toMatchObject({ path: 'native', written: 1500, skipped: false, rejected: [] });
			expect(await b.state.get('chunks', `${chunk.run}/${TABLE}/${JSON.stringify(chunk.position)}`)).toMatchObject({
				rows: 1500,
				rejectedCount: 0,
			});
			expect(await copyChunk(a, b, chunk, { batchSize: 500, mode: 'upsert' })).toMatchObject({
				skipped: true,
				written: 0,
			});
			// The rest, and the copied range again under another run (upsert: no duplicate).
			for (const position of [{ upTo: ['1000'] }, { after: ['1000'] }])
				await copyChunk(
					a,
					b,
					{ run: `native-rest-${Date.now()}`, table: TABLE, position },
					{ batchSize: 500, mode: 'upsert' },
				);
		} finally {
			await Promise.all([a.close(), b.close()]);
			await withPostgres((q) => q(DROP_ODD_USER));
		}
		const [from] = await dump('public');
		const [to] = await dump(TARGET);
		expect(to).toEqual(from);
		expect(to.n).toBe(3000);
		// Validated the same-engine way too.
		const [native] = await withPostgres((q) =>
			q(`SELECT count(*)::int AS n FROM public.${TABLE} s JOIN ${TARGET}.${TABLE} d USING (id)
				WHERE float8send(s.d) = float8send(d.d) AND s.du = d.du AND s.j = d.j AND s.js::text = d.js::text AND s.tz = d.tz AND s.dt = d.dt`),
		);
		expect(native.n).toBe(3000);
	});

	it('takes the row path when the tables differ, and when the destination refuses a row it names the row', async () => {
		// Without the array column: the row path writes PostgreSQL arrays as JSON text, which an integer[] refuses (noted in the README).
		const ROWS_TABLE = `${TABLE}_rows`;
		const like = (schema: string, change = '') =>
			`DROP TABLE IF EXISTS ${schema}.${ROWS_TABLE}; CREATE TABLE ${schema}.${ROWS_TABLE} (LIKE public.${TABLE}); ALTER TABLE ${schema}.${ROWS_TABLE} DROP COLUMN arr, ADD PRIMARY KEY (id)${change}`;
		await withPostgres((q) =>
			q(
				`${like('public')}; INSERT INTO public.${ROWS_TABLE} SELECT id, d, r, n, t, v, ts, tz, dt, du, b, j, js, flag, u FROM public.${TABLE}`,
			),
		);
		const copy = (run: string, position: object, batchSize: number) =>
			copyChunk(
				source,
				destination,
				{ run: `${run}-${Date.now()}`, table: ROWS_TABLE, position },
				{ batchSize, mode: 'upsert' },
			);

		// A type that differs (varchar(20) there, text here): the row pipeline, checked value by value.
		await withPostgres((q) => q(like(TARGET, ', ALTER COLUMN v TYPE text')));
		const differing = await copy('rows', { upTo: ['100'] }, 50);
		expect(differing).toMatchObject({ path: 'rows', written: 100, rejected: [] });

		// Alike tables, but a CHECK refuses id 1234: the native copy rolls back whole, the row path rejects that row only.
		await withPostgres((q) => q(like(TARGET, `, ADD CONSTRAINT no_1234 CHECK (id <> 1234)`)));
		const refused = await copy('check', { after: ['1000'], upTo: ['1500'] }, 100);
		expect(refused).toMatchObject({ path: 'rows', written: 499 });
		expect(refused.rejected).toEqual([expect.objectContaining({ key: ['1234'] })]);
		const [{ n }] = await withPostgres((q) => q(`SELECT count(*)::int AS n FROM ${TARGET}.${ROWS_TABLE}`));
		expect(n).toBe(499);
	});

	it('a write side that fails first leaves the read stream heard: no unhandled error event, the failure surfaces', async () => {
		const unheard: unknown[] = [];
		const listen = (error: unknown) => unheard.push(error);
		process.on('uncaughtException', listen);
		try {
			const reader = source as unknown as {
				copyOut(
					t: string,
					r: object,
					c: string[],
					consume: (rows: NodeJS.ReadableStream) => Promise<unknown>,
				): Promise<unknown>;
			};
			// The consumer gives up after the first bytes, as a refused COPY FROM does mid-stream.
			const failed = reader.copyOut(
				TABLE,
				{},
				['id', 't'],
				(rows) =>
					new Promise((_, reject) => rows.once('data', () => reject(new Error('the destination refused the copy')))),
			);
			await expect(failed).rejects.toThrow('the destination refused the copy');
			// The connection is closed under the abandoned COPY; its late error must be heard.
			await new Promise((resolve) => setTimeout(resolve, 500));
			expect(unheard).toEqual([]);
			expect(await source.count(TABLE)).toBe(3000);
		} finally {
			process.off('uncaughtException', listen);
		}
	});
});
