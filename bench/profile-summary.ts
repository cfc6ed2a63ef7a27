/**
 * Summarises a V8 .cpuprofile (from `node --cpu-prof`, e.g. n8n execute under NODE_OPTIONS): self time
 * by package or source file, and the hottest functions. Usage: npx tsx bench/profile-summary.ts FILE
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
	id: number;
	callFrame: { functionName: string; url: string; lineNumber: number };
	hitCount?: number;
}
interface Profile {
	nodes: ProfileNode[];
	startTime: number;
	endTime: number;
	samples: number[];
}

const profile = JSON.parse(readFileSync(process.argv[2], 'utf8')) as Profile;
const totalMs = (profile.endTime - profile.startTime) / 1000;
const perSample = totalMs / profile.samples.length;
const where = (url: string) => {
	if (!url) return '(native / V8)';
	const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
	if (pkg && !url.includes('n8n-nodes-data-migration/dist')) return pkg[1];
	const ours = /dist\/(core|connectors\/\w+|nodes\/\w+)/.exec(url);
	if (ours) return `ours: ${ours[1]}`;
	return url.startsWith('node:')
		? 'node internals'
		: url
				.replace(/^file:\/\//, '')
				.split('/')
				.slice(-2)
				.join('/');
};
const byPlace = new Map<string, number>();
const byFunction = new Map<string, number>();
for (const node of profile.nodes) {
	const ms = (node.hitCount ?? 0) * perSample;
	if (!ms) continue;
	const place = where(node.callFrame.url);
	byPlace.set(place, (byPlace.get(place) ?? 0) + ms);
	const fn = `${node.callFrame.functionName || '(anonymous)'} — ${place}:${node.callFrame.lineNumber + 1}`;
	byFunction.set(fn, (byFunction.get(fn) ?? 0) + ms);
}
const top = (map: Map<string, number>, n: number) =>
	[...map]
		.sort((a, b) => b[1] - a[1])
		.slice(0, n)
		.map(([k, v]) => `${(v / 1000).toFixed(2).padStart(8)} s ${((100 * v) / totalMs).toFixed(1).padStart(5)}%  ${k}`);
console.log(`profile: ${(totalMs / 1000).toFixed(1)} s on the main thread\n\nself time by place:`);
console.log(top(byPlace, 20).join('\n'));
console.log('\nhottest functions (self time):');
console.log(top(byFunction, 30).join('\n'));
