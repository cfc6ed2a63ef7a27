import type { INodeExecutionData } from 'n8n-workflow';
import type { Operation } from '../../shared/operations';
import { ID_MAP_PROPERTIES, SOURCE_TYPE_PROPERTY, withIdMap } from '../../shared/platforms';

export const LOOK_UP_IDS_OPERATION = 'lookUpIds';

export const lookUpIds: Operation = {
	option: {
		name: 'Look Up IDs',
		value: LOOK_UP_IDS_OPERATION,
		action: 'Look up source IDs in the ID map',
		description:
			'Items whose source id is already mapped go to Mapped (with the destination id and what was kept), the rest to Not Mapped: put it before a create step and a rerun creates only what is missing',
	},
	properties: [
		...ID_MAP_PROPERTIES,
		SOURCE_TYPE_PROPERTY,
		{
			displayName: 'Source ID',
			name: 'sourceId',
			type: 'string',
			default: '={{ $json.id }}',
			required: true,
			description: "The item's id in the source",
		},
		{
			displayName: 'Put Into Field',
			name: 'outputField',
			type: 'string',
			default: 'mapped',
			description: 'Mapped items get the destination id and kept values in this field',
		},
	],
	async execute(items) {
		const mapped: INodeExecutionData[] = [];
		const missing: INodeExecutionData[] = [];
		await withIdMap(this, async (map) => {
			for (let i = 0; i < items.length; i++) {
				const type = String(this.getNodeParameter('sourceType', i)).trim();
				const source = String(this.getNodeParameter('sourceId', i) ?? '').trim();
				const entry = await map.done(type, source);
				if (!entry) {
					missing.push({ json: items[i].json, pairedItem: { item: i } });
					continue;
				}
				const field = String(this.getNodeParameter('outputField', i, 'mapped'));
				mapped.push({
					json: { ...items[i].json, [field]: { id: entry.dest ?? null, ...entry.kept } },
					pairedItem: { item: i },
				});
			}
		});
		return [mapped, missing];
	},
};
