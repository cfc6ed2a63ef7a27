import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { RequestError } from '../../../core/model/errors';
import { copyPages } from '../../../core/copy/pages';
import { rejectedRowCount } from '../../../core/copy/row-check';
import { recordedLoadRules } from '../../../core/mapping/apply';
import { stepFromParameters, transformBatch, type StepParameters } from '../../../core/mapping/transform';
import type { WriteMode } from '../../../core/ports';
import { audited } from '../../../core/report/progress';
import type { DatabaseSystem } from '../../shared/connection';
import { MIGRATION_NAME, tableParameter, WRITE_MODE, arraysParameter } from '../../shared/database-properties';
import { withConnector } from '../../shared/node-connector';
import { eachItem, type Operation } from '../../shared/operations';
import { API_RESOURCE_PROPERTIES, RESOURCE, withApiSource } from '../../shared/rest';
import { TRANSFORM_STEPS } from '../../Transform/actions/transform-steps';

export const COPY_PAGES_OPERATION = 'copyPages';

/** Incremental when both the since-parameter and the watermark field are set; one without the other is refused. */
function incremental(context: IExecuteFunctions, i: number): { incremental?: { field: string } } {
	const param = context.getNodeParameter('sinceParam', i, '') as string;
	const field = context.getNodeParameter('watermarkField', i, '') as string;
	if (!param && !field) return {};
	if (!param || !field)
		throw new RequestError(
			'An incremental copy needs both a Since Parameter and a Watermark Field (or neither, for a full copy)',
		);
	return { incremental: { field } };
}

/**
 * A REST API resource into a table, page by page from the run's committed cursor: each page's
 * rows and its checkpoint (the next cursor, the digest of its records as fetched) are written in
 * one transaction, so a rerun after a kill resumes at the page after the last one committed.
 * One summary per input item: pages copied, records, rejects, and whether the resource is done.
 */
export const copyPagesOperation: Operation = {
	option: {
		name: 'Copy API Pages',
		value: COPY_PAGES_OPERATION,
		action: 'Copy pages of a REST API resource',
		description:
			'Stream up to N pages of an API resource into a table, from where this run stopped; the cursor is checkpointed with each page',
	},
	properties: [
		MIGRATION_NAME,
		tableParameter('Table Name or ID', 'Destination table'),
		...API_RESOURCE_PROPERTIES,
		{
			displayName: 'Pages per Execution',
			name: 'pages',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 50,
			description:
				"Pages this step copies at most; run it again (a loop, or the template's page worker) until Done is true",
		},
		{
			displayName: 'Watermark Field',
			name: 'watermarkField',
			type: 'string',
			default: '',
			placeholder: 'updated_at',
			description:
				"Incremental runs (with a Since Parameter): the records' last-changed field; when a run's last page is in, the highest value it saw becomes the next run's watermark",
		},
		WRITE_MODE,
		{
			displayName: 'Batch Size',
			name: 'batchSize',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 5000,
			description: 'Rows per write; a page larger than this is written in several, its checkpoint with the last',
		},
		arraysParameter('Map API Resource with Arrays: Child Tables'),
		TRANSFORM_STEPS,
	],
	async execute(items) {
		const system = this.getNodeParameter('system', 0) as DatabaseSystem;
		const rejected: INodeExecutionData[] = [];
		const loaded = await withConnector(this, system, (destination) =>
			eachItem(this, items, async (i) => {
				const table = this.getNodeParameter('table', i) as string;
				const run = this.getNodeParameter('migration', i) as string;
				const { children, flattened, policies } = await recordedLoadRules(destination, table, {
					childTables: this.getNodeParameter('arrays', i, 'asGiven') === 'childTables',
				});
				const steps = ((this.getNodeParameter('steps.step', i, []) as StepParameters[]) ?? []).map(stepFromParameters);
				const primaryKey = steps.length ? (await destination.introspect([table]))[0].primaryKey : [];
				const result = await withApiSource(this, i, (source) =>
					audited(
						destination,
						{ migration: run, step: 'Copy API Pages', table },
						() =>
							copyPages(source, destination, {
								run,
								resource: RESOURCE,
								table,
								pages: this.getNodeParameter('pages', i) as number,
								mode: this.getNodeParameter('mode', i) as WriteMode,
								batchSize: this.getNodeParameter('batchSize', i) as number,
								flatten: flattened,
								steps: steps.length ? [transformBatch(steps, table, primaryKey)] : [],
								rules: { children, policies, flattened },
								...incremental(this, i),
							}).then((r) => ({ ...r, requests: source.stats })),
						(r) => ({ rows: r.written, outcome: r.pages ? 'success' : 'skipped' }),
					),
				);
				for (const r of result.rejected) rejected.push({ json: r as unknown as IDataObject, pairedItem: { item: i } });
				return [
					{
						json: {
							migration: run,
							table,
							pages: result.pages,
							pagesDone: result.pagesDone,
							fetched: result.fetched,
							written: result.written,
							rejected: rejectedRowCount(result.rejected),
							done: result.done,
							...(result.since !== undefined ? { since: result.since } : {}),
							next: result.next,
							requests: result.requests.requests,
							retries: result.requests.retries,
							throttled: result.requests.throttled,
						},
						pairedItem: { item: i },
					},
				];
			}),
		);
		return [loaded, rejected];
	},
};
