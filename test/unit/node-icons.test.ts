import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { nodeIcons } from '../../scripts/node-icons';

describe('node icons', () => {
	it.each(nodeIcons())('%s is the committed pictogram (npx tsx scripts/node-icons.ts), shapes only', (file, svg) => {
		expect(readFileSync(join(__dirname, '../../nodes', file), 'utf8')).toBe(svg);
		// A pictogram, not letters in a square.
		expect(svg).not.toMatch(/<text/);
		expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" viewBox="0 0 64 64"/);
	});

	it('light and dark differ only in colour', () => {
		const icons = Object.fromEntries(nodeIcons());
		for (const [file, svg] of Object.entries(icons).filter(([f]) => !f.endsWith('.dark.svg'))) {
			const dark = icons[file.replace(/\.svg$/, '.dark.svg')];
			expect(dark.replace(/#[0-9A-F]{6}/gi, '#')).toBe(svg.replace(/#[0-9A-F]{6}/gi, '#'));
			expect(dark).not.toBe(svg);
		}
	});
});
