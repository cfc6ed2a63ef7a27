import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import type { TableMapping } from '../../../core/mapping/mapping';

/** A JSON object parameter (its text, or the object an expression gave). */
export function parseJsonObject(value: unknown, parameter: string): Record<string, unknown> {
	const parsed = typeof value === 'string' ? (JSON.parse(value || '{}') as unknown) : value;
	if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
		throw new RangeError(`${parameter} must be a JSON object`);
	return parsed as Record<string, unknown>;
}

/** The Map step's documents an operation takes (read by mappingDocuments). */
export const MAPPING_DOCUMENTS: INodeProperties = {
	displayName: 'Mapping Documents',
	name: 'mappings',
	type: 'json',
	default: '',
	description:
		'The Map step\'s documents, e.g. {{ $("Map Schema").all().map((item) => item.json) }}; empty means the input items',
};

/** The mapping documents of item i: the Mapping Documents parameter, or the item itself. */
export function mappingDocuments(context: IExecuteFunctions, json: IDataObject, i: number): TableMapping[] {
	const given = context.getNodeParameter('mappings', i, '') as unknown;
	const documents = given ? (typeof given === 'string' ? (JSON.parse(given) as IDataObject[]) : given) : [json];
	return (Array.isArray(documents) ? documents : [documents]).map((d) => {
		const mapping = d as unknown as TableMapping;
		if (!mapping.target?.columns || !mapping.destinationTable)
			throw new NodeOperationError(
				context.getNode(),
				'This operation needs mapping documents from a Schema Mapper "Map" step as input',
				{ itemIndex: i },
			);
		return mapping;
	});
}
