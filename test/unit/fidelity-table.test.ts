import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIDELITY_END, FIDELITY_START, fidelityMarkdown } from '../fidelity/table';

/** Table rows compared without Prettier's padding. */
const normalise = (text: string) =>
	text
		.split('\n')
		.map((line) =>
			line
				.trim()
				.replace(/\s*\|\s*/g, '|')
				.replace(/-{3,}/g, '---'),
		)
		.filter(Boolean)
		.join('\n');

describe("the README's fidelity table", () => {
	it('is the one rendered from the corpora the workflow tier runs (npx tsx scripts/fidelity-table.ts)', () => {
		const readme = readFileSync(join(__dirname, '../../README.md'), 'utf8');
		const section = readme.slice(readme.indexOf(FIDELITY_START) + FIDELITY_START.length, readme.indexOf(FIDELITY_END));
		expect(normalise(section)).toBe(normalise(fidelityMarkdown()));
	});
});
