import type { ICredentialDataDecryptedObject } from 'n8n-workflow';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createMongoClient, createMongoConnector } from '../../connectors/mongodb/mongodb-client';
import { createMysqlConnector } from '../../connectors/mysql/mysql-client';
import { createPostgresConnector } from '../../connectors/postgres/postgres-client';
import { canonicalText } from '../../core/model/canonical';
import type { Row } from '../../core/model/schema';
import type { DatabaseConnector } from '../../core/ports';
import { runRejects } from '../../core/report/rejects';
import {
	corpusRows,
	expected,
	MARIADB_CORPUS,
	MONGODB_CORPUS,
	POSTGRES_CORPUS,
	type Corpus,
	type Destination,
	type Outcome,
} from '../fidelity/corpora';
import { runWorkflow, shutdownEngine, type WorkflowJson } from '../helpers/n8n-engine';
import { withMysql, withPostgres } from '../helpers/native';
import { mongoSettings, mysqlSettings, postgresSettings, requireService, type ServiceName } from '../helpers/services';

/**
 * Each torture corpus through each template of its source, inside n8n's engine: every cell lands
 * exactly, or is refused (or set NULL by its rule) and listed with its reason, as the corpus says;
 * the run's own validation names exactly those rows and values, and the execution ends failed.
 */
const TARGET_SCHEMA = 'dm_torture_target';
const template = (name: string) =>
	JSON.parse(readFileSync(join(__dirname, '../../workflows', `${name}.json`), 'utf8')) as WorkflowJson;

async function seedSql(corpus: Corpus) {
	const rows = corpusRows(corpus);
	if (corpus.engine === 'mariadb')
		await withMysql(async (q) => {
			await q(`DROP TABLE IF EXISTS ${corpus.table}`);
			// Zero dates and impossible days are what a legacy MySQL holds; TIMESTAMP values are written in UTC.
			await q("SET SESSION sql_mode = 'ALLOW_INVALID_DATES', time_zone = '+00:00'");
			const columns = corpus.columns.map((c) => `${c.column} ${c.type}${/ NULL$/.test(c.type) ? '' : ' NULL'}`);
			await q(`CREATE TABLE ${corpus.table} (id INT PRIMARY KEY, ${columns.join(', ')}) CHARACTER SET utf8mb4`);
			for (const { id, column, cell } of rows)
				await q(`INSERT INTO ${corpus.table} (id, ${column.column}) VALUES (${id}, ${cell.value})`);
		});
	else
		await withPostgres(async (q) => {
			await q(`DROP TABLE IF EXISTS public.${corpus.table}`);
			const columns = corpus.columns.map((c) => `${c.column} ${c.type}`);
			await q(`CREATE TABLE public.${corpus.table} (id integer PRIMARY KEY, ${columns.join(', ')})`);
			for (const { id, column, cell } of rows)
				await q(`INSERT INTO public.${corpus.table} (id, ${column.column}) VALUES (${id}, ${cell.value})`);
		});
}

async function seedMongo(corpus: Corpus) {
	const client = createMongoClient(mongoSettings);
	try {
		const collection = client.db(mongoSettings.database).collection(corpus.table);
		await collection.drop().catch(() => false);
		await collection.insertMany(
			corpusRows(corpus).map(({ id, column, cell }) => ({ _id: id as never, [column.column]: cell.bson!() })),
		);
	} finally {
		await client.close();
	}
}

interface Case {
	slug: string;
	corpus: Corpus;
	destinationKind: Destination;
	services: ServiceName[];
	source(): DatabaseConnector;
	destination(): DatabaseConnector;
	credentials: Record<string, ICredentialDataDecryptedObject>;
	dropDestination(table: string): Promise<unknown>;
}

const pg = { ...postgresSettings, schema: 'public' };
const cases: Case[] = [
	{
		slug: 'mysql-to-postgres',
		corpus: MARIADB_CORPUS,
		destinationKind: 'postgres',
		services: ['mariadb', 'postgres'],
		source: () => createMysqlConnector(mysqlSettings),
		destination: () => createPostgresConnector(pg),
		credentials: { migrationMySqlApi: { ...mysqlSettings }, migrationPostgresApi: pg },
		dropDestination: (t) => withPostgres((q) => q(`DROP TABLE IF EXISTS public.${t}`)),
	},
	{
		slug: 'postgres-to-mysql',
		corpus: POSTGRES_CORPUS,
		destinationKind: 'mysql',
		services: ['postgres', 'mariadb'],
		source: () => createPostgresConnector(pg),
		destination: () => createMysqlConnector(mysqlSettings),
		credentials: { migrationPostgresApi: pg, migrationMySqlApi: { ...mysqlSettings } },
		dropDestination: (t) => withMysql((q) => q(`DROP TABLE IF EXISTS ${t}`)),
	},
	{
		slug: 'postgres-to-postgres',
		corpus: POSTGRES_CORPUS,
		destinationKind: 'postgres',
		services: ['postgres'],
		source: () => createPostgresConnector(pg),
		destination: () => createPostgresConnector({ ...postgresSettings, schema: TARGET_SCHEMA }),
		credentials: { migrationPostgresApi: pg },
		dropDestination: (t) =>
			withPostgres((q) => q(`CREATE SCHEMA IF NOT EXISTS ${TARGET_SCHEMA}; DROP TABLE IF EXISTS ${TARGET_SCHEMA}.${t}`)),
	},
	{
		slug: 'mongodb-to-postgres',
		corpus: MONGODB_CORPUS,
		destinationKind: 'postgres',
		services: ['ferretdb', 'postgres'],
		source: () => createMongoConnector(mongoSettings),
		destination: () => createPostgresConnector(pg),
		credentials: {
			migrationMongoDbApi: { connectionString: mongoSettings.url, database: mongoSettings.database },
			migrationPostgresApi: pg,
		},
		dropDestination: (t) => withPostgres((q) => q(`DROP TABLE IF EXISTS public.${t}`)),
	},
];

const describeOutcome = (o: Outcome) => (o === 'exact' ? 'exact' : 'reject' in o ? `reject: ${o.reject}` : `null: ${o.nulled}`);

async function readAll(connector: DatabaseConnector, table: string, key: string): Promise<Map<string, Row>> {
	const rows = new Map<string, Row>();
	for await (const batch of connector.read(table, {}, { batchSize: 1000 })) for (const r of batch) rows.set(String(r[key]), r);
	return rows;
}

afterAll(() => shutdownEngine());

describe.each(cases)('torture corpus through template $slug', (c) => {
	const main = template(c.slug);
	const worker = template(`${c.slug}-chunk-worker`);
	const key = c.corpus.engine === 'mongodb' ? '_id' : 'id';
	const withTarget = (json: WorkflowJson): WorkflowJson => {
		if (c.slug !== 'postgres-to-postgres') return json;
		const copy = structuredClone(json);
		for (const node of copy.nodes)
			if (node.credentials?.migrationPostgresApi?.name.startsWith('Destination'))
				node.credentials.migrationPostgresApi = { id: 'target', name: 'Destination PostgreSQL' };
		return copy;
	};

	it('lands every cell exactly or lists it with its reason; validation names exactly those; the run ends failed', async () => {
		for (const service of c.services) await requireService(service);
		await (c.corpus.engine === 'mongodb' ? seedMongo(c.corpus) : seedSql(c.corpus));
		await c.dropDestination(c.corpus.table);
		const migration = `torture-${c.slug}-${Date.now()}`;
		const rules = Object.fromEntries(c.corpus.columns.filter((col) => col.rule).map((col) => [col.column, col.rule!]));
		const workflow = withTarget(structuredClone(main));
		workflow.nodes.find((n) => n.name === 'Settings')!.parameters.defaults = JSON.stringify({
			migration,
			tables: [c.corpus.table],
			rowsPerChunk: 1000,
			batchSize: 50,
			invalidValues: rules,
			onValidationFailure: 'keep',
		});
		const result = await runWorkflow(workflow, {
			credentials: c.credentials,
			workflows: [withTarget(worker)],
			credentialsById: { target: { ...postgresSettings, schema: TARGET_SCHEMA } },
		});

		const source = c.source();
		const destination = c.destination();
		try {
			const [schema] = await source.introspect([c.corpus.table]);
			const [sourceRows, destinationRows, rejects] = await Promise.all([
				readAll(source, c.corpus.table, key),
				readAll(destination, c.corpus.table, key),
				runRejects(destination, migration),
			]);
			const observed: string[] = [];
			const wanted: string[] = [];
			let refusedOrNulled = 0;
			for (const { id, column, cell } of corpusRows(c.corpus)) {
				const want = expected(cell, c.destinationKind);
				if (want !== 'exact') refusedOrNulled += 1;
				const found = rejects.listed.find((r) => String(r.key[0]) === String(id) && r.column === column.column);
				const logical = schema.columns.find((col) => col.name === column.column)!.logical;
				const from = canonicalText(sourceRows.get(String(id))?.[column.column], logical);
				const landed = destinationRows.get(String(id));
				let outcome: string;
				if (found) outcome = `${found.action === 'nulled' ? 'null' : 'reject'}: ${found.reason}`;
				else if (!landed) outcome = 'row missing, no reject listed';
				else {
					const to = canonicalText(landed[column.column], logical);
					outcome = to === from ? 'exact' : `altered: ${from} → ${to}`;
				}
				// A reason matches when it contains the corpus's words.
				const label = `${column.type} ${cell.label}`;
				const matches = want === 'exact' ? outcome === 'exact' : outcome.startsWith(describeOutcome(want).split(':')[0]) && outcome.includes(Object.values(want)[0]);
				observed.push(`${label}: ${matches ? describeOutcome(want) : outcome}`);
				wanted.push(`${label}: ${describeOutcome(want)}`);
			}
			expect(observed).toEqual(wanted);

			// The run's own validation names the refused rows and the nulled values, nothing else.
			const verdict = result.output('Verify Rows', refusedOrNulled ? 1 : 0);
			const rows = verdict.find((check) => check.check === 'rows')!.details as {
				missing: unknown[][];
				changed: Array<{ key: unknown[]; column: string }>;
			};
			const expecting = (kind: 'reject' | 'nulled') =>
				corpusRows(c.corpus).filter(({ cell }) => {
					const want = expected(cell, c.destinationKind);
					return want !== 'exact' && kind in want;
				});
			const refusedIds = expecting('reject').map(({ id }) => String(id));
			const nulledCells = expecting('nulled').map(({ id, column }) => `${id}.${column.column}`);
			expect(rows.missing.map((k) => String(k[0])).sort()).toEqual(refusedIds.sort());
			expect(rows.changed.map((ch) => `${ch.key[0]}.${ch.column}`).sort()).toEqual(nulledCells.sort());
			if (refusedOrNulled) {
				// Data kept, the report made, the execution failed: never a plain success.
				expect(result.error?.message).toMatch(/failed validation/);
				const [report] = result.output('Report, Data Kept') as Array<{ markdown: string }>;
				expect(report.markdown).toContain('## Rejected Values');
				for (const id of refusedIds) expect(report.markdown).toContain(`| ${c.corpus.table} | [${id}] |`);
			} else {
				expect(result.error).toBeUndefined();
				expect(result.output('Migration Report')[0]).toMatchObject({ cutover: { ready: true } });
			}
		} finally {
			await Promise.all([source.close(), destination.close()]);
		}
	});
});
