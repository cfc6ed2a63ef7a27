import type { IDataObject } from 'n8n-workflow';
import type { SyncState } from '../../../core/sync/sync';

/** A committed sync state's lag metrics, as Commit Watermark outputs them. */
export function lagFields(state: SyncState): IDataObject {
	return {
		sync: state.sync,
		table: state.table,
		watermark: state.watermark as unknown as IDataObject,
		rowsBehind: state.rowsBehind ?? null,
		secondsBehind: state.secondsBehind ?? null,
		lastSyncTime: state.committedAt ?? null,
	};
}

/** Names given as a list or as comma-separated text. */
export function list(value: unknown): string[] {
	const names = Array.isArray(value) ? value.map(String) : String(value ?? '').split(',');
	return names.map((t) => t.trim()).filter(Boolean);
}
