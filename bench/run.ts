/**
 * `npm run bench`: B1–B8 of BENCHMARKS.md on this machine, each contender measured in the same run
 * on the same generated data, median of BENCH_RUNS (3) with min and max. Writes
 * bench/results/<date>.json and the table in BENCHMARKS.md. Not part of `npm test`: nothing here
 * asserts a time. BENCH_ROWS (1,000,000), BENCH_MONGO_DOCS (20,000), BENCH_ONLY (e.g. "B1,B4"), BENCH_NODE_FLAGS (extra flags for n8n's node, e.g. --cpu-prof).
 * Our runs are Webhook calls into one n8n started beforehand (its start time is reported apart).
 */
import { execFileSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createMysqlConnector } from '../connectors/mysql/mysql-client';
import { createPostgresConnector } from '../connectors/postgres/postgres-client';
import { importJson, prepareN8n, type N8nInstance, type Started } from '../test/helpers/n8n-process';
import { withPostgres } from '../test/helpers/native';
import { auditLog, type AuditEntry } from '../core/report/progress';
import { mysqlSettings, postgresSettings } from '../test/helpers/services';
import {
	benchTemplates,
	copyPipe,
	pgcopydbClone,
	ourTemplate,
	pgloader,
	sling,
	startBenchN8n,
	validateInDatabase,
	validateInNode,
	type Timing,
} from './contenders';
import { seedMongo, seedMysql, seedPostgres } from './data';
import { templateCredentials } from '../test/helpers/templates';
import { startTestApi, type TestApi } from '../test/helpers/test-api';
import { REST_CREDENTIAL } from '../scripts/templates/api-migration';
import { B7_CREDENTIALS, filesBenchmark, seedB7 } from './files';
import { scaleOutBenchmark } from './scale-out';

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const SMALL = Math.min(100_000, ROWS);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const DOCS = Number(process.env.BENCH_MONGO_DOCS ?? 20_000);
const ONLY = new Set((process.env.BENCH_ONLY ?? 'B1,B2,B3,B4,B5,B6,B7,B8').split(',').map((s) => s.trim()));
/** B6: records of the rate-limited test API, its limit (requests a second) and records a page. */
const API_RECORDS = Number(process.env.BENCH_API_RECORDS ?? 100_000);
const API_LIMIT = 50;
const API_PAGE = 100;
const CHUNK = { rowsPerChunk: 50_000, batchSize: 5000 };
const pg = { ...postgresSettings, schema: 'public' };

interface Figure {
	median: number;
	min: number;
	max: number;
	runs: number[];
}
const figure = (values: number[]): Figure => {
	const sorted = [...values].sort((a, b) => a - b);
	const round = (v: number) => Math.round(v * 100) / 100;
	return {
		median: round(sorted[Math.floor(sorted.length / 2)]),
		min: round(sorted[0]),
		max: round(sorted.at(-1)!),
		runs: values.map(round),
	};
};
const rate = (rows: number, t: Timing) => rows / t.seconds;

async function repeat(label: string, times: number, once: (i: number) => Promise<Timing>): Promise<Timing[]> {
	const out: Timing[] = [];
	for (let i = 0; i < times; i++) {
		const t = await once(i);
		console.log(`  ${label} #${i + 1}: ${t.seconds.toFixed(2)} s${t.peakRssMb ? `, peak RSS ${t.peakRssMb} MB` : ''}`);
		out.push(t);
	}
	return out;
}

async function rowsIn(database: string, table: string): Promise<number> {
	const { Pool } = await import('pg');
	const pool = new Pool({ ...postgresSettings, database });
	try {
		const r = await pool.query(`SELECT count(*)::int AS n FROM ${table}`);
		return r.rows[0].n;
	} finally {
		await pool.end();
	}
}

async function main() {
	const results: Record<string, unknown> = {};
	const n8n = await prepareN8n('1');
	// B6's API: the project's test API, limited to 50 requests a second (a token bucket answering 429 + Retry-After).
	const api = await startTestApi({ records: API_RECORDS, rateLimit: API_LIMIT });
	// B7's source: a second MinIO endpoint with 2 GB of mixed sizes.
	const secondEndpoint = ONLY.has('B7') ? await seedB7() : undefined;
	await importJson(
		n8n,
		'credentials',
		templateCredentials([
			{
				id: 'dmBenchTarget',
				name: 'Destination PostgreSQL (dm_bench)',
				type: 'migrationPostgresApi',
				data: { ...postgresSettings, schema: 'dm_bench' },
			},
			{
				...REST_CREDENTIAL.migrationRestApi,
				type: 'migrationRestApi',
				data: { baseUrl: api.url, authentication: 'none', testPath: '/health', headers: '{}' },
			},
			...(secondEndpoint ? B7_CREDENTIALS(secondEndpoint) : []),
		]),
	);
	const { server, startSeconds } = await startBenchN8n(n8n, [
		benchTemplates('mysql-to-postgres'),
		benchTemplates('postgres-to-postgres', { dmDestinationpostgres: 'dmBenchTarget' }),
		benchTemplates('mongodb-to-postgres'),
		benchTemplates('rest-api-to-postgres', {}, 'page-worker'),
		benchTemplates('s3-to-s3', {}, null),
	]);
	console.log(`n8n started in ${startSeconds.toFixed(1)} s (not in the figures below)`);
	results.n8nStartSeconds = round2(startSeconds);
	try {
		await benchmarks(server, results);
		if (ONLY.has('B6')) results.B6 = await restApiBenchmark(server, api);
		if (secondEndpoint) results.B7 = await filesBenchmark(server, secondEndpoint, repeat, figure, RUNS);
	} finally {
		await Promise.all([server.stop(), api.stop(), secondEndpoint?.stop()]);
	}
	// B8 after the one-process n8n has stopped: its own n8n (queue mode, PostgreSQL) with 1, then 2 workers.
	if (ONLY.has('B8')) {
		if (!ONLY.has('B1')) await seedMysql('bench_b1', ROWS);
		results.B8 = await scaleOutBenchmark(n8n, 'bench_b1', ROWS, RUNS, CHUNK, figure);
	}
	const report = {
		date: new Date().toISOString(),
		machine: machine(n8n),
		settings: { rows: ROWS, runs: RUNS, ...CHUNK, mongoDocs: DOCS },
		results,
	};
	const dir = join(__dirname, 'results');
	mkdirSync(dir, { recursive: true });
	const file = join(dir, `${report.date.slice(0, 10)}.json`);
	// A run of some benchmarks (BENCH_ONLY) keeps the others measured earlier the same day.
	if (existsSync(file))
		report.results = { ...(JSON.parse(readFileSync(file, 'utf8')) as typeof report).results, ...report.results };
	writeFileSync(file, JSON.stringify(report, null, '\t') + '\n');
	writeBenchmarksTable(report);
	console.log(`\nwritten ${file} and BENCHMARKS.md`);
	console.log(JSON.stringify(results, null, 2));
}

const round2 = (v: number) => Math.round(v * 100) / 100;

/** B1–B5 against the one running n8n, results into `results`. */
async function benchmarks(server: Started, results: Record<string, unknown>) {
	async function smallRuns() {
		console.log(`B3: peak RSS of n8n at ${SMALL} rows vs ${ROWS}`);
		await seedMysql('bench_b3', SMALL);
		const small = await repeat('n8n template (small)', RUNS, async (i) => {
			await dropTarget('bench_b3');
			return ourTemplate(server, 'mysql-to-postgres', {
				migration: `bench-b3-${Date.now()}-${i}`,
				tables: ['bench_b3'],
				...CHUNK,
			});
		});
		return small;
	}
	const dropTarget = (table: string, schema = 'public') =>
		withPostgres((q) => q(`DROP TABLE IF EXISTS ${schema}.${table}`));

	if (ONLY.has('B1') || ONLY.has('B3') || ONLY.has('B4')) {
		console.log(`B1: MariaDB → PostgreSQL, ${ROWS} rows`);
		// B3's small runs first: one n8n process serves every run, so the larger runs must not size its heap before.
		const small = ONLY.has('B3') ? await smallRuns() : [];
		await seedMysql('bench_b1', ROWS);
		const b1Phases: Array<Record<string, number>> = [];
		const alone: number[] = [];
		const ours = await repeat('n8n template', RUNS, async (i) => {
			await dropTarget('bench_b1');
			const migration = `bench-b1-${Date.now()}-${i}`;
			const started = Date.now();
			const t = await ourTemplate(server, 'mysql-to-postgres', { migration, tables: ['bench_b1'], ...CHUNK });
			const audit = await auditOf(migration);
			b1Phases.push(phases(audit));
			alone.push(untilValidation(audit, migration, started));
			return t;
		});
		if ((await rowsIn(postgresSettings.database, 'public.bench_b1')) !== ROWS)
			throw new Error('B1: our copy is incomplete');
		const peer = ONLY.has('B1')
			? await repeat('pgloader', RUNS, async () => {
					const t = await pgloader('bench_b1', 'dm_bench_pgloader');
					const copied = await rowsIn('dm_bench_pgloader', `${mysqlSettings.database}.bench_b1`);
					if (copied !== ROWS) throw new Error(`B1: pgloader copied ${copied} rows`);
					return t;
				})
			: [];
		const slingRuns = ONLY.has('B1')
			? await repeat('sling', RUNS, async () => {
					const t = await sling('bench_b1', 'dm_bench_sling');
					const copied = await rowsIn('dm_bench_sling', 'public.bench_b1');
					if (copied !== ROWS) throw new Error(`B1b: sling copied ${copied} rows`);
					return t;
				})
			: [];
		const ourRate = figure(ours.map((t) => rate(ROWS, t)));
		const peerRate = peer.length ? figure(peer.map((t) => rate(ROWS, t))) : undefined;
		const slingRate = slingRuns.length ? figure(slingRuns.map((t) => rate(ROWS, t))) : undefined;
		results.B1 = {
			rows: ROWS,
			ours: { rowsPerSecond: ourRate, seconds: figure(ours.map((t) => t.seconds)) },
			// The same runs up to the end of their last step before validation (Add Foreign Keys), from the audit log.
			oursWithoutValidation: { rowsPerSecond: figure(alone.map((s) => ROWS / s)), seconds: figure(alone) },
			pgloader: peerRate && { rowsPerSecond: peerRate, seconds: figure(peer.map((t) => t.seconds)) },
			sling: slingRate && { rowsPerSecond: slingRate, seconds: figure(slingRuns.map((t) => t.seconds)) },
			ratioSling: slingRate && round2(ourRate.median / slingRate.median),
			ratio: peerRate && round2(ourRate.median / peerRate.median),
			target: '≥ 1.5× pgloader',
			destinationStepsSeconds: b1Phases,
		};
		if (ONLY.has('B3')) {
			const smallRss = figure(small.map((t) => t.peakRssMb!));
			const bigRss = figure(ours.map((t) => t.peakRssMb!));
			results.B3 = {
				rows: [SMALL, ROWS],
				peakRssMb: [smallRss, bigRss],
				growthMb: round2(bigRss.median - smallRss.median),
				target: '< 256 MB',
			};
		}
		if (ONLY.has('B4')) {
			console.log(`B4: validate ${ROWS} rows, MariaDB vs PostgreSQL`);
			const [source, destination] = [createMysqlConnector(mysqlSettings), createPostgresConnector(pg)];
			try {
				const fast = await repeat('Validate (checksums in the databases)', RUNS, () =>
					validateInDatabase(source, destination, 'bench_b1'),
				);
				const naive = await repeat('fetch every row into Node and compare', RUNS, () =>
					validateInNode(source, destination, 'bench_b1'),
				);
				const f = figure(fast.map((t) => t.seconds));
				const n = figure(naive.map((t) => t.seconds));
				results.B4 = {
					rows: ROWS,
					validateSeconds: f,
					naiveSeconds: n,
					speedup: round2(n.median / f.median),
					target: '≤ 3 s and ≥ 20× the naive compare',
				};
			} finally {
				await Promise.all([source.close(), destination.close()]);
			}
		}
	}

	if (ONLY.has('B2')) {
		console.log(`B2: PostgreSQL → PostgreSQL, ${ROWS} rows`);
		await seedPostgres('bench_b2', ROWS);
		await withPostgres((q) => q('CREATE SCHEMA IF NOT EXISTS dm_bench'));
		const b2Alone: number[] = [];
		const ours = await repeat('n8n template', RUNS, async (i) => {
			await dropTarget('bench_b2', 'dm_bench');
			const migration = `bench-b2-${Date.now()}-${i}`;
			const started = Date.now();
			const t = await ourTemplate(server, 'postgres-to-postgres', { migration, tables: ['bench_b2'], ...CHUNK });
			b2Alone.push(untilValidation(await auditOf(migration, 'dm_bench'), migration, started));
			return t;
		});
		if ((await rowsIn(postgresSettings.database, 'dm_bench.bench_b2')) !== ROWS)
			throw new Error('B2: our copy is incomplete');
		// B4b: validation of that same-engine copy, every column digested in SQL (the template's Digest "Same Engine").
		const [pgSource, pgCopy] = [createPostgresConnector(pg), createPostgresConnector({ ...pg, schema: 'dm_bench' })];
		try {
			const sameEngine = await repeat('Validate, Digest "Same Engine"', RUNS, () =>
				validateInDatabase(pgSource, pgCopy, 'bench_b2', true),
			);
			const portable = await repeat('Validate, Digest "Portable"', RUNS, () =>
				validateInDatabase(pgSource, pgCopy, 'bench_b2'),
			);
			const naive = await repeat('fetch every row into Node and compare', RUNS, () =>
				validateInNode(pgSource, pgCopy, 'bench_b2'),
			);
			const s = figure(sameEngine.map((t) => t.seconds));
			const n = figure(naive.map((t) => t.seconds));
			results.B4b = {
				rows: ROWS,
				validateSeconds: s,
				portableSeconds: figure(portable.map((t) => t.seconds)),
				naiveSeconds: n,
				speedup: round2(n.median / s.median),
				target: '≤ 3 s and ≥ 20× the naive compare',
			};
		} finally {
			await Promise.all([pgSource.close(), pgCopy.close()]);
		}
		const pipe = await repeat('psql \\copy | psql \\copy', RUNS, () => copyPipe('bench_b2', 'dm_bench_pipe'));
		const clone = await repeat('pgcopydb clone', RUNS, (i) =>
			pgcopydbClone('bench_b2', 'dm_bench_pgcopydb_src', 'dm_bench_pgcopydb', i === 0),
		);
		if ((await rowsIn('dm_bench_pgcopydb', 'public.bench_b2')) !== ROWS)
			throw new Error('B2: pgcopydb copied too few rows');
		// The migration alone (to the end of Add Foreign Keys); with validation, to the answer.
		const ourRate = figure(b2Alone.map((seconds) => ROWS / seconds));
		const pipeRate = figure(pipe.map((t) => rate(ROWS, t)));
		const cloneRate = figure(clone.map((t) => rate(ROWS, t)));
		results.B2 = {
			rows: ROWS,
			ours: { rowsPerSecond: ourRate, seconds: figure(b2Alone) },
			oursWithValidation: { rowsPerSecond: figure(ours.map((t) => rate(ROWS, t))) },
			copyPipe: { rowsPerSecond: pipeRate },
			pgcopydb: { rowsPerSecond: cloneRate },
			ratio: round2(ourRate.median / pipeRate.median),
			ratioPgcopydb: round2(ourRate.median / cloneRate.median),
			target: '≥ 0.6 of the pipe',
		};
	}

	if (ONLY.has('B5')) {
		console.log(`B5: MongoDB (FerretDB) → PostgreSQL, ${DOCS} documents`);
		await seedMongo('bench_b5', DOCS);
		const ours = await repeat('n8n template', RUNS, async (i) => {
			await dropTarget('bench_b5');
			return ourTemplate(server, 'mongodb-to-postgres', {
				migration: `bench-b5-${Date.now()}-${i}`,
				tables: ['bench_b5'],
				rowsPerChunk: 5000,
				batchSize: 5000,
			});
		});
		results.B5 = {
			documents: DOCS,
			ours: { rowsPerSecond: figure(ours.map((t) => rate(DOCS, t))) },
			peer: 'none (recorded)',
		};
	}
}

/**
 * B6: REST API → PostgreSQL by the template's webhook, the API limited to 50 requests a second:
 * the request rate achieved against the limit, 429s after the first, records a second.
 */
async function restApiBenchmark(server: Started, api: TestApi) {
	console.log(
		`B6: REST API → PostgreSQL, ${API_RECORDS} records, ${API_PAGE} a page, the API limited to ${API_LIMIT} requests/s`,
	);
	const rates: number[] = [];
	const throttledAfterFirst: number[] = [];
	const runs = await repeat('n8n template', RUNS, async (i) => {
		await withPostgres((q) => q('DROP TABLE IF EXISTS public.bench_b6'));
		// A full bucket at the start, as a fresh client of the API would find it.
		await new Promise((resolve) => setTimeout(resolve, 1500));
		Object.assign(api.stats, { times: [], firstThrottleAt: undefined, throttledAfterFirst: 0 });
		const t = await ourTemplate(server, 'rest-api-to-postgres', {
			migration: `bench-b6-${Date.now()}-${i}`,
			apiName: 'Test API',
			table: 'bench_b6',
			resource: '/cursor',
			recordsPath: 'data',
			pagination: { style: 'bodyCursor', cursorPath: 'meta.next_cursor', cursorParam: 'cursor', sizeParam: 'limit' },
			pageSize: API_PAGE,
			// One page-worker execution: the pace is not broken by starting another.
			pagesPerExecution: Math.ceil(API_RECORDS / API_PAGE),
			requestsPerSecond: API_LIMIT,
			samplePages: 1,
			verifyPages: 1,
		});
		// The pagination's requests: after Map's one sample page, before Verify's one page fetched again.
		const times = api.stats.times.slice(1, -1);
		rates.push((times.length - 1) / ((times.at(-1)! - times[0]) / 1000));
		throttledAfterFirst.push(api.stats.throttledAfterFirst);
		return t;
	});
	if ((await rowsIn(postgresSettings.database, 'public.bench_b6')) !== API_RECORDS)
		throw new Error('B6: the copy is incomplete');
	const rate = figure(rates);
	return {
		records: API_RECORDS,
		limit: API_LIMIT,
		requestsPerSecond: rate,
		shareOfLimit: round2(rate.median / API_LIMIT),
		throttledAfterFirst: Math.max(...throttledAfterFirst),
		recordsPerSecond: figure(runs.map((t) => API_RECORDS / t.seconds)),
		target: '≥ 95% of the limit, no 429 after the first',
	};
}

/** A run's audit log, read from the destination (schema: where the run's state lives). */
async function auditOf(migration: string, schema = 'public'): Promise<AuditEntry[]> {
	const destination = createPostgresConnector({ ...postgresSettings, schema });
	try {
		return await auditLog(destination, migration);
	} finally {
		await destination.close();
	}
}

/** Seconds per destination step of a run, from its audit log: where our time went. */
function phases(audit: AuditEntry[]): Record<string, number> {
	const out: Record<string, number> = {};
	for (const entry of audit) out[entry.step] = round2((out[entry.step] ?? 0) + entry.durationMs / 1000);
	return out;
}

/** Seconds from the request to the end of the run's last step before validation (Add Foreign Keys). */
function untilValidation(audit: AuditEntry[], migration: string, startedMs: number): number {
	const last = audit.filter((e) => e.step === 'Add Foreign Keys').at(-1);
	if (!last) throw new Error(`${migration}: no Add Foreign Keys step in the audit log`);
	return round2((Date.parse(last.at) - startedMs) / 1000);
}

function machine(n8n: N8nInstance) {
	const version = (cmd: string, args: string[]) => {
		try {
			return execFileSync(cmd, args, { encoding: 'utf8' }).trim().split('\n')[0];
		} catch {
			return 'unknown';
		}
	};
	return {
		cpus: `${cpus().length} × ${cpus()[0]?.model ?? '?'}`,
		memoryGiB: Math.round(totalmem() / 2 ** 30),
		node: process.version,
		n8n: n8n.bin.match(/n8n-([\d.]+)/)?.[1],
		postgres: version('psql', ['--version']),
		mariadb: version('mariadb', ['--version']),
		pgloader: version('pgloader', ['--version']),
		sling: process.env.SLING_BIN ? process.env.SLING_VERSION : 'not built',
		ferretdb: 'v1.24.2',
	};
}

/** Replaces the generated part of BENCHMARKS.md (between its markers) with this run's figures. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the results are this file's own shapes
function writeBenchmarksTable(report: { date: string; results: Record<string, any> }) {
	const file = join(__dirname, '../BENCHMARKS.md');
	// A run of some benchmarks (BENCH_ONLY) keeps the others' latest figures, each saying its date.
	const r: Record<string, any> = { ...earlierResults(report.date), ...report.results };
	const when = (key: string) => (r[key]?.carriedFrom ? ` (run of ${r[key].carriedFrom})` : '');
	const f = (x?: Figure, unit = '') => (x ? `${fmt(x.median)}${unit} (${fmt(x.min)}–${fmt(x.max)})` : '—');
	const lines = [
		`Run of ${report.date.slice(0, 10)} (\`bench/results/${report.date.slice(0, 10)}.json\`); median of the runs (min–max).`,
		'',
		'| | What | Ours | Peer | Ratio | Target |',
		'| --- | --- | --- | --- | --- | --- |',
		r.B1 &&
			`| B1 | MariaDB → PostgreSQL, ${fmt(r.B1.rows)} rows, rows/s${when('B1')} | ${f(r.B1.ours.rowsPerSecond)} | pgloader ${f(r.B1.pgloader?.rowsPerSecond)} | ${r.B1.ratio ?? '—'}× | ${r.B1.target} |`,
		r.B1?.sling &&
			`| B1b | same work | | sling v1.4.5 ${f(r.B1.sling.rowsPerSecond)} | ${r.B1.ratioSling}× | ≥ 1.5× sling |`,
		r.B1?.oursWithoutValidation &&
			`| B1 | same, the migration alone (to the end of Add Foreign Keys, before validation), rows/s | ${f(r.B1.oursWithoutValidation.rowsPerSecond)} | pgloader ${f(r.B1.pgloader?.rowsPerSecond)} | ${r.B1.pgloader ? round2(r.B1.oursWithoutValidation.rowsPerSecond.median / r.B1.pgloader.rowsPerSecond.median) : '—'}× | — |`,
		r.B2 &&
			`| B2 | PostgreSQL → PostgreSQL, ${fmt(r.B2.rows)} rows, the migration alone, rows/s${when('B2')} | ${f(r.B2.ours.rowsPerSecond)}${r.B2.oursWithValidation ? ` (with validation ${f(r.B2.oursWithValidation.rowsPerSecond)})` : ''} | COPY pipe ${f(r.B2.copyPipe.rowsPerSecond)} | ${r.B2.ratio}× | ${r.B2.target} |`,
		r.B2?.pgcopydb &&
			`| B2 | same, against pgcopydb clone | | pgcopydb ${f(r.B2.pgcopydb.rowsPerSecond)} | ${r.B2.ratioPgcopydb}× | ≥ 1.0× pgcopydb |`,
		r.B3 &&
			`| B3 | peak RSS of n8n, ${fmt(r.B3.rows[0])} → ${fmt(r.B3.rows[1])} rows${when('B3')} | ${f(r.B3.peakRssMb[0], ' MB')} → ${f(r.B3.peakRssMb[1], ' MB')} | — | +${r.B3.growthMb} MB | ${r.B3.target} |`,
		r.B4 &&
			`| B4 | validate ${fmt(r.B4.rows)} rows, seconds${when('B4')} | ${f(r.B4.validateSeconds, ' s')} | fetch-all compare ${f(r.B4.naiveSeconds, ' s')} | ${r.B4.speedup}× faster | ${r.B4.target} |`,
		r.B4b &&
			`| B4b | validate ${fmt(r.B4b.rows)} rows PostgreSQL ↔ PostgreSQL, Digest "Same Engine", seconds${when('B4b')} | ${f(r.B4b.validateSeconds, ' s')} (Portable ${f(r.B4b.portableSeconds, ' s')}) | fetch-all compare ${f(r.B4b.naiveSeconds, ' s')} | ${r.B4b.speedup}× faster | ${r.B4b.target} |`,
		r.B5 &&
			`| B5 | MongoDB (FerretDB) → PostgreSQL, ${fmt(r.B5.documents)} docs, rows/s${when('B5')} | ${f(r.B5.ours.rowsPerSecond)} | — | — | recorded |`,
		r.B6 &&
			`| B6 | REST API → PostgreSQL, ${fmt(r.B6.records)} records, API limited to ${r.B6.limit} req/s${when('B6')} | ${f(r.B6.requestsPerSecond)} req/s, ${f(r.B6.recordsPerSecond)} records/s | the limit ${r.B6.limit} req/s | ${r.B6.shareOfLimit}× the limit, ${r.B6.throttledAfterFirst} 429s after the first | ${r.B6.target} |`,
		r.B7 &&
			`| B7 | MinIO → MinIO across endpoints, ${fmt(r.B7.objects)} objects, ${fmt(r.B7.bytes / 1e9)} GB, MB/s, every write checksum-verified${when('B7')} | ${f(r.B7.ours.megabytesPerSecond)} (every object read again after: ${fmt(r.B7.oursFullValidation.megabytesPerSecond)}); peak RSS ${f(r.B7.ours.peakRssMb, ' MB')}, small objects only ${r.B7.smallOnlyPeakRssMb} MB | rclone copy --checksum ${f(r.B7.rclone.megabytesPerSecond)} | ${r.B7.ratio}× | ${r.B7.target} |`,
		r.B8 &&
			`| B8 | MariaDB → PostgreSQL, ${fmt(r.B8.rows)} rows fanned out on n8n queue mode (chunks at once 4; peak RSS: main / each worker)${when('B8')} | 2 workers ${f(r.B8.twoWorkers.rowsPerSecond)} rows/s; RSS ${r.B8.twoWorkers.mainPeakRssMb} / ${r.B8.twoWorkers.workerPeakRssMb.join(' + ')} MB | 1 worker ${f(r.B8.oneWorker.rowsPerSecond)} rows/s; RSS ${r.B8.oneWorker.mainPeakRssMb} / ${r.B8.oneWorker.workerPeakRssMb.join(' + ')} MB | ${r.B8.ratio}× | ${r.B8.target} |`,
	].filter((line) => line !== undefined);
	const text = readFileSync(file, 'utf8');
	const start = '<!-- bench:start -->';
	const end = '<!-- bench:end -->';
	writeFileSync(file, text.replace(new RegExp(`${start}[\\s\\S]*${end}`), `${start}\n${lines.join('\n')}\n${end}`));
	// Aligned as the repository's formatter keeps it, so `npm run lint` stays green after a run.
	execFileSync('npx', ['prettier', '--write', file], { cwd: join(__dirname, '..'), stdio: 'ignore' });
}

/** Every earlier results file's figures, the latest of each benchmark, marked with its date. */
function earlierResults(today: string): Record<string, unknown> {
	const dir = join(__dirname, 'results');
	const out: Record<string, unknown> = {};
	for (const name of readdirSync(dir)
		.filter((f) => /^\d{4}-\d{2}-\d{2}\.json$/.test(f))
		.sort()) {
		const date = name.slice(0, 10);
		if (date >= today.slice(0, 10)) continue;
		const earlier = JSON.parse(readFileSync(join(dir, name), 'utf8')) as { results: Record<string, object> };
		for (const [key, value] of Object.entries(earlier.results))
			if (/^B\d/.test(key)) out[key] = { ...value, carriedFrom: date };
	}
	return out;
}

const fmt = (v: number) => (v >= 1000 ? Math.round(v).toLocaleString('en-US') : String(Math.round(v * 100) / 100));

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
