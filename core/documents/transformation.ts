import type { TableMapping } from '../mapping/mapping';
import type { StepParameters } from '../mapping/transform';
import { cell, migrationDocument } from './document';

const show = (value: unknown) => (typeof value === 'string' ? `"${value}"` : JSON.stringify(value));

/** One Transform step in words. */
export function stepInWords(step: StepParameters): string {
	switch (step.action) {
		case 'rename':
			return `rename \`${step.field}\` to \`${step.to}\``;
		case 'drop':
			return `drop \`${step.field}\``;
		case 'cast':
			return `convert \`${step.field}\` to ${step.type ?? 'string'}; a value that does not convert exactly rejects its row, naming it`;
		case 'default':
			return `a missing, null or empty \`${step.field}\` becomes ${show(step.value)}`;
		case 'compute':
			return `set \`${step.field}\` to ${show(step.value)}`;
		case 'flatten':
			return `flatten the object \`${step.field}\` into one column per leaf, names joined by "${step.separator ?? '_'}"`;
		case 'remap': {
			const mapping =
				typeof step.mapping === 'string' ? (JSON.parse(step.mapping || '{}') as object) : (step.mapping ?? {});
			const unmapped = { reject: 'rejects its row', keep: 'is kept as it is', null: 'becomes NULL' }[
				step.unmapped ?? 'reject'
			];
			return `replace \`${step.field}\` through a map of ${Object.keys(mapping).length} value(s); a value not in it ${unmapped}`;
		}
	}
}

/** What the mapping itself changes about a table's values: types, flattening, child tables, invalid-value policies. */
function mappingChanges(mapping: TableMapping): string[] {
	const changes: string[] = [];
	for (const column of mapping.target.columns) {
		const from = mapping.source.columns.find((c) => c.name === column.name);
		if (from && (from.logical !== column.logical || from.nativeType !== column.nativeType))
			changes.push(
				`| ${cell(column.name)} | ${cell(from.nativeType || from.logical)} | ${column.logical}${column.nativeType ? ` (${cell(column.nativeType)})` : ''} | ${from.logical === column.logical ? 'same value, the destination type' : 'converted; a value that does not fit exactly is rejected, named'} |`,
			);
	}
	const lines = changes.length
		? ['| Column | Source type | Destination type | Values |', '|---|---|---|---|', ...changes]
		: ['Every column keeps its type.'];
	if (mapping.flatten)
		lines.push('', `Nested documents are flattened: one column per leaf, names joined by "${mapping.flatten}".`);
	for (const child of mapping.children ?? [])
		lines.push('', `The array \`${child.field}\` becomes rows of ${child.table}, one per element.`);
	for (const [where, policy] of Object.entries(mapping.policies ?? {}))
		lines.push(
			'',
			`Invalid values in ${where}: ${policy === 'null' ? 'written as NULL and listed in the report' : 'the row is refused and listed'}.`,
		);
	return lines;
}

/** The transformation document: the run's Transform steps and each table's conversions, in words. */
export function transformationDocument(migration: string, mappings: TableMapping[], steps: StepParameters[]) {
	const lines = [
		`# Transformations: ${migration}`,
		'',
		'## Transform steps',
		'',
		...(steps.length
			? [
					'Applied to every row, in this order, batch by batch (Batch Load, Copy Chunk):',
					'',
					...steps.map((s, i) => `${i + 1}. ${stepInWords(s)}`),
				]
			: ['None: rows are written as read, with the conversions below.']),
		'',
		...mappings.flatMap((m) => [`## ${m.table} → ${m.destinationTable}`, '', ...mappingChanges(m), '']),
		'## Always',
		'',
		'- A value the destination cannot hold exactly (text with NUL, an out-of-range date, a number that would round) is never altered silently: its row is refused and listed with the column, the value and the reason, unless a policy says NULL.',
	];
	return migrationDocument('transformation', `Transformations: ${migration}`, migration, lines.join('\n'));
}
