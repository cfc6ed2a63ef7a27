// Copies what tsc does not emit into dist: node/credential icons and codex (.node.json) files.
const path = require('path');
const { task, src, dest } = require('gulp');

task('build:assets', () =>
	src(['nodes/**/*.{png,svg,node.json}', 'credentials/**/*.{png,svg}'], { base: '.', encoding: false }).pipe(
		dest(path.resolve('dist')),
	),
);
