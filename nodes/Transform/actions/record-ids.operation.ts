import type { IDataObject, INodeExecutionData } from 'n8n-workflow';
import { RequestError } from '../../../core/model/errors';
import { parseJsonObject } from '../../SchemaMapper/actions/json';
import type { Operation } from '../../shared/operations';
import { ID_MAP_PROPERTIES, SOURCE_TYPE_PROPERTY, withIdMap } from '../../shared/platforms';

export const RECORD_IDS_OPERATION = 'recordIds';

export const recordIds: Operation = {
	option: {
		name: 'Record IDs',
		value: RECORD_IDS_OPERATION,
		action: 'Record source and destination IDs in the ID map',
		description:
			'After a node created records on the destination (Jira, HubSpot, Google Sheets…): each item’s source id → the id the destination gave, kept in the State Database before the next step; a rerun looks them up and creates nothing twice',
	},
	properties: [
		...ID_MAP_PROPERTIES,
		SOURCE_TYPE_PROPERTY,
		{
			displayName: 'Source ID',
			name: 'sourceId',
			type: 'string',
			default: '',
			required: true,
			placeholder: "={{ $('Trello').item.json.id }}",
			description: 'The id the record had in the source (an expression reaching the item the record was made from)',
		},
		{
			displayName: 'Destination ID',
			name: 'destinationId',
			type: 'string',
			default: '={{ $json.id }}',
			required: true,
			description: 'The id the destination gave the record',
		},
		{
			displayName: 'Keep',
			name: 'keep',
			type: 'json',
			default: '{}',
			description:
				'Other values of the created record to keep with its id, e.g. {"key": "{{ $json.key }}"} (Jira’s issue key)',
		},
	],
	async execute(items) {
		const out: INodeExecutionData[] = [];
		await withIdMap(this, async (map) => {
			for (let i = 0; i < items.length; i++) {
				const type = String(this.getNodeParameter('sourceType', i)).trim();
				const source = String(this.getNodeParameter('sourceId', i) ?? '').trim();
				const destination = String(this.getNodeParameter('destinationId', i) ?? '').trim();
				if (!type || !source || !destination)
					throw new RequestError(`Item ${i}: Record IDs needs a source type, a source id and a destination id`);
				const kept = parseJsonObject(this.getNodeParameter('keep', i, '{}'), 'Keep') as IDataObject;
				await map.put(type, source, { state: 'done', dest: destination, kept, created: true });
				out.push({
					json: { ...items[i].json, idMap: { type, source, destination, ...kept } },
					pairedItem: { item: i },
				});
			}
		});
		return [out];
	},
};
