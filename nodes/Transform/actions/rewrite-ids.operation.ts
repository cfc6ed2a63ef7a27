import type { IDataObject, INodeExecutionData } from 'n8n-workflow';
import { RequestError } from '../../../core/model/errors';
import { rewriteThroughMap, type RewriteRule } from '../../../core/platform/rewrite';
import type { Operation } from '../../shared/operations';
import { ID_MAP_PROPERTIES, withIdMap } from '../../shared/platforms';

export const REWRITE_IDS_OPERATION = 'rewriteIds';

export const rewriteIds: Operation = {
	option: {
		name: 'Rewrite IDs Through Map',
		value: REWRITE_IDS_OPERATION,
		action: 'Rewrite relationship fields through the ID map',
		description:
			"Fields holding source ids (a card's list, a contact's company, a sub-task's parent) get the mapped destination id or a kept value (Jira's key); an item with an id not mapped yet goes to Not Mapped, or stops the run",
	},
	properties: [
		...ID_MAP_PROPERTIES,
		{
			displayName: 'Fields',
			name: 'fields',
			type: 'fixedCollection',
			typeOptions: { multipleValues: true },
			default: {},
			options: [
				{
					displayName: 'Field',
					name: 'field',
					values: [
						{ displayName: 'Field', name: 'field', type: 'string', default: '', placeholder: 'idCard' },
						{
							displayName: 'Source Type',
							name: 'type',
							type: 'string',
							default: '',
							placeholder: 'card',
							description: 'What the ids in this field are of',
						},
						{
							displayName: 'Use',
							name: 'use',
							type: 'string',
							default: 'id',
							description: 'The destination id ("id") or a value kept with it ("key")',
						},
					],
				},
			],
		},
		{
			displayName: 'If Not Mapped',
			name: 'ifNotMapped',
			type: 'options',
			options: [
				{ name: 'Route to Not Mapped', value: 'route' },
				{ name: 'Stop With an Error', value: 'error' },
			],
			default: 'route',
		},
	],
	async execute(items) {
		const rewritten: INodeExecutionData[] = [];
		const missing: INodeExecutionData[] = [];
		await withIdMap(this, async (map) => {
			for (let i = 0; i < items.length; i++) {
				const rules = ((this.getNodeParameter('fields.field', i, []) as RewriteRule[]) ?? []).map((r) => ({
					field: String(r.field).trim(),
					type: String(r.type).trim(),
					use: String(r.use || 'id').trim(),
				}));
				const { record, unmapped } = await rewriteThroughMap(items[i].json, rules, map);
				if (!unmapped.length) {
					rewritten.push({ json: record as IDataObject, pairedItem: { item: i } });
					continue;
				}
				if (this.getNodeParameter('ifNotMapped', i) === 'error')
					throw new RequestError(
						`Item ${i}: ${unmapped.map((u) => `${u.field} = ${u.id} (${u.type})`).join(', ')} not in the ID map yet`,
					);
				missing.push({ json: { ...items[i].json, unmapped } as unknown as IDataObject, pairedItem: { item: i } });
			}
		});
		return [rewritten, missing];
	},
};
