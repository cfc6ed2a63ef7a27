import { MongoClient } from 'mongodb';
import { MongoConnector } from './mongodb-connector';

export interface MongoSettings {
	url: string;
	database: string;
}

/** The one place a MongoDB client is created; everything else receives it. */
export function createMongoClient(settings: MongoSettings): MongoClient {
	return new MongoClient(settings.url, {
		serverSelectionTimeoutMS: 5000,
		connectTimeoutMS: 5000,
		// int64 values stay exact (bigint), never rounded through a double.
		useBigInt64: true,
		promoteValues: true,
	});
}

export function createMongoConnector(settings: MongoSettings): MongoConnector {
	const password = safePassword(settings.url);
	return new MongoConnector(
		createMongoClient(settings),
		settings.database,
		password ? [password, encodeURIComponent(password)] : [],
	);
}

function safePassword(url: string): string | undefined {
	try {
		return decodeURIComponent(new URL(url).password) || undefined;
	} catch {
		return undefined;
	}
}
