/**
 * The test API's resources as the connector takes them (one per pagination style), and the steps a
 * test runs before copying one: Map (a table inferred from a sample) and Apply DDL.
 */
import { createRestConnector } from '../../connectors/rest/rest-client';
import type { RestApiConfig } from '../../connectors/rest/rest-config';
import type { ApiResource } from '../../connectors/rest/rest-config';
import { applyDdl, designMappings } from '../../core/mapping/apply';
import { recordTable, sampledTable, sampleRecords } from '../../core/mapping/record-schema';
import type { DatabaseConnector, RecordSource } from '../../core/ports';

export const STYLES: Record<string, ApiResource> = {
	bodyCursor: {
		path: '/cursor',
		recordsPath: 'data',
		pageSize: 100,
		pagination: { style: 'bodyCursor', cursorPath: 'meta.next_cursor', cursorParam: 'cursor', sizeParam: 'limit' },
	},
	lastRecord: {
		path: '/stripe',
		recordsPath: 'data',
		pageSize: 100,
		pagination: {
			style: 'lastRecord',
			cursorParam: 'starting_after',
			idField: 'id',
			hasMorePath: 'has_more',
			sizeParam: 'limit',
		},
	},
	nextUrl: {
		path: '/soql',
		recordsPath: 'records',
		pageSize: 200,
		pagination: { style: 'nextUrl', nextUrlPath: 'nextRecordsUrl', sizeParam: 'batch' },
	},
	linkHeader: {
		path: '/link',
		recordsPath: '',
		pageSize: 100,
		pagination: { style: 'linkHeader', sizeParam: 'per_page' },
	},
	pageNumber: {
		path: '/pages',
		recordsPath: 'items',
		pageSize: 100,
		pagination: {
			style: 'pageNumber',
			pageParam: 'page',
			firstPage: 1,
			sizeParam: 'per_page',
			totalPagesPath: 'total_pages',
		},
	},
	offset: {
		path: '/offset',
		recordsPath: 'results',
		pageSize: 100,
		pagination: { style: 'offset', offsetParam: 'offset', sizeParam: 'limit' },
	},
	headerCursor: {
		path: '/header',
		recordsPath: '',
		pageSize: 100,
		pagination: { style: 'headerCursor', header: 'X-Next-Cursor', cursorParam: 'cursor', sizeParam: 'limit' },
	},
};

export const ODD: Record<string, ApiResource> = {
	loop: { ...STYLES.bodyCursor, path: '/loop', pageSize: 10 },
	malformed: { ...STYLES.offset, path: '/malformed', pageSize: 10 },
	html: { ...STYLES.offset, path: '/html', pageSize: 10 },
	empty: { ...STYLES.bodyCursor, path: '/empty' },
	edge: { ...STYLES.bodyCursor, path: '/edge' },
	missingId: { ...STYLES.offset, path: '/missing-id' },
};

export function apiConnector(
	baseUrl: string,
	resources: Record<string, ApiResource>,
	config: Partial<RestApiConfig> = {},
) {
	return createRestConnector({ baseUrl, auth: { type: 'none' }, testPath: '/health', ...config }, resources);
}

/** Map (the table inferred from the first pages) and Apply DDL, as the template's first steps do. */
export async function createApiTable(
	source: RecordSource,
	destination: DatabaseConnector,
	resource: string,
	table: string,
	options: { childTables?: boolean; flatten?: boolean; overrides?: Record<string, string> } = {},
) {
	const records = await sampleRecords(source, resource, 3);
	const schema = recordTable(table, records, 'id');
	const [mapping] = await designMappings(sampledTable(schema, records), [table], {
		overrides: options.overrides ?? {},
		prefix: '',
		flatten: options.flatten ?? false,
		childTables: options.childTables ?? false,
		separator: '_',
	});
	for (const child of mapping.children ?? [])
		if ((await destination.introspect()).some((t) => t.name === child.table)) await destination.dropTable(child.table);
	if ((await destination.introspect()).some((t) => t.name === table)) await destination.dropTable(table);
	await applyDdl(destination, mapping);
	return mapping;
}
