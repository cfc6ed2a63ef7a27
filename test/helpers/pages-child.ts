/**
 * Copies an API resource into PostgreSQL one page at a time in its own process, printing each
 * committed page, so a test can kill -9 it mid-pagination:
 * `node --import tsx pages-child.ts <api url> <resource> <table> <run>`.
 */
import { copyPages } from '../../core/copy/pages';
import { targets } from '../contract/targets';
import { apiConnector, STYLES } from './api-resources';

async function main() {
	const [url, resource, table, run] = process.argv.slice(2);
	const destination = targets.find((t) => t.name === 'PostgreSQL')!.connect();
	const source = apiConnector(url, STYLES);
	for (;;) {
		const result = await copyPages(source, destination, {
			run,
			resource,
			table,
			pages: 1,
			mode: 'upsert',
			batchSize: 5000,
		});
		console.log(JSON.stringify({ page: result.pagesDone }));
		if (result.done) break;
	}
	await destination.close();
}

void main();
