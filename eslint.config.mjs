// n8n's community-node lint rules (@n8n/eslint-plugin-community-nodes). The self-hosted set
// ("recommendedWithoutN8nCloudSupport"): a package that bundles database drivers cannot run on
// n8n Cloud, so the Cloud-only import/global restrictions do not apply.
import tseslint from 'typescript-eslint';
import { n8nCommunityNodesPlugin } from '@n8n/eslint-plugin-community-nodes';

const recommended = n8nCommunityNodesPlugin.configs.recommendedWithoutN8nCloudSupport;

export default [
	{ ignores: ['dist/**', 'node_modules/**', 'test/**', 'scripts/**', 'bench/**', '**/*.js', '**/*.mjs'] },
	{
		files: ['**/*.ts'],
		languageOptions: { parser: tseslint.parser, parserOptions: { sourceType: 'module' } },
	},
	{
		files: ['package.json'],
		languageOptions: { parser: tseslint.parser, parserOptions: { extraFileExtensions: ['.json'] } },
	},
	{
		...recommended,
		files: ['nodes/**/*.ts', 'credentials/**/*.ts', 'core/**/*.ts', 'connectors/**/*.ts', 'package.json'],
		rules: {
			...recommended.rules,
			// The only exception. These nodes talk to PostgreSQL, MySQL/MariaDB and MongoDB, which needs
			// their drivers (pg, pg-copy-streams, mysql2, mongodb) at run time; n8n installs a community
			// package's dependencies, and no peer dependency of n8n provides them.
			'@n8n/community-nodes/no-runtime-dependencies': 'off',
		},
	},
	// The house's walls: core is the engine, free of n8n and of every driver (it works through
	// core/ports); connectors know their driver, never n8n. Only nodes/ and credentials/ meet n8n.
	{
		files: ['core/**/*.ts'],
		rules: {
			'no-restricted-imports': [
				'error',
				{
					patterns: [
						{
							group: ['n8n-workflow', 'n8n-core', 'n8n', '@n8n/*'],
							message: 'core/ stays free of n8n: nodes/ translate.',
						},
						{
							group: ['pg', 'pg-*', 'mysql2', 'mysql2/*', 'mongodb', 'bson', 'axios', '@aws-sdk/*'],
							message: 'core/ works through core/ports; drivers live in connectors/.',
						},
						{ group: ['**/connectors/**', '**/nodes/**'], message: 'core/ imports nothing outside core/.' },
					],
				},
			],
		},
	},
	{
		files: ['connectors/**/*.ts'],
		rules: {
			'no-restricted-imports': [
				'error',
				{
					patterns: [
						{
							group: ['n8n-workflow', 'n8n-core', 'n8n', '@n8n/*'],
							message: 'connectors/ stay free of n8n: nodes/ translate.',
						},
						{ group: ['**/nodes/**'], message: 'connectors/ never import nodes/.' },
					],
				},
			],
		},
	},
];
