import type { IDataObject, INodeExecutionData } from 'n8n-workflow';
import type { Row } from '../../core/schema';

/** A row as an n8n item: binary values become base64 text (core/schema.ts), everything else is JSON already. */
export function rowToItem(row: Row, itemIndex: number): INodeExecutionData {
	const json: IDataObject = {};
	for (const [key, value] of Object.entries(row)) json[key] = Buffer.isBuffer(value) ? value.toString('base64') : value;
	return { json, pairedItem: { item: itemIndex } };
}

export function itemToRow(item: INodeExecutionData): Row {
	return item.json as Row;
}
