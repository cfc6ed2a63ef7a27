/**
 * Keys as paths under a root folder, refused when they could leave it: an absolute key, a `..` or
 * `.` segment, an empty segment, a NUL, or a path whose real location (symlinks followed) is
 * outside the root's.
 */
import { realpath } from 'node:fs/promises';
import { dirname, join, sep } from 'node:path';
import { RequestError } from '../../core/model/errors';
import { isMissing, localError } from './local-errors';

export function keyPath(root: string, key: string): string {
	const segments = key.split('/');
	const bad =
		!key || key.startsWith('/') || key.includes('\0') || segments.some((s) => s === '' || s === '.' || s === '..');
	if (bad)
		throw new RequestError(
			`The key ${JSON.stringify(key)} cannot be a file under the root folder (absolute, empty, "." or ".." segments, or a NUL)`,
			{ key },
		);
	return join(root, ...segments);
}

const within = (realRoot: string, path: string) => path === realRoot || path.startsWith(realRoot + sep);

/** The path's real location (its deepest existing ancestor's, for a path not yet there) must be inside the root. */
export async function insideRoot(realRoot: string, path: string, key: string): Promise<void> {
	let probe = path;
	for (;;) {
		const real = await realpath(probe).catch((error: unknown) => {
			if (isMissing(error) && probe !== realRoot) return undefined;
			throw localError(error, key);
		});
		if (real === undefined) {
			probe = dirname(probe);
			continue;
		}
		if (!within(realRoot, real))
			throw new RequestError(
				`The key ${JSON.stringify(key)} leads out of the root folder (a symbolic link to ${real})`,
				{
					key,
				},
			);
		return;
	}
}
