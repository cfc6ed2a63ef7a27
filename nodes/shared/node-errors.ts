import { NodeOperationError, type INode, type INodeExecutionData } from 'n8n-workflow';
import { isMigrationError } from '../../core/model/errors';

/** Message and description of any error, typed or not, for the n8n execution view. */
export function describeError(error: unknown): { message: string; description?: string } {
	if (isMigrationError(error)) {
		const { code, context, retryable } = error;
		const where = [
			context.table && `table ${String(context.table)}`,
			context.column && `column ${String(context.column)}`,
		]
			.filter(Boolean)
			.join(', ');
		return {
			message: error.message,
			description: `${code}${where ? ` (${where})` : ''}${retryable ? '; retrying may succeed' : ''}`,
		};
	}
	return { message: error instanceof Error ? error.message : String(error) };
}

/** The only place engine errors become n8n errors (ARCHITECTURE: errors translated once). */
export function toNodeError(node: INode, error: unknown, itemIndex?: number): NodeOperationError {
	if (error instanceof NodeOperationError) return error;
	const { message, description } = describeError(error);
	return new NodeOperationError(node, message, { itemIndex, description });
}

/** Items n8n routes to a node's error output (or passes on, with Continue On Fail): `{ error }` paired to each input. */
export function failedItems(items: INodeExecutionData[], error: unknown): INodeExecutionData[] {
	const { message } = describeError(error);
	return items.map((_item, i) => ({ json: { error: message }, pairedItem: { item: i } }));
}
