/**
 * The nodes' pictograms, light and dark, drawn from one description each so both stay alike:
 * npx tsx scripts/node-icons.ts (test/unit/node-icons.test.ts fails when a committed icon differs).
 * Shapes only, no text: a node reads at 40 px on n8n's canvas beside n8n's own pictorial icons.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

interface Palette {
	/** The node's colour: strokes and the main shape. */
	ink: string;
	/** A lighter fill inside shapes. */
	fill: string;
	/** The accent of the action (an arrow, a tick). */
	accent: string;
}

type Draw = (p: Palette) => string;

/** A database cylinder at (x, y), w wide, h tall. */
const cylinder = (p: Palette, x: number, y: number, w: number, h: number) => {
	const rx = w / 2;
	const ry = h * 0.16;
	const cx = x + rx;
	return (
		`<path d="M${x} ${y + ry}v${h - 2 * ry}a${rx} ${ry} 0 0 0 ${w} 0v-${h - 2 * ry}" fill="${p.fill}" stroke="${p.ink}" stroke-width="3"/>` +
		`<ellipse cx="${cx}" cy="${y + ry}" rx="${rx}" ry="${ry}" fill="${p.fill}" stroke="${p.ink}" stroke-width="3"/>` +
		`<path d="M${x} ${y + h / 2}a${rx} ${ry} 0 0 0 ${w} 0" fill="none" stroke="${p.ink}" stroke-width="2"/>`
	);
};

/** An arrow from (x1, y1) to (x2, y2) with its head at the end. */
const arrow = (color: string, x1: number, y1: number, x2: number, y2: number, width = 4) => {
	const angle = Math.atan2(y2 - y1, x2 - x1);
	const head = (a: number) => `${x2 - 9 * Math.cos(angle + a)} ${y2 - 9 * Math.sin(angle + a)}`;
	const r = (n: string) => n.replace(/(\d+\.\d{2})\d+/g, '$1');
	return r(
		`<path d="M${x1} ${y1}L${x2} ${y2}" stroke="${color}" stroke-width="${width}" stroke-linecap="round"/>` +
			`<path d="M${head(0.5)}L${x2} ${y2}L${head(-0.5)}" fill="none" stroke="${color}" stroke-width="${width}" stroke-linecap="round" stroke-linejoin="round"/>`,
	);
};

/** A small table: a header row and `rows` lines. */
const grid = (p: Palette, x: number, y: number, w: number, rows: number) =>
	`<rect x="${x}" y="${y}" width="${w}" height="${8 + rows * 8}" rx="2" fill="${p.fill}" stroke="${p.ink}" stroke-width="2.5"/>` +
	`<rect x="${x}" y="${y}" width="${w}" height="8" rx="2" fill="${p.ink}"/>` +
	Array.from(
		{ length: rows - 1 },
		(_, i) => `<path d="M${x} ${y + 16 + i * 8}h${w}" stroke="${p.ink}" stroke-width="1.5"/>`,
	).join('');

const ICONS: Record<string, { light: Palette; dark: Palette; draw: Draw }> = {
	// Two tables, columns of the one drawn onto the other.
	'SchemaMapper/schemaMapper': {
		light: { ink: '#5B3FD9', fill: '#ECE8FD', accent: '#F59E0B' },
		dark: { ink: '#A796F5', fill: '#2A2350', accent: '#FBBF24' },
		draw: (p) =>
			grid(p, 4, 12, 20, 4) +
			grid(p, 40, 12, 20, 4) +
			arrow(p.accent, 26, 24, 38, 24, 3) +
			arrow(p.accent, 26, 40, 38, 32, 3),
	},
	// Chunks lifted out of a database.
	'BatchExtract/batchExtract': {
		light: { ink: '#0E7490', fill: '#E0F7FA', accent: '#0E7490' },
		dark: { ink: '#67D4E6', fill: '#0B3440', accent: '#67D4E6' },
		draw: (p) =>
			cylinder(p, 6, 26, 28, 34) +
			arrow(p.accent, 30, 22, 44, 8, 4) +
			[0, 1, 2]
				.map((i) => `<rect x="${40 + i * 6}" y="${26 + i * 10}" width="16" height="7" rx="1.5" fill="${p.accent}"/>`)
				.join(''),
	},
	// A row changes shape on its way: a square in, a circle out.
	'Transform/transform': {
		light: { ink: '#B45309', fill: '#FEF3C7', accent: '#B45309' },
		dark: { ink: '#FBBF24', fill: '#3D2E0A', accent: '#FBBF24' },
		draw: (p) =>
			`<rect x="4" y="20" width="22" height="22" rx="3" fill="${p.fill}" stroke="${p.ink}" stroke-width="3"/>` +
			arrow(p.accent, 29, 31, 40, 31, 4) +
			`<circle cx="51" cy="31" r="10" fill="${p.ink}"/>` +
			`<path d="M10 8c12-6 32-6 44 2M54 54c-12 6-32 6-44-2" fill="none" stroke="${p.ink}" stroke-width="2" stroke-dasharray="3 3"/>`,
	},
	// Batches going down into a database.
	'BatchLoad/batchLoad': {
		light: { ink: '#15803D', fill: '#DCFCE7', accent: '#15803D' },
		dark: { ink: '#6EE7A0', fill: '#0C3320', accent: '#6EE7A0' },
		draw: (p) =>
			[0, 1, 2]
				.map((i) => `<rect x="${6 + i * 4}" y="${4 + i * 8}" width="18" height="6" rx="1.5" fill="${p.accent}"/>`)
				.join('') +
			arrow(p.accent, 24, 30, 34, 40, 4) +
			cylinder(p, 30, 26, 28, 34),
	},
	// Two databases kept in step: arrows round between them.
	'IncrementalSync/incrementalSync': {
		light: { ink: '#1D4ED8', fill: '#DBEAFE', accent: '#1D4ED8' },
		dark: { ink: '#93B4FA', fill: '#14254D', accent: '#93B4FA' },
		draw: (p) =>
			cylinder(p, 4, 30, 20, 26) +
			cylinder(p, 40, 30, 20, 26) +
			`<path d="M14 24C14 10 50 10 50 24" fill="none" stroke="${p.accent}" stroke-width="3.5" stroke-linecap="round"/>` +
			`<path d="M44 19L50 25L55 18" fill="none" stroke="${p.accent}" stroke-width="3.5" stroke-linecap="round" stroke-linejoin="round"/>` +
			`<circle cx="32" cy="44" r="4" fill="${p.accent}"/>`,
	},
	// A table with a tick: checked row by row.
	'Validate/validate': {
		light: { ink: '#0F766E', fill: '#CCFBF1', accent: '#16A34A' },
		dark: { ink: '#5EEAD4', fill: '#0B302D', accent: '#4ADE80' },
		draw: (p) =>
			grid(p, 4, 8, 36, 5) +
			`<circle cx="46" cy="44" r="15" fill="${p.accent}"/>` +
			`<path d="M38 44l6 6l10-12" fill="none" stroke="#fff" stroke-width="4.5" stroke-linecap="round" stroke-linejoin="round"/>`,
	},
	// A database and the arrow turning back: undo.
	'Rollback/rollback': {
		light: { ink: '#B91C1C', fill: '#FEE2E2', accent: '#B91C1C' },
		dark: { ink: '#F87171', fill: '#3F1414', accent: '#F87171' },
		draw: (p) =>
			cylinder(p, 22, 26, 26, 32) +
			`<path d="M46 22C44 5 14 3 10 24" fill="none" stroke="${p.accent}" stroke-width="4" stroke-linecap="round"/>` +
			`<path d="M3 17L10 25L17 18" fill="none" stroke="${p.accent}" stroke-width="4" stroke-linecap="round" stroke-linejoin="round"/>`,
	},
};

export function nodeIcons(): Array<[string, string]> {
	const svg = (body: string) =>
		`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" width="64" height="64">${body}</svg>\n`;
	return Object.entries(ICONS).flatMap(
		([path, icon]): Array<[string, string]> => [
			[`${path}.svg`, svg(icon.draw(icon.light))],
			[`${path}.dark.svg`, svg(icon.draw(icon.dark))],
		],
	);
}

if (require.main === module)
	for (const [file, text] of nodeIcons()) writeFileSync(join(__dirname, '../nodes', file), text);
