/** Writes the README's fidelity tables from the torture corpora (run: npx tsx scripts/fidelity-table.ts). */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIDELITY_END, FIDELITY_START, fidelityMarkdown } from '../test/fidelity/table';

const path = join(__dirname, '..', 'README.md');
const readme = readFileSync(path, 'utf8');
const start = readme.indexOf(FIDELITY_START);
const end = readme.indexOf(FIDELITY_END);
if (start < 0 || end < start) throw new Error(`README.md has no ${FIDELITY_START} … ${FIDELITY_END} section`);
writeFileSync(
	path,
	`${readme.slice(0, start + FIDELITY_START.length)}\n\n${fidelityMarkdown()}\n\n${readme.slice(end)}`,
);
