// One project per test tier; `npm test` runs all of them (scripts/services.sh starts the servers first).
const tier = (name, extra = {}) => ({
	displayName: name,
	testMatch: [`<rootDir>/test/${name}/**/*.test.ts`],
	transform: { '^.+\\.ts$': ['ts-jest', { isolatedModules: true, tsconfig: 'tsconfig.json' }] },
	testEnvironment: 'node',
	...extra,
});

module.exports = {
	projects: [
		tier('unit'),
		tier('contract', { slowTestThreshold: 30 }),
		tier('workflows', { slowTestThreshold: 60 }),
		tier('e2e', { slowTestThreshold: 120 }),
	],
	testTimeout: 600000,
};
