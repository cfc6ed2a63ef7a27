import { createServer, Socket } from 'node:net';

import {
	giteaSettings,
	mongoSettings,
	mysqlSettings,
	postgresSettings,
	parseSettings,
	redmineSettings,
} from '../../scripts/lib/local-services';

export { mongoSettings, mysqlSettings, postgresSettings };
const env = process.env;

export const s3Settings = {
	endpoint: `http://${env.S3_HOST ?? '127.0.0.1'}:${env.S3_PORT ?? 9000}`,
	accessKeyId: env.S3_ACCESS_KEY ?? 'minioadmin',
	secretAccessKey: env.S3_SECRET_KEY ?? 'minioadmin',
};

export const redisSettings = { host: env.REDIS_HOST ?? '127.0.0.1', port: Number(env.REDIS_PORT ?? 6379) };

const SERVICES = {
	redis: () => redisSettings,
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
	redmine: () => {
		const url = new URL(redmineSettings.url);
		return { host: url.hostname, port: Number(url.port) };
	},
	gitea: () => {
		const url = new URL(giteaSettings.url);
		return { host: url.hostname, port: Number(url.port) };
	},
	parse: () => {
		const url = new URL(parseSettings.url);
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

/** A TCP port free on 127.0.0.1 now (for a server a test starts). */
export const freePort = () =>
	new Promise<number>((resolve, reject) => {
		const server = createServer().listen(0, '127.0.0.1', () => {
			const { port } = server.address() as { port: number };
			server.close(() => resolve(port));
		});
		server.on('error', reject);
	});

/** Fails with one clear message naming the missing service and how to start it. */
export async function requireService(name: ServiceName): Promise<void> {
	const { host, port } = SERVICES[name]();
	if (!(await portOpen(host, port))) {
		throw new Error(
			`The ${name} test service is not reachable on ${host}:${port}. Start it with: bash scripts/services.sh up`,
		);
	}
}
