import { fingerprintTable } from '../../../core/validate/validate';
import type { DatabaseSystem } from '../../shared/connection';
import { withConnector } from '../../shared/node-connector';
import type { Operation } from '../../shared/operations';
import { paired } from '../../shared/operations';

export const fingerprint: Operation = {
	option: {
		name: 'Fingerprint (Source)',
		value: 'fingerprint',
		action: 'Fingerprint source tables',
		description: 'Per table: row count, checksums per key segment computed in the database, a seeded sample of rows',
	},
	properties: [
		{
			displayName: 'Table Names or IDs',
			name: 'tables',
			type: 'multiOptions',
			typeOptions: { loadOptionsMethod: 'getTables', loadOptionsDependsOn: ['system'] },
			default: [],
			required: true,
			description:
				'Source tables to validate. Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
		},
		{
			displayName: 'Rows per Segment',
			name: 'segmentRows',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 10000,
			description: 'Checksums are compared per key segment of this many rows; a differing segment is read row by row',
		},
		{
			displayName: 'Sample Size',
			name: 'sampleSize',
			type: 'number',
			typeOptions: { minValue: 0 },
			default: 100,
			description: 'Rows picked at random (reproducibly, by the seed) and compared value by value',
		},
		{
			displayName: 'Sample at Most the Table',
			name: 'sampleAtMostTable',
			type: 'boolean',
			default: false,
			description: 'Whether a table with fewer rows than the sample size is sampled whole instead of refused',
		},
		{
			displayName: 'Seed',
			name: 'seed',
			type: 'number',
			default: 1,
		},
		{
			displayName: 'Digest',
			name: 'digest',
			type: 'options',
			options: [
				{
					name: 'Portable',
					value: 'portable',
					description:
						'One canonical text on both sides, for a destination of any engine (JSON and single-precision float columns hashed in n8n)',
				},
				{
					name: 'Same Engine',
					value: 'native',
					description:
						"Every column hashed inside the database in its own form (a double's bytes, jsonb's text): faster, for a destination of the same engine only (PostgreSQL → PostgreSQL)",
				},
			],
			default: 'portable',
		},
	],
	async execute(items) {
		const system = this.getNodeParameter('system', 0) as DatabaseSystem;
		const out = await withConnector(this, system, async (source) => {
			const fingerprints = [];
			for (let i = 0; i < items.length; i++) {
				const options = {
					segmentRows: this.getNodeParameter('segmentRows', i) as number,
					sampleSize: this.getNodeParameter('sampleSize', i) as number,
					seed: this.getNodeParameter('seed', i) as number,
					sampleAtMostTable: this.getNodeParameter('sampleAtMostTable', i, false) as boolean,
					native: this.getNodeParameter('digest', i, 'portable') === 'native',
				};
				for (const table of this.getNodeParameter('tables', i) as string[])
					fingerprints.push(...paired([await fingerprintTable(source, table, options)], i));
			}
			return fingerprints;
		});
		return [out];
	},
};
