import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

/** The item as the document of an earlier Validate step, refused when it is not one. */
export function requireShape<T>(
	context: IExecuteFunctions,
	json: IDataObject,
	field: string,
	step: string,
	itemIndex: number,
): T {
	if (!json || !(field in json))
		throw new NodeOperationError(
			context.getNode(),
			`This operation needs the items of a Validate "${step}" step as input`,
			{
				itemIndex,
			},
		);
	return json as unknown as T;
}
