import type { INodeProperties } from 'n8n-workflow';
import type { LogicalType } from '../../../core/model/schema';

const CAST_TYPES: LogicalType[] = [
	'int16',
	'int32',
	'int64',
	'decimal',
	'float64',
	'boolean',
	'string',
	'text',
	'date',
	'timestamp',
	'timestamptz',
	'json',
];

/** The Steps list of a Transform: the Transform node's own, and Copy Chunk's (applied batch by batch). */
export const TRANSFORM_STEPS: INodeProperties = {
	displayName: 'Steps',
	name: 'steps',
	type: 'fixedCollection',
	typeOptions: { multipleValues: true, sortable: true },
	default: {},
	placeholder: 'Add Step',
	description: 'Applied to every row in this order; a value that cannot be converted exactly sends the row to Rejected',
	options: [
		{
			displayName: 'Step',
			name: 'step',
			values: [
				{
					displayName: 'Action',
					name: 'action',
					type: 'options',
					options: [
						{ name: 'Cast', value: 'cast', description: 'Convert to a type, exactly or not at all' },
						{ name: 'Compute', value: 'compute', description: 'Set a field to the value of an expression' },
						{ name: 'Default', value: 'default', description: 'Fill a field that is null, missing or empty' },
						{ name: 'Drop', value: 'drop' },
						{ name: 'Flatten', value: 'flatten', description: 'Turn an object field into one field per leaf' },
						{ name: 'Remap ID', value: 'remap', description: 'Replace an old ID by its new one from an ID map' },
						{ name: 'Rename', value: 'rename' },
					],
					default: 'rename',
				},
				{ displayName: 'Field', name: 'field', type: 'string', default: '', required: true },
				{
					displayName: 'New Name',
					name: 'to',
					type: 'string',
					default: '',
					displayOptions: { show: { action: ['rename'] } },
				},
				{
					displayName: 'Type',
					name: 'type',
					type: 'options',
					options: CAST_TYPES.map((t) => ({ name: t, value: t })),
					default: 'string',
					description: 'Naive timestamps cast to timestamptz are read as UTC',
					displayOptions: { show: { action: ['cast'] } },
				},
				{
					displayName: 'Value',
					name: 'value',
					type: 'string',
					default: '',
					description: 'A value or an expression such as {{ $json.first + " " + $json.last }}',
					displayOptions: { show: { action: ['default', 'compute'] } },
				},
				{
					displayName: 'Separator',
					name: 'separator',
					type: 'string',
					default: '_',
					displayOptions: { show: { action: ['flatten'] } },
				},
				{
					displayName: 'ID Map',
					name: 'mapping',
					type: 'json',
					default: '{}',
					description:
						'Old ID → new ID, e.g. {"17": "a9f…"}; usually an expression reading the map built by an earlier step',
					displayOptions: { show: { action: ['remap'] } },
				},
				{
					displayName: 'When Unmapped',
					name: 'unmapped',
					type: 'options',
					options: [
						{ name: 'Reject the Row', value: 'reject' },
						{ name: 'Keep the Old ID', value: 'keep' },
						{ name: 'Set to Null', value: 'null' },
					],
					default: 'reject',
					displayOptions: { show: { action: ['remap'] } },
				},
			],
		},
	],
};
