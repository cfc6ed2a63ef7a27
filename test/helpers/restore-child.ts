/**
 * Runs one restore in its own process, printing each table as it is restored, so a test can
 * kill -9 it in the middle: `node --import tsx restore-child.ts <target name> <run>`.
 */
import { restoreRun } from '../../core/rollback/rollback';
import { targets } from '../contract/targets';

async function main() {
	const [name, run] = process.argv.slice(2);
	const connector = targets.find((t) => t.name === name)!.connect();
	await restoreRun(connector, run, (outcome) => console.log(JSON.stringify(outcome)));
	await connector.close();
}

void main();
