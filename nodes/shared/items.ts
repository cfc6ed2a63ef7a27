import type { IDataObject, INodeExecutionData } from 'n8n-workflow';
import type { Row } from '../../core/model/schema';

/**
 * A row as an n8n item: binary values become base64 text (core/schema.ts), everything else is JSON
 * already. The row is the item's json, changed in place: the reader hands it over and keeps no copy.
 */
export function rowToItem(row: Row, itemIndex: number): INodeExecutionData {
	for (const key in row) {
		const value = row[key];
		if (Buffer.isBuffer(value)) row[key] = value.toString('base64');
	}
	return { json: row as IDataObject, pairedItem: { item: itemIndex } };
}

export function itemToRow(item: INodeExecutionData): Row {
	return item.json as Row;
}

/** A JSON parameter as n8n hands it: the value itself, or its JSON text. */
export function jsonParameter(value: unknown): unknown {
	return typeof value === 'string' ? JSON.parse(value) : value;
}
