import type { INodeType } from 'n8n-workflow';
import { BatchExtract } from '../../nodes/BatchExtract/BatchExtract.node';
import { BatchLoad } from '../../nodes/BatchLoad/BatchLoad.node';
import { IncrementalSync } from '../../nodes/IncrementalSync/IncrementalSync.node';
import { Rollback } from '../../nodes/Rollback/Rollback.node';
import { SchemaMapper } from '../../nodes/SchemaMapper/SchemaMapper.node';
import { Validate } from '../../nodes/Validate/Validate.node';
import { Transform } from '../../nodes/Transform/Transform.node';

/** This package's node classes by their type name inside n8n. */
export function ourNodeTypes(): Record<string, INodeType> {
	const nodes: INodeType[] = [
		new SchemaMapper(),
		new BatchExtract(),
		new BatchLoad(),
		new Transform(),
		new Rollback(),
		new Validate(),
		new IncrementalSync(),
	];
	return Object.fromEntries(nodes.map((n) => [`n8n-nodes-data-migration.${n.description.name}`, n]));
}
