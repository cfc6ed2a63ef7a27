import type { TableAssessment } from '../mapping/assess';
import { bytes, cell, count, migrationDocument } from './document';

export interface AssessmentInput {
	migration: string;
	source: string;
	destination: string;
	tables: TableAssessment[];
	/** Destination tables of the same names that exist already, with their rows. */
	existing: Record<string, number>;
}

/** The assessment report: source and destination, every table's rows, size, keys, and what will not cross as is. */
export function assessmentDocument(input: AssessmentInput) {
	const { tables } = input;
	const issues = tables.flatMap((t) => t.issues.map((issue) => `- **${t.table}:** ${issue}`));
	const lines = [
		`# Assessment: ${input.migration}`,
		'',
		`- **Source:** ${input.source} · ${tables.length} table(s), ${count(tables.reduce((n, t) => n + t.rows, 0))} rows, ${bytes(tables.reduce((n, t) => n + (t.sizeBytes ?? 0), 0))}`,
		`- **Destination:** ${input.destination} · ${
			Object.keys(input.existing).length
				? `tables there already: ${Object.entries(input.existing)
						.map(([t, rows]) => `${t} (${count(rows)} rows)`)
						.join(', ')}`
				: 'none of these tables exists yet'
		}`,
		'',
		'## Tables',
		'',
		'| Table | Rows | Size | Columns | Primary key | Indexes | Foreign keys |',
		'|---|---|---|---|---|---|---|',
		...tables.map(
			(t) =>
				`| ${cell(t.table)} | ${count(t.rows)}${t.rowsExact ? '' : ' (estimate)'} | ${bytes(t.sizeBytes)} | ${t.columns} | ${cell(t.primaryKey.join(', ') || '—')} | ${t.indexes} | ${cell(t.foreignKeys.map((fk) => `${fk.columns.join(', ')} → ${fk.references}`).join('; ') || '—')} |`,
		),
		'',
		'## Incompatibilities',
		'',
		...(issues.length ? issues : ['None found: every table has a primary key and every column a mapping.']),
	];
	return migrationDocument('assessment', `Assessment: ${input.migration}`, input.migration, lines.join('\n'));
}
