import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * scripts/lib/install-cache.sh, the cached install every install script uses: an install is used
 * only while its check passes and its install code is unchanged; anything else reinstalls, and a
 * marker is written only after the fresh install passed its check.
 */
const LIB = join(__dirname, '../../scripts/lib/install-cache.sh');

function script(dir: string, opts: { tool?: string; broken?: boolean; checkOnly?: boolean } = {}): string {
	return `set -euo pipefail
source ${LIB}
tool_install() { echo installs >>"${dir}.count"; printf '%s' '${opts.tool ?? 'ok'}' >"$1/tool"; ${opts.broken ? 'printf broken >"$1/tool";' : ''} }
tool_verify() { [ "$(cat "$1/tool")" = ok ] || [ "$(cat "$1/tool")" = v2 ]; }
${opts.checkOnly ? 'export INSTALL_CHECK_ONLY=1' : ''}
cached_install tool "${dir}" "$(install_fingerprint tool -- tool_install tool_verify)" tool_install tool_verify`;
}

function run(source: string): { code: number; stderr: string } {
	const result = spawnSync('bash', ['-c', source], { encoding: 'utf8' });
	return { code: result.status ?? -1, stderr: result.stderr };
}

describe('cached installs that check what they built', () => {
	let base: string;
	let dir: string;
	const installs = () => readFileSync(`${dir}.count`, 'utf8').trim().split('\n').length;
	beforeEach(() => {
		base = mkdtempSync(join(tmpdir(), 'dm-install-cache-'));
		dir = join(base, 'tool');
	});
	afterEach(() => rmSync(base, { recursive: true, force: true }));

	it('installs once, then only checks', () => {
		expect(run(script(dir)).code).toBe(0);
		expect(run(script(dir)).code).toBe(0);
		expect(installs()).toBe(1);
		expect(readFileSync(join(dir, '.complete'), 'utf8')).toMatch(/^tool [0-9a-f]{16}\n$/);
	});

	it('reinstalls when the check fails on a later use', () => {
		expect(run(script(dir)).code).toBe(0);
		writeFileSync(join(dir, 'tool'), 'damaged');
		const again = run(script(dir));
		expect(again.code).toBe(0);
		expect(again.stderr).toContain('failed its check');
		expect(installs()).toBe(2);
		expect(readFileSync(join(dir, 'tool'), 'utf8')).toBe('ok');
	});

	it('reinstalls when the install code changed', () => {
		expect(run(script(dir)).code).toBe(0);
		const changed = run(script(dir, { tool: 'v2' }));
		expect(changed.stderr).toContain('from another install script');
		expect(installs()).toBe(2);
		expect(readFileSync(join(dir, 'tool'), 'utf8')).toBe('v2');
	});

	it('fails, and marks nothing complete, when a fresh install does not pass its check', () => {
		const result = run(script(dir, { broken: true }));
		expect(result.code).not.toBe(0);
		expect(result.stderr).toContain('was installed into');
		expect(existsSync(join(dir, '.complete'))).toBe(false);
	});

	it('only checks under INSTALL_CHECK_ONLY=1: a broken install is an error, not a reinstall', () => {
		expect(run(script(dir)).code).toBe(0);
		writeFileSync(join(dir, 'tool'), 'damaged');
		const result = run(script(dir, { checkOnly: true }));
		expect(result.code).toBe(1);
		expect(installs()).toBe(1);
	});
});
