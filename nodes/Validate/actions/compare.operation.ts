import { compareWithFingerprint, type Fingerprint } from '../../../core/validate/validate';
import type { DatabaseSystem } from '../../shared/connection';
import { auditMigrationParameter } from '../../shared/database-properties';
import { auditedStep, withConnector } from '../../shared/node-connector';
import type { AuditEntry } from '../../../core/report/progress';
import type { Comparison } from '../../../core/validate/validate';
import { paired, type Operation } from '../../shared/operations';
import { requireShape } from './input';

/**
 * A failed count, sample, column or foreign-key check is recorded as a failed step; differing
 * segment digests alone are not (Verify Rows may find them equal in value), its verdict is the report's.
 */
function comparisonOutcome(comparison: Comparison): Partial<AuditEntry> {
	const failed = comparison.checks.filter((c) => !c.pass && c.check !== 'checksum');
	return failed.length ? { outcome: 'failed', error: `checks failed: ${failed.map((c) => c.check).join(', ')}` } : {};
}

export const compare: Operation = {
	option: {
		name: 'Compare (Destination)',
		value: 'compare',
		action: 'Compare the destination with fingerprints',
		description:
			'Per input fingerprint: columns, count, segment checksums, the sample row by row, orphaned foreign keys',
	},
	properties: [
		{
			displayName: 'Destination Table Prefix',
			name: 'prefix',
			type: 'string',
			default: '',
			description: 'Prefix of the destination tables, as set in Schema Mapper Map',
		},
		auditMigrationParameter({}),
		{
			displayName: 'Max Rows to Diff',
			name: 'maxDiffRows',
			type: 'number',
			typeOptions: { minValue: 0 },
			default: 100000,
			description: 'Destination rows of differing segments carried to Verify Rows; beyond, segments are counted only',
		},
	],
	async execute(items) {
		const system = this.getNodeParameter('system', 0) as DatabaseSystem;
		const out = await withConnector(this, system, async (destination) => {
			const comparisons = [];
			for (let i = 0; i < items.length; i++) {
				const fingerprint = requireShape<Fingerprint>(this, items[i].json, 'segments', 'Fingerprint (Source)', i);
				const comparison = await auditedStep(
					destination,
					this.getNodeParameter('auditMigration', i, '') as string,
					{ step: 'Validate', table: fingerprint.table },
					() =>
						compareWithFingerprint(destination, fingerprint, {
							destinationTable: `${this.getNodeParameter('prefix', i, '') as string}${fingerprint.table}`,
							maxDiffRows: this.getNodeParameter('maxDiffRows', i) as number,
						}),
					undefined,
					comparisonOutcome,
				);
				comparisons.push(...paired([comparison], i));
			}
			return comparisons;
		});
		return [out];
	},
};
