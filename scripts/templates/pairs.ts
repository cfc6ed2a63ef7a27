/** The database pairs the DB→DB templates are generated for. */
import type { System } from './dsl';

export interface Pair {
	slug: string;
	title: string;
	source: System;
	destination: System;
	mainId: string;
	workerId: string;
	/** The chunk webhook workflow: a fan-out run's chunks, each an execution of its own. */
	hookId: string;
	tables: string[];
	/** The zero-downtime sync's default cursor: a timestamp every write raises. */
	cursorColumn: string;
}

export const PAIRS: Pair[] = [
	{
		slug: 'mysql-to-postgres',
		title: 'MySQL → PostgreSQL',
		source: 'mysql',
		destination: 'postgres',
		mainId: 'dmMysqlToPgMain1',
		workerId: 'dmMysqlToPgWork1',
		hookId: 'dmMysqlToPgHook1',
		tables: ['customers'],
		cursorColumn: 'updated_at',
	},
	{
		slug: 'postgres-to-mysql',
		title: 'PostgreSQL → MySQL',
		source: 'postgres',
		destination: 'mysql',
		mainId: 'dmPgToMysqlMain1',
		workerId: 'dmPgToMysqlWork1',
		hookId: 'dmPgToMysqlHook1',
		tables: ['customers'],
		cursorColumn: 'updated_at',
	},
	{
		slug: 'mongodb-to-postgres',
		title: 'MongoDB → PostgreSQL',
		source: 'mongodb',
		destination: 'postgres',
		mainId: 'dmMongoToPgMain1',
		workerId: 'dmMongoToPgWork1',
		hookId: 'dmMongoToPgHook1',
		tables: ['customers'],
		cursorColumn: 'updatedAt',
	},
	{
		slug: 'postgres-to-postgres',
		title: 'PostgreSQL → PostgreSQL',
		source: 'postgres',
		destination: 'postgres',
		mainId: 'dmPgToPgMain0001',
		workerId: 'dmPgToPgWork0001',
		hookId: 'dmPgToPgHook0001',
		tables: ['customers'],
		cursorColumn: 'updated_at',
	},
];
