import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { dryRun, type DryRunResult } from '../../../core/plan/dry-run';
import type { TableMapping } from '../../../core/mapping/mapping';
import { stepFromParameters, type StepParameters } from '../../../core/mapping/transform';
import { hasScratchSpaces, type DatabaseConnector } from '../../../core/ports';
import { SOURCE_CREDENTIAL_TYPE, systemParameter, type DatabaseSystem } from '../../shared/connection';
import { MIGRATION_NAME } from '../../shared/database-properties';
import { withConnector } from '../../shared/node-connector';
import { TRANSFORM_STEPS } from '../../Transform/actions/transform-steps';

/** Dry Run and Plan read one database (Source Database, its own slot) and sample into the node's database. */
export const SAMPLE_RUN_PROPERTIES: INodeProperties[] = [
	systemParameter('sourceSystem', 'Source Database'),
	{ ...MIGRATION_NAME, description: 'The run this samples for: names the scratch namespace (dm_dry_<name>)' },
	{
		displayName: 'Sample Rows',
		name: 'sampleRows',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 100000 },
		default: 1000,
		description: 'Rows per table, the first ones in key order, sent through read → transform → load → validate',
	},
	{
		displayName: 'Batch Size',
		name: 'batchSize',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 5000,
		description: 'Rows per read and write, as the run will use',
	},
	{
		...TRANSFORM_STEPS,
		description: "The run's Transform steps (as in the chunk worker's Copy Chunk), applied to the sample the same way",
	},
];

/** The node's database (where the scratch namespace goes) and the source, both open for `work`. */
export function withSampleRun<T>(
	context: IExecuteFunctions,
	work: (source: DatabaseConnector, destination: DatabaseConnector) => Promise<T>,
): Promise<T> {
	const system = context.getNodeParameter('system', 0) as DatabaseSystem;
	const sourceSystem = context.getNodeParameter('sourceSystem', 0) as DatabaseSystem;
	return withConnector(context, system, (destination) =>
		withConnector(context, sourceSystem, (source) => work(source, destination), SOURCE_CREDENTIAL_TYPE[sourceSystem]),
	);
}

/** The dry run of item i's mappings, as its parameters say. */
export function sampleRun(
	context: IExecuteFunctions,
	source: DatabaseConnector,
	destination: DatabaseConnector,
	mappings: TableMapping[],
	i: number,
): Promise<DryRunResult> {
	if (!hasScratchSpaces(destination))
		throw new RangeError(
			`A dry run writes into a scratch namespace of the destination; ${destination.system} has none: choose a PostgreSQL or MySQL destination`,
		);
	const steps = ((context.getNodeParameter('steps.step', i, []) as StepParameters[]) ?? []).map(stepFromParameters);
	return dryRun(source, destination, mappings, {
		migration: context.getNodeParameter('migration', i) as string,
		sampleRows: context.getNodeParameter('sampleRows', i) as number,
		batchSize: context.getNodeParameter('batchSize', i) as number,
		steps,
	});
}
