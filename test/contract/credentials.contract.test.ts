import type { ICredentialDataDecryptedObject, ICredentialTestFunctions, INodeProperties } from 'n8n-workflow';
import { MigrationMongoDbApi } from '../../credentials/MigrationMongoDbApi.credentials';
import { MigrationMySqlApi } from '../../credentials/MigrationMySqlApi.credentials';
import { MigrationPostgresApi } from '../../credentials/MigrationPostgresApi.credentials';
import { MigrationRestApi } from '../../credentials/MigrationRestApi.credentials';
import { BatchLoad } from '../../nodes/BatchLoad/BatchLoad.node';
import { SchemaMapper } from '../../nodes/SchemaMapper/SchemaMapper.node';
import { startTestApi, type TestApi } from '../helpers/test-api';
import { mongoSettings, mysqlSettings, postgresSettings, requireService, type ServiceName } from '../helpers/services';

const SECRET = 'Wrong-Secret-Zx81';

interface Case {
	type: string;
	service: ServiceName;
	good: ICredentialDataDecryptedObject;
	wrongPassword: ICredentialDataDecryptedObject;
	unreachable: ICredentialDataDecryptedObject;
	fields: INodeProperties[];
}

const cases: Case[] = [
	{
		type: new MigrationPostgresApi().name,
		service: 'postgres',
		good: { ...postgresSettings },
		wrongPassword: { ...postgresSettings, user: 'dm_no_such_user', password: SECRET },
		unreachable: { ...postgresSettings, port: 1, password: SECRET },
		fields: new MigrationPostgresApi().properties,
	},
	{
		type: new MigrationMySqlApi().name,
		service: 'mariadb',
		good: { ...mysqlSettings },
		wrongPassword: { ...mysqlSettings, password: SECRET },
		unreachable: { ...mysqlSettings, port: 1, password: SECRET },
		fields: new MigrationMySqlApi().properties,
	},
	{
		type: new MigrationMongoDbApi().name,
		service: 'ferretdb',
		good: { connectionString: mongoSettings.url, database: mongoSettings.database },
		// FerretDB here runs without authentication, so a wrong password cannot be refused by it.
		wrongPassword: { connectionString: `mongodb://dm_user:${SECRET}@127.0.0.1:1/`, database: 'test' },
		unreachable: { connectionString: `mongodb://dm_user:${SECRET}@127.0.0.1:1/`, database: 'test' },
		fields: new MigrationMongoDbApi().properties,
	},
];

const connectionTest = new SchemaMapper().methods.credentialTest.migrationConnectionTest;
const test = (type: string, data: ICredentialDataDecryptedObject) =>
	connectionTest.call({} as ICredentialTestFunctions, { id: 'c', name: 'c', type, data });

/** Each credential type's connection test, against the real server. */
describe.each(cases)('$type connection test', (c) => {
	beforeAll(() => requireService(c.service));

	it('succeeds with the right settings', async () => {
		expect(await test(c.type, c.good)).toEqual({ status: 'OK', message: 'Connection successful' });
	});

	it('fails with a wrong password or user, without the secret in the message', async () => {
		const result = await test(c.type, c.wrongPassword);
		expect(result.status).toBe('Error');
		expect(result.message).not.toContain(SECRET);
		expect(result.message.length).toBeGreaterThan(10);
	});

	it('fails clearly on an unreachable host', async () => {
		const result = await test(c.type, c.unreachable);
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/connect|reach|refused|timed out|ECONNREFUSED/i);
		expect(result.message).not.toContain(SECRET);
	});

	it('masks every field that can hold a secret', () => {
		const secretFields = c.fields.filter((f) => f.name === 'password' || f.name === 'connectionString');
		expect(secretFields.length).toBe(1);
		for (const field of secretFields) expect(field.typeOptions?.password).toBe(true);
	});
});

/** The REST API credential's test against the project's test API: each failure told apart, no secret in any message. */
describe('migrationRestApi connection test', () => {
	let api: TestApi;
	const restTest = new BatchLoad().methods.credentialTest.migrationRestConnectionTest;
	const rest = (data: ICredentialDataDecryptedObject) =>
		restTest.call({} as ICredentialTestFunctions, { id: 'r', name: 'r', type: 'migrationRestApi', data });
	const key = { authentication: 'apiKey', keyLocation: 'query', keyParameterName: 'token', apiKey: 'rest-secret-Qx9' };

	beforeAll(async () => {
		api = await startTestApi({
			records: 10,
			auth: { type: 'apiKey', in: 'query', name: 'token', value: 'rest-secret-Qx9' },
		});
	});
	afterAll(() => api?.stop());

	it('succeeds with the right key', async () => {
		expect(await rest({ baseUrl: api.url, testPath: '/health', ...key })).toEqual({
			status: 'OK',
			message: 'Connection successful',
		});
	});

	it.each([
		[
			'a refused key (401)',
			{ apiKey: SECRET },
			/^REST API: 401 Unauthorized on GET \/health\?token=\*\*\*: the credential was refused/,
		],
		[
			'a missing permission (403)',
			{ testPath: '/forbidden' },
			/^REST API: 403 Forbidden on GET \/forbidden\?token=\*\*\*: the credential is valid but not allowed/,
		],
		[
			'a wrong path (404)',
			{ testPath: '/no/such/path' },
			/^REST API: 404 Not Found on GET \/no\/such\/path\?token=\*\*\*: no such resource/,
		],
		['no answer in time', { testPath: '/slow?ms=15000' }, /^REST API at 127\.0\.0\.1:\d+: no answer in time \(timeout/],
		[
			'an unreachable host',
			{ baseUrl: 'http://127.0.0.1:1' },
			/^REST API at 127\.0\.0\.1:1: connection refused: nothing listens there/,
		],
		['a base URL that is not one', { baseUrl: 'ftp:/nowhere' }, /Base URL must start with http:\/\/ or https:\/\//],
	])('fails plainly on %s, without the secret', async (_name, change, message) => {
		const result = await rest({ baseUrl: api.url, testPath: '/health', ...key, ...change });
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(message);
		expect(result.message).not.toContain('rest-secret-Qx9');
		expect(result.message).not.toContain(SECRET);
	});

	it('masks every field that holds a secret', () => {
		const fields = new MigrationRestApi().properties;
		for (const name of ['apiKey', 'token', 'password', 'clientSecret'])
			expect(fields.find((f) => f.name === name)?.typeOptions?.password).toBe(true);
	});
});
