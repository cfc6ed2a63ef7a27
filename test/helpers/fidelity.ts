import { copyBatches } from '../../core/copy/load';
import type { Rejection } from '../../core/copy/row-check';
import type { TableMapping } from '../../core/mapping/mapping';
import type { DatabaseConnector } from '../../core/ports';
import { compareWithFingerprint, fingerprintTable, verifyRows, type Check } from '../../core/validate/validate';

/** Copies a table chunk by chunk, in batches of two, through the copy pipeline with the mapping's rules. */
export async function copyMapped(
	source: DatabaseConnector,
	destination: DatabaseConnector,
	mapping: TableMapping,
	options: { run: string; rowsPerChunk: number },
): Promise<Rejection[]> {
	const rejected: Rejection[] = [];
	for (const range of await source.planChunks(mapping.table, options.rowsPerChunk)) {
		const result = await copyBatches(destination, source.read(mapping.table, range, { batchSize: 2 }), {
			table: mapping.destinationTable,
			mode: 'upsert',
			batchSize: 2,
			policies: mapping.policies,
			chunk: { run: options.run, table: mapping.table, position: range },
		});
		rejected.push(...result.rejected);
	}
	return rejected;
}

/** Fingerprint → Compare → Verify Rows, and the rows check's details. */
export async function verifiedRows(
	source: DatabaseConnector,
	destination: DatabaseConnector,
	table: string,
	sampleSize: number,
) {
	const fingerprint = await fingerprintTable(source, table, { segmentRows: 100, sampleSize, seed: 3 });
	const comparison = await compareWithFingerprint(destination, fingerprint, { maxDiffRows: 1000 });
	const checks = await verifyRows(source, JSON.parse(JSON.stringify(comparison)));
	return checks.find((c: Check) => c.check === 'rows')!.details as {
		missing: unknown[][];
		changed: Array<{ key: unknown[]; column: string; source: string; destination: string }>;
	};
}
