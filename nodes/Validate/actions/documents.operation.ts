import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { assessmentDocument } from '../../../core/documents/assessment';
import type { MigrationDocument } from '../../../core/documents/document';
import { migrationDocument } from '../../../core/documents/document';
import { dryRunDocument } from '../../../core/documents/dry-run';
import { mappingDocument } from '../../../core/documents/mapping';
import { planDocument } from '../../../core/documents/plan';
import { rollbackDocument } from '../../../core/documents/rollback';
import { transformationDocument } from '../../../core/documents/transformation';
import type { TableAssessment } from '../../../core/mapping/assess';
import type { TableMapping } from '../../../core/mapping/mapping';
import type { StepParameters } from '../../../core/mapping/transform';
import type { DryRunResult } from '../../../core/plan/dry-run';
import type { MigrationPlan } from '../../../core/plan/plan';
import { reportMarkdown, type MigrationReport } from '../../../core/report/report';
import { rollbackSteps } from '../../../core/rollback/rollback';
import type { DatabaseSystem } from '../../shared/connection';
import { MIGRATION_NAME } from '../../shared/database-properties';
import { jsonParameter } from '../../shared/items';
import { withConnector } from '../../shared/node-connector';
import type { Operation } from '../../shared/operations';
import { reportFiles } from '../../shared/report-files';

export const DOCUMENTS_OPERATION = 'documents';

const KINDS = [
	{ name: 'Assessment Report', value: 'assessment', needs: 'Plan' },
	{ name: 'Schema Mapping', value: 'mapping', needs: 'Mapping Documents' },
	{ name: 'Transformations', value: 'transformation', needs: 'Mapping Documents' },
	{ name: 'Migration Plan', value: 'plan', needs: 'Plan' },
	{ name: 'Dry Run Report', value: 'dryRun', needs: 'Dry Run (or Plan)' },
	{ name: 'Rollback Procedure', value: 'rollback', needs: 'this database' },
	{ name: 'Verification Report', value: 'verification', needs: 'Migration Report' },
] as const;

type PlanItem = MigrationPlan & {
	assessment: TableAssessment[];
	existing: Record<string, number>;
	dryRun: DryRunResult;
};

const json = (context: IExecuteFunctions, name: string): unknown => {
	const value = context.getNodeParameter(name, 0, '') as unknown;
	return value === '' || value === null || value === undefined ? undefined : jsonParameter(value);
};

function need<T>(value: T | undefined, document: string, parameter: string): T {
	if (value === undefined || (Array.isArray(value) && !value.length))
		throw new RangeError(`The ${document} document needs ${parameter}`);
	return value;
}

export const documents: Operation = {
	option: {
		name: 'Write Documents',
		value: DOCUMENTS_OPERATION,
		action: 'Write the migration documents',
		description:
			'The deliverables of a migration, each as Markdown and a self-contained HTML page attached as binary data: assessment, mapping, transformations, plan, dry run, rollback procedure, verification',
	},
	properties: [
		{ ...MIGRATION_NAME, description: 'The run the documents are about (the rollback procedure reads its snapshots)' },
		{
			displayName: 'Documents',
			name: 'documents',
			type: 'multiOptions',
			options: KINDS.map((k) => ({ name: k.name, value: k.value, description: `From ${k.needs}` })),
			default: ['mapping', 'transformation', 'rollback'],
		},
		{
			displayName: 'Plan',
			name: 'plan',
			type: 'json',
			default: '',
			description: "Schema Mapper Migration Plan's item, e.g. {{ $('Migration Plan').first().json }}",
		},
		{
			displayName: 'Dry Run',
			name: 'dryRun',
			type: 'json',
			default: '',
			description: "Schema Mapper Dry Run's item; empty: the plan's own dry run",
		},
		{
			displayName: 'Mapping Documents',
			name: 'mappings',
			type: 'json',
			default: '',
			description: 'The Map step\'s documents, e.g. {{ $("Map Schema").all().map((item) => item.json) }}',
		},
		{
			displayName: 'Transform Steps',
			name: 'steps',
			type: 'json',
			default: '[]',
			description:
				'The run\'s Transform steps as a list, e.g. [{"action": "rename", "field": "fullname", "to": "name"}] (as in Copy Chunk)',
		},
		{
			displayName: 'Migration Report',
			name: 'report',
			type: 'json',
			default: '',
			description: "Validate Report's item, e.g. {{ $('Migration Report').first().json }}",
		},
	],
	async execute(items) {
		const migration = this.getNodeParameter('migration', 0) as string;
		const wanted = this.getNodeParameter('documents', 0, []) as string[];
		const plan = json(this, 'plan') as PlanItem | undefined;
		const mappings = json(this, 'mappings') as TableMapping[] | undefined;
		const written: MigrationDocument[] = [];
		for (const kind of wanted) {
			switch (kind) {
				case 'assessment': {
					const p = need(plan, 'assessment', 'the Plan');
					written.push(
						assessmentDocument({
							migration,
							source: p.source,
							destination: p.destination,
							tables: p.assessment,
							existing: p.existing,
						}),
					);
					break;
				}
				case 'mapping': {
					const list = need(mappings, 'mapping', 'the Mapping Documents');
					written.push(mappingDocument(migration, systemOf(plan, 'source'), systemOf(plan, 'destination'), list));
					break;
				}
				case 'transformation':
					written.push(
						transformationDocument(
							migration,
							need(mappings, 'transformation', 'the Mapping Documents'),
							(json(this, 'steps') as StepParameters[] | undefined) ?? [],
						),
					);
					break;
				case 'plan':
					written.push(planDocument(need(plan, 'plan', 'the Plan')));
					break;
				case 'dryRun':
					written.push(
						dryRunDocument(
							need(
								(json(this, 'dryRun') as DryRunResult | undefined) ?? plan?.dryRun,
								'dry run',
								'a Dry Run or a Plan',
							),
						),
					);
					break;
				case 'rollback': {
					const system = this.getNodeParameter('system', 0) as DatabaseSystem;
					const steps = await withConnector(this, system, (destination) => rollbackSteps(destination, migration));
					written.push(rollbackDocument(migration, steps));
					break;
				}
				case 'verification': {
					const report = need(
						json(this, 'report') as MigrationReport | undefined,
						'verification',
						'the Migration Report',
					);
					const markdown = reportMarkdown(report);
					// Titled as the report heads itself ("Migration Report: …").
					written.push(migrationDocument('verification', markdown.split('\n')[0].slice(2), migration, markdown));
					break;
				}
				default:
					throw new RangeError(`Unknown document ${JSON.stringify(kind)}`);
			}
		}
		return [await Promise.all(written.map((d) => documentItem(this, d, items.length ? 0 : undefined)))];
	},
};

const systemOf = (plan: PlanItem | undefined, side: 'source' | 'destination') => plan?.[side] ?? `the ${side}`;

async function documentItem(
	context: IExecuteFunctions,
	document: MigrationDocument,
	item: number | undefined,
): Promise<INodeExecutionData> {
	return {
		json: document as unknown as IDataObject,
		binary: await reportFiles(context, document.fileName, document.html, document.markdown),
		...(item === undefined ? {} : { pairedItem: { item } }),
	};
}
