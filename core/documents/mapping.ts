import type { TableMapping } from '../mapping/mapping';
import { mappingMarkdown } from '../mapping/mapping-document';
import { migrationDocument } from './document';

/** The schema mapping document: every table's columns with source and target types, keys, indexes, child tables. */
export function mappingDocument(migration: string, source: string, destination: string, mappings: TableMapping[]) {
	const lines = [
		`# Schema mapping: ${migration}`,
		'',
		`${source} → ${destination} · ${mappings.length} table(s), ${mappings.reduce((n, m) => n + m.target.columns.length, 0)} columns`,
		'',
		...mappings.flatMap((m) => [mappingMarkdown(m), '']),
	];
	return migrationDocument('mapping', `Schema mapping: ${migration}`, migration, lines.join('\n'));
}
