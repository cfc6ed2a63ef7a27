import type { INodeProperties } from 'n8n-workflow';

const show = (...operation: string[]) => ({ show: { operation } });

const operation: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	options: [
		{
			name: 'Begin Sync (Destination)',
			value: 'begin',
			action: 'Take the sync lease and read its watermark',
			description: 'One run at a time per sync and table: the committed watermark on Start, or the holder on Busy',
		},
		{
			name: 'Read Changes (Source)',
			value: 'read',
			action: 'Read rows changed since the watermark',
			description:
				'Rows past the (cursor, key) watermark up to the source clock minus the lag, in order, one batch; rows on Changes, the batch on Batch',
		},
		{
			name: 'Commit Watermark (Destination)',
			value: 'commit',
			action: 'Commit the watermark after the load',
			description: "After Batch Load: the batch's deletes and its watermark in one transaction, lag metrics as output",
		},
		{
			name: 'Mark Start (Source)',
			value: 'markStart',
			action: 'Read where the first sync starts',
			description: 'Before the backfill: the source clock minus the lag, so every change during the backfill is synced',
		},
		{
			name: 'Commit Start (Destination)',
			value: 'commitStart',
			action: 'Record where the first sync starts',
			description: 'Stores the Mark Start position unless the sync already has a watermark',
		},
		{
			name: 'Check Dual Write (Old Database)',
			value: 'checkWrite',
			action: 'Check a dual write against its settings',
			description:
				'Before any write: only the listed tables and columns, at most so many rows and bytes; the rows on output, or the reason it is refused',
		},
		{
			name: 'Queue Replay (Old Database)',
			value: 'queueReplay',
			action: 'Queue failed dual writes for replay',
			description: 'Keys of rows the new database refused, kept in the old database for the next sync to replay',
		},
		{
			name: 'Clear Replayed (Source)',
			value: 'clearReplayed',
			action: 'Remove replayed queue entries',
			description: 'After Commit Watermark: removes the replay entries the committed batch carried',
		},
		{
			name: 'Key Segments (Destination)',
			value: 'keySegments',
			action: 'Checksum destination keys per segment',
			description: 'Key-set deletes, step 1: primary-key segments and the digest of their keys',
		},
		{
			name: 'Changed Key Segments (Source)',
			value: 'changedSegments',
			action: 'Find segments whose keys differ',
			description: "Key-set deletes, step 2: the source's keys of each segment whose key digest differs",
		},
		{
			name: 'Delete Missing Keys (Destination)',
			value: 'deleteMissing',
			action: 'Delete rows the source no longer has',
			description: 'Key-set deletes, step 3: deletes the keys of each segment that the source no longer has',
		},
		{
			name: 'Cutover Readiness (Destination)',
			value: 'readiness',
			action: 'Decide whether cutover is safe',
			description:
				'From the sync state and the Validate checks given as input: "Ready for production cutover: YES/NO" and why',
		},
	],
	default: 'read',
};

const rest: INodeProperties[] = [
	{
		displayName: 'Sync Name',
		name: 'sync',
		type: 'string',
		default: 'zero-downtime',
		required: true,
		description: 'Names the watermark, the lease and the replay queue of this sync',
		displayOptions: show('begin', 'markStart', 'queueReplay', 'readiness'),
	},
	{
		displayName: 'Tables',
		name: 'tables',
		type: 'string',
		default: '',
		required: true,
		description: 'The synced tables, comma-separated (or an array by expression)',
		displayOptions: show('readiness'),
	},
	{
		displayName: 'Cursor Column Name or ID',
		name: 'cursorColumn',
		type: 'options',
		typeOptions: { loadOptionsMethod: 'getColumns', loadOptionsDependsOn: ['table', 'system'] },
		default: 'updated_at',
		required: true,
		description:
			'A timestamp or number every write raises (updated_at, a version). Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
		displayOptions: show('begin', 'read', 'markStart', 'readiness'),
	},
	{
		displayName: 'Batch Size',
		name: 'batchSize',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 5000,
		description: 'Most rows one Read Changes returns; "more" on Batch says whether rows remain',
		displayOptions: show('read'),
	},
	{
		displayName: 'Lag (Seconds)',
		name: 'lagSeconds',
		type: 'number',
		typeOptions: { minValue: 0 },
		default: 5,
		description:
			'Safety horizon: rows stamped within this many seconds of the source clock wait for the next run, so a transaction that commits late with an earlier timestamp is not skipped. Longer than your longest write transaction.',
		displayOptions: show('read', 'markStart'),
	},
	{
		displayName: 'Soft-Delete Column',
		name: 'softDeleteColumn',
		type: 'string',
		default: '',
		description:
			'A column set when a row is deleted (deleted_at, is_deleted): such rows are deleted in the destination. Empty: no soft deletes (use the key-set operations for hard deletes).',
		displayOptions: show('read'),
	},
	{
		displayName: 'Replay Queue',
		name: 'replayQueue',
		type: 'boolean',
		default: true,
		description: 'Whether to re-read the rows of queued dual writes (Queue Replay) from this source and load them too',
		displayOptions: show('read'),
	},
	{
		displayName: 'Batch',
		name: 'batch',
		type: 'json',
		default: "={{ $('Read Changes').first(1).json }}",
		description: 'The Batch output of Read Changes',
		displayOptions: show('commit', 'clearReplayed'),
	},
	{
		displayName: 'Rows Rejected by the Load',
		name: 'rejected',
		type: 'number',
		default: 0,
		description:
			'The rejected count of the Batch Load before this step: above 0, nothing is committed (a rejected row would otherwise be skipped for good)',
		displayOptions: show('commit'),
	},
	{
		displayName: 'Destination Table',
		name: 'destinationTable',
		type: 'string',
		default: '',
		description: 'Where deletes go when the destination table has another name; empty: the same name',
		displayOptions: show('commit'),
	},
	{
		displayName: 'Lease (Seconds)',
		name: 'leaseSeconds',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 600,
		description: 'How long a run may hold the sync before another may take over (a killed run frees it after this)',
		displayOptions: show('begin', 'commit'),
	},
	{
		displayName: 'Request',
		name: 'request',
		type: 'json',
		default: '={{ $json.body }}',
		description: 'The dual-write request: {"table": …, "rows": [{…}], "sync": …}',
		displayOptions: show('checkWrite'),
	},
	{
		displayName: 'Allowed Writes',
		name: 'allowedWrites',
		type: 'json',
		default: '{}',
		description:
			'The tables and columns a caller may write, e.g. {"customers": ["id", "name", "updated_at"]}; anything else is refused. Empty: every request is refused.',
		displayOptions: show('checkWrite'),
	},
	{
		displayName: 'Max Rows per Request',
		name: 'maxRows',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 1000,
		displayOptions: show('checkWrite'),
	},
	{
		displayName: 'Excerpt of Refused Values (Characters)',
		name: 'valueExcerpt',
		type: 'number',
		typeOptions: { minValue: 0 },
		default: 40,
		description:
			'How much of a value the old database refused is shown in the answer; the answer is no copy of the data',
		displayOptions: show('checkWrite'),
	},
	{
		displayName: 'Max Body Size (Bytes)',
		name: 'maxBodyBytes',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 1048576,
		displayOptions: show('checkWrite'),
	},
	{
		displayName: 'Rows per Segment',
		name: 'segmentRows',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 10000,
		displayOptions: show('keySegments'),
	},
];

export const syncProperties = { operation, rest };
