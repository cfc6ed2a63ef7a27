import { markdownPage } from '../report/report';

/** One deliverable of a migration: its Markdown and the same as a self-contained HTML page. */
export interface MigrationDocument {
	/** Which document: assessment, mapping, transformation, plan, dryRun, rollback, verification. */
	document: string;
	title: string;
	fileName: string;
	markdown: string;
	html: string;
}

export function migrationDocument(
	document: string,
	title: string,
	migration: string,
	markdown: string,
): MigrationDocument {
	const slug = migration.replace(/[^A-Za-z0-9._-]+/g, '-');
	return {
		document,
		title,
		fileName: `${document.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}-${slug}`,
		markdown,
		html: markdownPage(markdown, title, 'document'),
	};
}

/** "1 h 2 min", "3 min 5 s", "4.2 s": a duration a reader takes in at a glance. */
export function duration(seconds: number | null): string {
	if (seconds === null) return 'not estimated';
	if (seconds < 60) return `${Math.round(seconds * 10) / 10} s`;
	const minutes = Math.floor(seconds / 60);
	if (minutes < 60) return `${minutes} min ${Math.round(seconds % 60)} s`;
	return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

export const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
export const count = (n: number) => n.toLocaleString('en-US');
export const bytes = (n: number | null) =>
	n === null ? '—' : n < 1024 * 1024 ? `${count(Math.round(n / 1024))} KB` : `${(n / 1024 / 1024).toFixed(1)} MB`;
