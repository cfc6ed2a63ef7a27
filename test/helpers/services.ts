import { Socket } from 'node:net';
import type { MysqlSettings } from '../../connectors/mysql/mysql-client';
import type { PostgresSettings } from '../../connectors/postgres/postgres-client';

/** Connection settings of the test services; the same variables and defaults as scripts/services.sh. */
const env = process.env;

export const postgresSettings: PostgresSettings = {
	host: env.PGHOST ?? '127.0.0.1',
	port: Number(env.PGPORT ?? 5432),
	database: env.PGDATABASE ?? 'test',
	user: env.PGUSER ?? 'postgres',
	password: env.PGPASSWORD ?? '',
};

export const mysqlSettings: MysqlSettings = {
	host: env.MYSQL_HOST ?? '127.0.0.1',
	port: Number(env.MYSQL_PORT ?? 3306),
	database: env.MYSQL_DATABASE ?? 'test',
	user: env.MYSQL_USER ?? 'root',
	password: env.MYSQL_PASSWORD ?? '',
};

export const mongoSettings = {
	url: env.MONGO_URL ?? `mongodb://${env.MONGO_HOST ?? '127.0.0.1'}:${env.MONGO_PORT ?? 27017}/`,
	database: env.MONGO_DATABASE ?? 'test',
};

export const s3Settings = {
	endpoint: `http://${env.S3_HOST ?? '127.0.0.1'}:${env.S3_PORT ?? 9000}`,
	accessKeyId: env.S3_ACCESS_KEY ?? 'minioadmin',
	secretAccessKey: env.S3_SECRET_KEY ?? 'minioadmin',
};

const SERVICES = {
	postgres: () => ({ host: postgresSettings.host, port: postgresSettings.port }),
	mariadb: () => ({ host: mysqlSettings.host, port: mysqlSettings.port }),
	ferretdb: () => {
		const url = new URL(mongoSettings.url);
		return { host: url.hostname, port: Number(url.port || 27017) };
	},
	minio: () => {
		const url = new URL(s3Settings.endpoint);
		return { host: url.hostname, port: Number(url.port) };
	},
};
export type ServiceName = keyof typeof SERVICES;

function portOpen(host: string, port: number): Promise<boolean> {
	return new Promise((resolve) => {
		const socket = new Socket();
		const done = (ok: boolean) => {
			socket.destroy();
			resolve(ok);
		};
		socket.setTimeout(2000, () => done(false));
		socket.once('error', () => done(false));
		socket.connect(port, host, () => done(true));
	});
}

/** Fails with one clear message naming the missing service and how to start it. */
export async function requireService(name: ServiceName): Promise<void> {
	const { host, port } = SERVICES[name]();
	if (!(await portOpen(host, port))) {
		throw new Error(
			`The ${name} test service is not reachable on ${host}:${port}. Start it with: bash scripts/services.sh up`,
		);
	}
}
