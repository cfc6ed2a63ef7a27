import type { TableAssessment } from './assess';
import type { TableMapping } from './mapping';
import type { Column, TableSchema } from '../model/schema';

const typeText = (c: Column) =>
	`${c.logical}${c.length ? `(${c.length})` : c.precision !== undefined ? `(${c.precision},${c.scale ?? 0})` : ''}`;

const cell = (text: string) => text.replace(/\|/g, '\\|');

function columnsTable(
	target: TableSchema,
	source?: TableSchema,
	overridden: string[] = [],
	notes: string[] = [],
): string[] {
	const lines = ['| Column | Source type | Target type | Nullable | Note |', '|---|---|---|---|---|'];
	for (const column of target.columns) {
		const from = source?.columns.find((c) => c.name === column.name);
		const said = notes.find((n) => n.startsWith(`${column.name}:`));
		const note = overridden.find((o) => o.startsWith(`${column.name}:`))
			? 'type override'
			: said
				? cell(said.slice(column.name.length + 2))
				: from
					? ''
					: 'new';
		lines.push(
			`| ${cell(column.name)} | ${from ? cell(from.nativeType || from.logical) : '—'} | ${typeText(column)} | ${column.nullable ? 'yes' : 'no'} | ${note} |`,
		);
	}
	return lines;
}

/** One table's mapping as Markdown: columns with source and target types, keys, indexes, child tables. */
export function mappingMarkdown(mapping: TableMapping): string {
	const { target, source } = mapping;
	const lines = [
		`## ${mapping.table} → ${mapping.destinationTable}`,
		'',
		`Primary key: ${target.primaryKey.join(', ') || '—'} · Indexes: ${target.indexes.length} · Foreign keys (after load): ${mapping.foreignKeys.length}` +
			(mapping.children?.length ? ` · Child tables: ${mapping.children.length}` : ''),
		'',
		...columnsTable(target, source, mapping.overridden, mapping.notes),
	];
	const policies = Object.entries(mapping.policies ?? {});
	if (policies.length)
		lines.push(
			'',
			`Invalid values: ${policies.map(([where, policy]) => `${where} → ${policy === 'null' ? 'NULL, reported' : 'row refused'}`).join('; ')}; elsewhere the row is refused.`,
		);
	for (const child of mapping.children ?? []) {
		lines.push(
			'',
			`### ${mapping.destinationTable}.${child.field}[] → ${child.table}`,
			'',
			`One row per element, keyed by ${child.schema.primaryKey.join(', ')}; the element count is in ${mapping.destinationTable}.${child.countColumn}.`,
			'',
			...columnsTable(child.schema),
		);
	}
	return lines.join('\n');
}

/** One table's assessment as Markdown, in the mapping document's style. */
export function assessmentMarkdown(table: TableAssessment): string {
	return [
		`## ${table.table}`,
		'',
		`- **Rows:** ${table.rows.toLocaleString('en-US')}${table.rowsExact ? '' : ' (estimate)'}`,
		`- **Size:** ${table.sizeBytes === null ? '—' : `${table.sizeBytes.toLocaleString('en-US')} bytes`}`,
		`- **Columns:** ${table.columns} · **Primary key:** ${table.primaryKey.join(', ') || '—'} · **Indexes:** ${table.indexes}`,
		`- **Foreign keys:** ${table.foreignKeys.map((fk) => `${fk.columns.join(', ')} → ${fk.references}`).join('; ') || '—'}`,
		'',
		'### Issues',
		'',
		...(table.issues.length ? table.issues.map((issue) => `- ${issue}`) : ['None.']),
	].join('\n');
}
