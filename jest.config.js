// One project per test tier; `npm test` runs all of them (scripts/services.sh starts the servers first).
const path = require('path');
const os = require('os');

// The workflows tier runs on the real n8n 1.x installed by scripts/n8n-install.sh: n8n's engine,
// n8n-workflow and base nodes all come from there, one copy shared with our nodes.
// The same folder scripts/n8n-install.sh 1 installs into (DM_CACHE_DIR, as the install scripts read it).
const cacheDir = process.env.DM_CACHE_DIR || path.join(os.homedir(), '.cache/n8n-nodes-data-migration');
const n8nDir = process.env.DM_N8N_DIR || path.join(cacheDir, 'n8n-1.123.81');
const fromN8n = (p) => path.join(n8nDir, 'node_modules', p);

const tier = (name, extra = {}) => ({
	displayName: name,
	testMatch: [`<rootDir>/test/${name}/**/*.test.ts`],
	transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }] },
	testEnvironment: 'node',
	...extra,
});

module.exports = {
	projects: [
		tier('unit'),
		tier('contract', { slowTestThreshold: 30 }),
		tier('workflows', {
			slowTestThreshold: 60,
			moduleNameMapper: {
				'^n8n-workflow$': fromN8n('n8n-workflow/dist/cjs/index.js'),
				'^n8n-core$': fromN8n('n8n-core/dist/index.js'),
				'^n8n-core/(.*)$': fromN8n('n8n-core/$1'),
				'^@n8n/di$': fromN8n('@n8n/di/dist/di.js'),
			},
		}),
		tier('e2e', { slowTestThreshold: 120 }),
	],
	testTimeout: 600000,
	// A real n8n's HTTP keep-alive sockets can outlive the e2e tier by seconds; CI must not wait on them.
	forceExit: true,
};
