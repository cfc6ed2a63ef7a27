/** Connection settings of the local services scripts/services.sh starts (the same variables and defaults), for the tests and the demo. */
import type { MysqlSettings } from '../../connectors/mysql/mysql-client';
import type { PostgresSettings } from '../../connectors/postgres/postgres-client';

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

const cacheDir = env.DM_CACHE_DIR ?? `${env.HOME ?? '/root'}/.cache/n8n-nodes-data-migration`;

/** Redmine (the platform source): its URL, and where services.sh wrote the admin's API key. */
export const redmineSettings = {
	url: `http://${env.REDMINE_HOST ?? '127.0.0.1'}:${env.REDMINE_PORT ?? 3200}`,
	keyFile: `${cacheDir}/run/redmine.key`,
};

/** Gitea (the platform destination): its URL and admin, who makes tokens for the tests. */
export const giteaSettings = {
	url: `http://${env.GITEA_HOST ?? '127.0.0.1'}:${env.GITEA_PORT ?? 3100}`,
	admin: env.GITEA_ADMIN ?? 'dmadmin',
	password: env.GITEA_ADMIN_PASSWORD ?? 'dm-admin-Secret1',
};

/** Parse Server (the second platform destination): its URL, application id and master key. */
export const parseSettings = {
	url: `http://${env.PARSE_HOST ?? '127.0.0.1'}:${env.PARSE_PORT ?? 1337}/parse`,
	applicationId: env.PARSE_APP_ID ?? 'dm-app',
	masterKey: env.PARSE_MASTER_KEY ?? 'dm-master-key',
};
