import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { holderIsGone, newRunOwner, ownerName } from '../../core/sync/run-owner';

/** A lease holder's process, told apart from a live one only where it can be told for sure. */
describe('lease holders', () => {
	it('a holder whose process has exited is gone; this process, another host or an unmarked owner is not', () => {
		const tsx = join(__dirname, '../../node_modules/.bin/tsx');
		const script = "import { newRunOwner } from './core/sync/run-owner'; console.log(newRunOwner('7'))";
		const exited = execFileSync(tsx, ['-e', script], { cwd: join(__dirname, '../..'), encoding: 'utf8' }).trim();
		expect(ownerName(exited)).toMatch(/^execution 7 on \S+, process \d+$/);
		expect(holderIsGone(exited)).toBe(true);
		const own = newRunOwner('8');
		expect(holderIsGone(own)).toBe(false);
		expect(holderIsGone(exited.replace(/"host":"[^"]*"/, '"host":"elsewhere"'))).toBe(false);
		expect(holderIsGone(exited.replace(/"boot":"[^"]*"/, '"boot":"another-boot"'))).toBe(false);
		expect(holderIsGone('execution 9')).toBe(false);
		expect(holderIsGone('run x [{not json}]')).toBe(false);
		// A live PID under another start: the PID was reused, the holder is gone.
		const parent = JSON.parse(/\[(\{.*\})\]$/.exec(own)![1]);
		expect(holderIsGone(`execution 1 [${JSON.stringify({ ...parent, pid: process.ppid, start: 'x' })}]`)).toBe(true);
	});
});
