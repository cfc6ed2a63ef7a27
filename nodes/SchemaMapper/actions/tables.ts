import type { INodeProperties } from 'n8n-workflow';

/** The tables of Assess and Map; none means all. */
export const TABLES: INodeProperties = {
	displayName: 'Table Names or IDs',
	name: 'tables',
	type: 'multiOptions',
	typeOptions: { loadOptionsMethod: 'getTables', loadOptionsDependsOn: ['system'] },
	default: [],
	description:
		'Tables (collections); none means all. Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
};
