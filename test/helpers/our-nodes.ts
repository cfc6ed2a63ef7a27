import type { INodeType } from 'n8n-workflow';
import { SchemaMapper } from '../../nodes/SchemaMapper/SchemaMapper.node';

/** This package's node classes by their type name inside n8n. */
export function ourNodeTypes(): Record<string, INodeType> {
	const nodes: INodeType[] = [new SchemaMapper()];
	return Object.fromEntries(nodes.map((n) => [`n8n-nodes-data-migration.${n.description.name}`, n]));
}
