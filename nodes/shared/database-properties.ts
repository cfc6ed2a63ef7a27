import type { INodeProperties } from 'n8n-workflow';

export const MIGRATION_NAME: INodeProperties = {
	displayName: 'Migration Name',
	name: 'migration',
	type: 'string',
	default: 'migration',
	required: true,
	description: 'Names the checkpoints of this migration: a rerun with the same name skips the chunks already done',
};

/** Optional on steps that need no run name to work: with one, the step is written to the run's audit log. */
export function auditMigrationParameter(show: Record<string, string[]>): INodeProperties {
	return {
		displayName: 'Migration Name (Audit Log)',
		name: 'auditMigration',
		type: 'string',
		default: '',
		description:
			"The run this step belongs to; when set, the step is appended to that run's audit log in this database",
		displayOptions: { show },
	};
}

export function tableParameter(
	displayName: string,
	description: string,
	show?: Record<string, string[]>,
): INodeProperties {
	return {
		displayName,
		name: 'table',
		type: 'options',
		typeOptions: { loadOptionsMethod: 'getTables', loadOptionsDependsOn: ['system'] },
		default: '',
		required: true,
		description: `${description}. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.`,
		displayOptions: show ? { show } : undefined,
	};
}

/** How Load and Copy Chunk write: upsert (safe to rerun) or plain insert. */
export const WRITE_MODE: INodeProperties = {
	displayName: 'Mode',
	name: 'mode',
	type: 'options',
	options: [
		{ name: 'Upsert', value: 'upsert', description: 'Insert or replace by primary key: safe to rerun' },
		{ name: 'Insert', value: 'insert', description: 'Plain insert: a key already present is rejected' },
	],
	default: 'upsert',
};

/** Where Load and Copy API Pages write array fields: into the table as JSON, or to the child tables Map designed. */
export function arraysParameter(childTablesHow: string): INodeProperties {
	return {
		displayName: 'Arrays',
		name: 'arrays',
		type: 'options',
		options: [
			{ name: 'As Given', value: 'asGiven', description: 'Write array fields into the table as they are (JSON)' },
			{
				name: 'To Child Tables',
				value: 'childTables',
				description: `Write array fields to the child tables Schema Mapper designed (${childTablesHow})`,
			},
		],
		default: 'asGiven',
	};
}
