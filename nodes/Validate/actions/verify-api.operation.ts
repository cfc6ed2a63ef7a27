import { recordedLoadRules } from '../../../core/mapping/apply';
import { verifyApiCopy } from '../../../core/validate/api-verify';
import type { Check } from '../../../core/validate/validate';
import type { DatabaseSystem } from '../../shared/connection';
import { MIGRATION_NAME, tableParameter } from '../../shared/database-properties';
import { withConnector } from '../../shared/node-connector';
import type { Operation } from '../../shared/operations';
import { ON_FAILURE, routeVerdict } from './verdict';
import { API_RESOURCE_PROPERTIES, RESOURCE, withApiSource } from '../../shared/rest';

export const VERIFY_API_OPERATION = 'verifyApi';

/**
 * Validation of an API copy: records fetched vs landed, the digest of the records as fetched vs
 * the table's in-database checksum, and the first pages fetched again and compared value by value.
 */
export const verifyApi: Operation = {
	option: {
		name: 'Verify API Copy',
		value: VERIFY_API_OPERATION,
		action: 'Verify a REST API copy',
		description:
			'Counts and checksums of the records as fetched vs as landed, and a deep compare of the first pages fetched again; one item per check',
	},
	properties: [
		MIGRATION_NAME,
		tableParameter('Table Name or ID', 'The destination table the API was copied into'),
		...API_RESOURCE_PROPERTIES,
		{
			displayName: 'Sample Pages',
			name: 'samplePages',
			type: 'number',
			typeOptions: { minValue: 0 },
			default: 2,
			description: 'Pages fetched again and compared with the rows by key, value by value',
		},
		ON_FAILURE,
	],
	async execute(items) {
		const system = this.getNodeParameter('system', 0) as DatabaseSystem;
		const checks = await withConnector(this, system, async (destination) => {
			const found: Array<{ check: Check; item: number }> = [];
			for (let i = 0; i < items.length; i++) {
				const table = this.getNodeParameter('table', i) as string;
				const { children, flattened } = await recordedLoadRules(destination, table, { childTables: 'recorded' });
				const verdict = await withApiSource(this, i, (source) =>
					verifyApiCopy(source, destination, {
						run: this.getNodeParameter('migration', i) as string,
						resource: RESOURCE,
						table,
						samplePages: this.getNodeParameter('samplePages', i, 2) as number,
						flatten: flattened,
						children,
					}),
				);
				for (const check of verdict) found.push({ check, item: i });
			}
			return found;
		});
		return routeVerdict(this, checks);
	},
};
