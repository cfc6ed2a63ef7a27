import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
	INodePropertyOptions,
} from 'n8n-workflow';
import { describeError, failedItems, toNodeError } from './node-errors';

/**
 * One operation of a node, in its own file (as n8n's Postgres v2 does): its entry in the Operation
 * list, its own parameters, and its execute. The node file only lists its operations.
 */
export interface Operation {
	option: INodePropertyOptions & { value: string };
	/** Shown for this operation only (the router sets their displayOptions). */
	properties: INodeProperties[];
	/** The items of each output; errors are thrown, the router turns them into items where asked to. */
	execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[][]>;
}

/** The Operation parameter and every operation's own parameters, each shown for its operation. */
export function operationProperties(
	operations: Operation[],
	defaultOperation: string,
	shared: INodeProperties[] = [],
): INodeProperties[] {
	const shownFor = (property: INodeProperties, value: string): INodeProperties => ({
		...property,
		displayOptions: {
			...property.displayOptions,
			show: { ...property.displayOptions?.show, operation: [value] },
		},
	});
	return [
		{
			displayName: 'Operation',
			name: 'operation',
			type: 'options',
			noDataExpression: true,
			options: operations.map((o) => o.option),
			default: defaultOperation,
		},
		...shared,
		...operations.flatMap((o) => o.properties.map((p) => shownFor(p, o.option.value))),
	];
}

/**
 * Runs the chosen operation; the one place a node's errors are handled. With Continue On Fail (and
 * every error output) each input item fails with the reason as `{ error }`, which n8n routes; an
 * operation that handles items one by one reports its own (see eachItem).
 */
export async function route(
	context: IExecuteFunctions,
	operations: Operation[],
	outputs = 1,
): Promise<INodeExecutionData[][]> {
	const items = context.getInputData();
	const name = context.getNodeParameter('operation', 0) as string;
	const operation = operations.find((o) => o.option.value === name);
	try {
		if (!operation) throw new RangeError(`Unknown operation ${JSON.stringify(name)}`);
		return await operation.execute.call(context, items);
	} catch (error) {
		// n8n passes a throwing node's input on as its output: the error must be an item to reach the error output.
		if (context.continueOnFail()) return [failedItems(items, error), ...Array.from({ length: outputs - 1 }, () => [])];
		throw toNodeError(context.getNode(), error);
	}
}

/** Plain values as the items of input item i. */
export function paired(values: IDataObject[] | readonly object[], i: number): INodeExecutionData[] {
	return values.map((json) => ({ json: json as IDataObject, pairedItem: { item: i } }));
}

/**
 * Item by item: the items `work` returns for item i (see paired); with Continue On Fail a failing
 * item becomes `{ error }` and the others go on.
 */
export async function eachItem(
	context: IExecuteFunctions,
	items: INodeExecutionData[],
	work: (i: number) => Promise<INodeExecutionData[]>,
): Promise<INodeExecutionData[]> {
	const out: INodeExecutionData[] = [];
	for (let i = 0; i < items.length; i++) {
		try {
			out.push(...(await work(i)));
		} catch (error) {
			if (!context.continueOnFail()) throw toNodeError(context.getNode(), error, i);
			out.push({ json: { error: describeError(error).message }, pairedItem: { item: i } });
		}
	}
	return out;
}
