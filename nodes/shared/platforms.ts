/**
 * Platforms in the nodes: the two credential types and their connection test, the parameters of a
 * platform migration (its name, the destination's owner, the projects), and the one place those and
 * the state database become the engine's parts.
 */
import type {
	ICredentialDataDecryptedObject,
	ICredentialsDecrypted,
	ICredentialTestFunctions,
	IExecuteFunctions,
	INodeCredentialTestResult,
	INodeProperties,
} from 'n8n-workflow';
import { RequestError } from '../../core/model/errors';
import { IdMap } from '../../core/platform/id-map';
import type { PlatformParts } from '../../core/platform/parts';
import type { DestinationPreset, SourcePreset } from '../../core/platform/preset';
import type { PlatformTransport } from '../../core/ports/platform';
import { platformTransport } from '../../connectors/platform/platform-client';
import { DESTINATION_PRESETS, SOURCE_PRESETS } from '../../connectors/platform/presets';
import { CREDENTIAL_TYPE, connectorFromCredentials, type DatabaseSystem } from './connection';
import { describeError } from './node-errors';

export const PLATFORM_CREDENTIAL_TYPE = 'migrationPlatformApi';
export const PLATFORM_SOURCE_CREDENTIAL_TYPE = 'migrationPlatformSourceApi';
export const PLATFORM_CONNECTION_TEST = 'migrationPlatformConnectionTest';

const text = (value: unknown) => (value === undefined || value === null ? '' : String(value));

function presetOf(
	data: ICredentialDataDecryptedObject,
	role: 'source' | 'destination',
): SourcePreset | DestinationPreset {
	const platform = text(data.platform);
	const make = role === 'source' ? SOURCE_PRESETS[platform] : DESTINATION_PRESETS[platform];
	if (!make)
		throw new RequestError(
			`${platform || 'This platform'} cannot be a migration's ${role} yet (sources: ${Object.keys(SOURCE_PRESETS).join(', ')}; destinations: ${Object.keys(DESTINATION_PRESETS).join(', ')})`,
		);
	return make(text(data.token), { applicationId: text(data.applicationId) });
}

function transportOf(
	data: ICredentialDataDecryptedObject,
	preset: SourcePreset | DestinationPreset,
): PlatformTransport {
	return platformTransport(preset, { baseUrl: text(data.baseUrl).trim(), ignoreTls: Boolean(data.ignoreTls) });
}

/** The credential test: the platform's "who am I" request with the key (a refused key said plainly). */
export async function testPlatformConnection(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	const data = credential.data ?? {};
	let transport: PlatformTransport | undefined;
	try {
		const role = SOURCE_PRESETS[text(data.platform)] ? 'source' : 'destination';
		const preset = presetOf(data, role);
		transport = transportOf(data, preset);
		await transport.json({ method: 'GET', path: preset.testPath });
		return { status: 'OK', message: 'Connection successful' };
	} catch (error) {
		return { status: 'Error', message: describeError(error).message };
	} finally {
		await transport?.close();
	}
}

/** The parameters every platform operation shares: the migration (its ID map) and where records go. */
export const PLATFORM_PROPERTIES: INodeProperties[] = [
	{
		displayName: 'Migration Name',
		name: 'migration',
		type: 'string',
		default: 'platform-migration',
		required: true,
		description:
			'Names the ID map kept in the state database: the same name resumes (nothing created twice), Validate checks and Rollback undoes that migration',
	},
	{
		displayName: 'Destination Owner',
		name: 'owner',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'migrated',
		description: 'Gitea: the organization the repositories go into (made when missing)',
	},
	{
		displayName: 'Projects',
		name: 'projects',
		type: 'string',
		default: '',
		placeholder: 'web, api',
		description: 'The source projects to migrate, by identifier (comma-separated); empty: every project the key sees',
	},
];

export const FALLBACK_USER_PROPERTY: INodeProperties = {
	displayName: 'Fallback User',
	name: 'fallbackUser',
	type: 'string',
	default: '',
	description:
		"Who posts a record whose author has no match on the destination (by e-mail, then login); empty: the token's owner. The record says who wrote it either way.",
};

export type PlatformStepParts = PlatformParts;

/** Opens both platforms and the state database for item `i`, runs `work`, always closes them. */
export async function withPlatforms<T>(
	context: IExecuteFunctions,
	i: number,
	work: (parts: PlatformStepParts) => Promise<T>,
	roles: { source: boolean } = { source: true },
): Promise<T> {
	const system = context.getNodeParameter('system', i) as DatabaseSystem;
	if (system === 'mongodb')
		throw new RequestError('The ID map is kept in PostgreSQL or MySQL: choose one as the State Database');
	const destinationData = await context.getCredentials(PLATFORM_CREDENTIAL_TYPE, i);
	const destinationPreset = presetOf(destinationData, 'destination') as DestinationPreset;
	const sourceData = roles.source ? await context.getCredentials(PLATFORM_SOURCE_CREDENTIAL_TYPE, i) : undefined;
	const sourcePreset = sourceData ? (presetOf(sourceData, 'source') as SourcePreset) : undefined;
	const destination = transportOf(destinationData, destinationPreset);
	const source = sourceData && sourcePreset ? transportOf(sourceData, sourcePreset) : undefined;
	const projects = text(context.getNodeParameter('projects', i, ''))
		.split(',')
		.map((p) => p.trim())
		.filter(Boolean);
	const fallbackUser = text(context.getNodeParameter('fallbackUser', i, '')).trim();
	const state = connectorFromCredentials(system, await context.getCredentials(CREDENTIAL_TYPE[system], i));
	try {
		return await work({
			source: source!,
			sourcePreset: sourcePreset!,
			destination,
			destinationPreset,
			map: new IdMap(
				state.state,
				text(context.getNodeParameter('migration', i)).trim(),
				context.getExecutionId() ?? 'manual',
			),
			settings: { owner: text(context.getNodeParameter('owner', i)).trim(), ...(fallbackUser ? { fallbackUser } : {}) },
			only: projects.length ? { project: projects } : undefined,
		});
	} finally {
		await Promise.all([destination.close(), source?.close(), state.close()]);
	}
}

/** The ID map of the node's State Database and Migration Name, for item `i` (the ID Map operations). */
export async function withIdMap<T>(context: IExecuteFunctions, work: (map: IdMap) => Promise<T>): Promise<T> {
	const system = context.getNodeParameter('system', 0) as DatabaseSystem;
	if (system === 'mongodb')
		throw new RequestError('The ID map is kept in PostgreSQL or MySQL: choose one as the State Database');
	const state = connectorFromCredentials(system, await context.getCredentials(CREDENTIAL_TYPE[system], 0));
	try {
		const migration = text(context.getNodeParameter('migration', 0)).trim();
		return await work(new IdMap(state.state, migration, context.getExecutionId() ?? 'manual'));
	} finally {
		await state.close();
	}
}

/** What every ID Map operation names: the map (by migration) and the source type of the ids. */
export const ID_MAP_PROPERTIES: INodeProperties[] = [
	{
		displayName: 'Migration Name',
		name: 'migration',
		type: 'string',
		default: 'saas-migration',
		required: true,
		description: 'Names the ID map in the State Database: every step of one migration uses the same name',
	},
];

export const SOURCE_TYPE_PROPERTY: INodeProperties = {
	displayName: 'Source Type',
	name: 'sourceType',
	type: 'string',
	default: '',
	required: true,
	placeholder: 'card',
	description: 'What the ids are of, in the source (card, contact, record): one map per type',
};
