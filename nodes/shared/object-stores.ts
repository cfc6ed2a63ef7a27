/**
 * Object stores in the nodes: the S3 credential types and their connection test, the parameters
 * that say where a step's objects are (an S3 bucket by credential, or a folder on the n8n server,
 * and a key prefix), and the one place those become stores.
 */
import type {
	ICredentialDataDecryptedObject,
	ICredentialsDecrypted,
	ICredentialTestFunctions,
	IExecuteFunctions,
	INodeCredentialDescription,
	INodeCredentialTestResult,
	INodeProperties,
} from 'n8n-workflow';
import { checkStatePrefix, type RunPaths } from '../../core/files/keys';
import type { ObjectStore } from '../../core/ports';
import { createS3Store } from '../../connectors/s3/s3-client';
import type { S3Config } from '../../connectors/s3/s3-config';
import { LocalStore } from '../../connectors/local/local-store';
import { describeError } from './node-errors';

export const S3_CREDENTIAL_TYPE = 'migrationS3Api';
export const S3_SOURCE_CREDENTIAL_TYPE = 'migrationS3SourceApi';
export const S3_CONNECTION_TEST = 'migrationS3ConnectionTest';

type Role = 'source' | 'destination';
const CREDENTIAL_OF: Record<Role, string> = { source: S3_SOURCE_CREDENTIAL_TYPE, destination: S3_CREDENTIAL_TYPE };

const text = (value: unknown) => (value === undefined || value === null ? '' : String(value));

export function s3ConfigOf(data: ICredentialDataDecryptedObject): S3Config {
	return {
		endpoint: text(data.endpoint).trim().replace(/\/+$/, ''),
		region: text(data.region).trim() || 'us-east-1',
		bucket: text(data.bucket).trim(),
		accessKeyId: text(data.accessKeyId),
		secretAccessKey: text(data.secretAccessKey),
		sessionToken: text(data.sessionToken) || undefined,
		forcePathStyle: Boolean(data.forcePathStyle),
	};
}

/** The credential test: a listing of one key (bad signature, no such bucket, access denied said plainly). */
export async function testS3Connection(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	let store;
	try {
		store = createS3Store(s3ConfigOf(credential.data ?? {}));
		await store.ping();
		return { status: 'OK', message: 'Connection successful' };
	} catch (error) {
		return { status: 'Error', message: describeError(error).message };
	} finally {
		await store?.close();
	}
}

/** The S3 credential slots of the operations that use a store: shown when that side is S3. */
export function s3Credentials(operations: { source: string[]; destination: string[] }): INodeCredentialDescription[] {
	return (['source', 'destination'] as const)
		.filter((role) => operations[role].length)
		.map((role) => ({
			name: CREDENTIAL_OF[role],
			required: true,
			testedBy: S3_CONNECTION_TEST,
			displayOptions: { show: { operation: operations[role], [`${role}Store`]: ['s3'] } },
		}));
}

const title = (role: Role) => (role === 'source' ? 'Source' : 'Destination');

/** Where one side's objects are: the kind of store, its folder (local), and the key prefix. */
export function storeProperties(role: Role): INodeProperties[] {
	return [
		{
			displayName: `${title(role)} Store`,
			name: `${role}Store`,
			type: 'options',
			options: [
				{ name: 'S3-Compatible Bucket', value: 's3', description: 'By the S3 credential' },
				{ name: 'Folder on the n8n Server', value: 'local', description: 'A root folder; keys never leave it' },
			],
			default: 's3',
		},
		{
			displayName: `${title(role)} Folder`,
			name: `${role}Folder`,
			type: 'string',
			default: '',
			required: true,
			placeholder: role === 'source' ? '/data/export' : '/data/import',
			description: 'Absolute path of the root folder; a key with "..", an absolute key, or a link out of it is refused',
			displayOptions: { show: { [`${role}Store`]: ['local'] } },
		},
		{
			displayName: `${title(role)} Prefix`,
			name: `${role}Prefix`,
			type: 'string',
			default: '',
			placeholder: 'invoices/2024/',
			description: `Keys under this prefix only; ${role === 'source' ? 'the part after it is kept' : 'put before the part after the source prefix'}. Empty: the whole bucket or folder.`,
		},
	];
}

export const STATE_PROPERTIES: INodeProperties[] = [
	{
		displayName: 'Migration Name',
		name: 'migration',
		type: 'string',
		default: 'file-migration',
		required: true,
		description: "Names the run's records in the destination: a rerun with the same name skips the chunks done",
	},
	{
		displayName: 'State Prefix',
		name: 'statePrefix',
		type: 'string',
		default: '.dm-migration/',
		description:
			'Where in the destination the run keeps its plan, chunk records and the objects it overwrote (never listed as data)',
	},
];

export function runPathsOf(context: IExecuteFunctions, i: number): RunPaths {
	return {
		statePrefix: checkStatePrefix(context.getNodeParameter('statePrefix', i, '.dm-migration/') as string),
		migration: context.getNodeParameter('migration', i) as string,
	};
}

export const prefixOf = (context: IExecuteFunctions, role: Role, i: number) =>
	(context.getNodeParameter(`${role}Prefix`, i, '') as string) ?? '';

async function openStore(context: IExecuteFunctions, role: Role, i: number): Promise<ObjectStore> {
	if (context.getNodeParameter(`${role}Store`, i) === 'local')
		return new LocalStore(context.getNodeParameter(`${role}Folder`, i) as string, role === 'destination');
	return createS3Store(s3ConfigOf(await context.getCredentials(CREDENTIAL_OF[role])));
}

/** The stores of item i for `work`, always closed. */
export async function withStores<T>(
	context: IExecuteFunctions,
	i: number,
	roles: Role[],
	work: (stores: Partial<Record<Role, ObjectStore>>) => Promise<T>,
): Promise<T> {
	const stores: Partial<Record<Role, ObjectStore>> = {};
	try {
		for (const role of roles) stores[role] = await openStore(context, role, i);
		return await work(stores);
	} finally {
		for (const store of Object.values(stores)) await store.close();
	}
}
