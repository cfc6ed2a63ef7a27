import type { IExecuteFunctions, ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';
import type { DatabaseConnector } from '../../core/ports';
import { audited, type AuditEntry } from '../../core/report/progress';
import { CONNECTION_TEST, CREDENTIAL_TYPE, connectorFromCredentials, type DatabaseSystem } from './connection';
import { testConnection } from './credential-test';
import { REST_CONNECTION_TEST, testRestConnection } from './rest';
import { S3_CONNECTION_TEST, testS3Connection } from './object-stores';
import { PLATFORM_CONNECTION_TEST, testPlatformConnection } from './platforms';

type WithCredentials = Pick<IExecuteFunctions | ILoadOptionsFunctions, 'getCredentials'>;

/** Opens a connector from the node's credential for `system`, runs `work`, and always closes it. */
export async function withConnector<T>(
	context: WithCredentials,
	system: DatabaseSystem,
	work: (connector: DatabaseConnector) => Promise<T>,
	credentialType = CREDENTIAL_TYPE[system],
): Promise<T> {
	const connector = connectorFromCredentials(system, await context.getCredentials(credentialType));
	try {
		return await work(connector);
	} finally {
		await connector.close();
	}
}

/** Option loader: the tables (collections) introspection finds, for the editor's dropdowns. */
export async function listTables(
	context: ILoadOptionsFunctions,
	system: DatabaseSystem,
): Promise<INodePropertyOptions[]> {
	const tables = await withConnector(context, system, (connector) => connector.introspect());
	return tables.map((t) => ({
		name: t.name,
		value: t.name,
		description: `${t.columns.length} columns, ~${t.rowEstimate} rows`,
	}));
}

/** The `methods` of every database node: the table list for the editor and the credential tests (a REST API's and S3's too, for the steps that use one). */
export const databaseNodeMethods = {
	loadOptions: {
		async getTables(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
			return listTables(this, this.getCurrentNodeParameter('system') as DatabaseSystem);
		},
	},
	credentialTest: {
		[CONNECTION_TEST]: testConnection,
		[REST_CONNECTION_TEST]: testRestConnection,
		[S3_CONNECTION_TEST]: testS3Connection,
		[PLATFORM_CONNECTION_TEST]: testPlatformConnection,
	},
};

/** Runs a destination step under the run's audit log when the node names a run; as is otherwise. */
export function auditedStep<T>(
	destination: DatabaseConnector,
	migration: string,
	entry: { step: string; table?: string },
	step: () => Promise<T>,
	rows?: (result: T) => number | undefined,
	describe?: (result: T) => Partial<AuditEntry>,
): Promise<T> {
	if (!migration) return step();
	return audited(destination, { migration, ...entry }, step, (result) => ({
		rows: rows?.(result),
		...describe?.(result),
	}));
}
