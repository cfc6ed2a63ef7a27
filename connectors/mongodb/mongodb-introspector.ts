import type { Db } from 'mongodb';
import type { Column, IndexInfo, LogicalType, TableSchema } from '../../core/model/schema';
import { bsonTypeName, EXACT_BSON, logicalOfBson, mergeLogical } from './mongodb-types';

export const INTERNAL_PREFIX = '_dm_';
export const SAMPLE_SIZE = 1000;

/**
 * Collections as tables: fields inferred from a sample of documents (top level;
 * nested documents and arrays are JSON columns), _id as the key.
 */
export async function introspectMongo(
	db: Db,
	declared: Map<string, TableSchema>,
	names?: string[],
	/** Row estimates cost a count per collection on some servers (FerretDB 1.x scans); chunk workers skip them. */
	withEstimates = true,
): Promise<TableSchema[]> {
	const filter = names ? { name: { $in: names } } : {};
	const collections = (await db.listCollections(filter, { nameOnly: true }).toArray())
		.map((c) => c.name)
		.filter((name) => !name.startsWith('system.') && !name.startsWith(INTERNAL_PREFIX))
		.sort();
	return Promise.all(
		collections.map(async (name): Promise<TableSchema> => {
			const collection = db.collection(name);
			const [estimate, indexes] = await Promise.all([
				withEstimates ? collection.estimatedDocumentCount() : Promise.resolve(0),
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
			// Natural order: a sort would make servers without sort pushdown (FerretDB 1.x) read the whole collection.
			const sample = await collection.find({}, EXACT_BSON).limit(SAMPLE_SIZE).toArray();
			const types = new Map<string, LogicalType | undefined>([['_id', undefined]]);
			const seen = new Map<string, number>();
			for (const doc of sample) {
				for (const [field, value] of Object.entries(doc)) {
					types.set(field, mergeLogical(types.get(field), logicalOfBson(value)));
					if (value !== null && value !== undefined) seen.set(field, (seen.get(field) ?? 0) + 1);
				}
			}
			// A field null in every sampled document is JSON: it holds whatever later documents bring, exactly.
			const columns: Column[] = [...types].map(([field, logical]) => ({
				name: field,
				nativeType: logical ? bsonTypeName(logical) : 'null',
				logical: logical ?? 'json',
				nullable: field !== '_id' && (seen.get(field) ?? 0) < sample.length,
			}));
			return { name, columns, primaryKey: ['_id'], indexes: indexInfo, foreignKeys: [], rowEstimate: estimate };
		}),
	);
}
