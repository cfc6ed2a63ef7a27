import type { ICredentialsDecrypted, ICredentialTestFunctions, INodeCredentialTestResult } from 'n8n-workflow';
import { connectorFromCredentials, systemOfCredentialType } from './connection';
import { describeError } from './node-errors';

/** Connects with the credential and runs a trivial statement; the message never holds the secret. */
export async function testConnection(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	let connector;
	try {
		connector = connectorFromCredentials(systemOfCredentialType(credential.type), credential.data ?? {});
		await connector.ping();
		return { status: 'OK', message: 'Connection successful' };
	} catch (error) {
		return { status: 'Error', message: describeError(error).message };
	} finally {
		await connector?.close().catch(() => undefined);
	}
}
