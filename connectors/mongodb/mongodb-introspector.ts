import type { Db } from 'mongodb';
import type { Column, IndexInfo, LogicalType, TableSchema } from '../../core/schema';
import { bsonTypeName, logicalOfBson, mergeLogical } from './mongodb-types';

export const INTERNAL_PREFIX = '_dm_';
export const SAMPLE_SIZE = 1000;

/**
 * Collections as tables: fields inferred from the first documents in _id order (top level;
 * nested documents and arrays are JSON columns), _id as the key.
 */
export async function introspectMongo(db: Db, declared: Map<string, TableSchema>): Promise<TableSchema[]> {
	const collections = (await db.listCollections({}, { nameOnly: true }).toArray())
		.map((c) => c.name)
		.filter((name) => !name.startsWith('system.') && !name.startsWith(INTERNAL_PREFIX))
		.sort();
	return Promise.all(
		collections.map(async (name): Promise<TableSchema> => {
			const collection = db.collection(name);
			const [estimate, indexes] = await Promise.all([
				collection.estimatedDocumentCount(),
				collection.listIndexes().toArray(),
			]);
			const indexInfo: IndexInfo[] = indexes
				.filter((i) => i.name !== '_id_')
				.map((i) => ({ name: String(i.name), columns: Object.keys(i.key), unique: Boolean(i.unique) }));
			const schema = declared.get(name);
			if (schema) {
				const columns = schema.columns.map((c) => ({ ...c, nativeType: bsonTypeName(c.logical) }));
				return { ...schema, columns, indexes: indexInfo, rowEstimate: estimate };
			}
			const sample = await collection.find({}).sort({ _id: 1 }).limit(SAMPLE_SIZE).toArray();
			const types = new Map<string, LogicalType | undefined>([['_id', undefined]]);
			const seen = new Map<string, number>();
			for (const doc of sample) {
				for (const [field, value] of Object.entries(doc)) {
					types.set(field, mergeLogical(types.get(field), logicalOfBson(value)));
					if (value !== null && value !== undefined) seen.set(field, (seen.get(field) ?? 0) + 1);
				}
			}
			const columns: Column[] = [...types].map(([field, logical]) => ({
				name: field,
				nativeType: bsonTypeName(logical ?? 'unknown'),
				logical: logical ?? 'unknown',
				nullable: field !== '_id' && (seen.get(field) ?? 0) < sample.length,
			}));
			return { name, columns, primaryKey: ['_id'], indexes: indexInfo, foreignKeys: [], rowEstimate: estimate };
		}),
	);
}
