import type { Filter, Document } from 'mongodb';
import type { KeyRange } from '../../core/model/schema';

/** Key-range filter on _id; the range bounds are already BSON values. */
export function rangeFilter(range?: KeyRange): Filter<Document> {
	const bounds: Record<string, unknown> = {};
	if (range?.after) bounds.$gt = range.after[0];
	if (range?.upTo) bounds.$lte = range.upTo[0];
	return Object.keys(bounds).length ? { _id: bounds } : {};
}

/** Collection names must be plain names: no system collections, no `$`, no NUL. */
export function isValidCollectionName(name: string): boolean {
	return name.length > 0 && name.length < 200 && !name.startsWith('system.') && !/[$\0]/.test(name);
}
