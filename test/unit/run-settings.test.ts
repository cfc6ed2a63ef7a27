import {
	checkRunSettings,
	checkSettings,
	describeSettings,
	ZERO_DOWNTIME_SETTINGS,
} from '../../core/settings/run-settings';

const defaults = { migration: 'mysql-to-postgres', tables: ['customers'], rowsPerChunk: 10000, batchSize: 5000 };
const pg = { length: 63, unit: 'bytes' as const };
const mysql = { length: 64, unit: 'characters' as const };

describe('run settings, checked before anything is written', () => {
	it('a run nobody configured takes the defaults; a caller overrides them and names its tables', () => {
		expect(checkRunSettings(null, defaults, pg)).toEqual({
			migration: 'mysql-to-postgres',
			tables: ['customers'],
			allTables: false,
			rowsPerChunk: 10000,
			batchSize: 5000,
			keepSnapshotDays: 7,
			onValidationFailure: 'rollback',
			typeOverrides: {},
			invalidValues: {},
			flatten: false,
			arrays: 'json',
			separator: '_',
			dryRun: false,
			plan: false,
			sampleRows: 1000,
			withSync: false,
			changesPerHour: 0,
			rowsAsItems: false,
			fanOut: false,
			chunksAtOnce: 4,
			leaseSeconds: 60,
			chunkWebhookUrl: '',
			answerAtOnce: false,
		});
		expect(
			checkRunSettings({ tables: ['orders'], rowsPerChunk: '500', migration: 'run-2' }, defaults, pg),
		).toMatchObject({
			migration: 'run-2',
			tables: ['orders'],
			rowsPerChunk: 500,
		});
		expect(checkRunSettings({ allTables: true }, defaults, pg)).toMatchObject({ tables: [], allTables: true });
	});

	it.each([
		[{}, /Name the tables to migrate/],
		[{ tables: [] }, /Name the tables to migrate/],
		[{ tables: 'customers' }, /"tables" must be a list of names/],
		[{ tables: ['a', 'a'] }, /names a table twice/],
		[{ tables: ['a'], allTables: true }, /either "tables" or "allTables"/],
		[{ tables: ['a'], rowsPerChunk: 0 }, /"rowsPerChunk" must be between 1 and 10000000, not 0/],
		[{ tables: ['a'], rowsPerChunk: -1 }, /between 1 and/],
		[{ tables: ['a'], rowsPerChunk: 'abc' }, /"rowsPerChunk" must be a whole number, not "abc"/],
		[{ tables: ['a'], rowsPerChunk: 1.5 }, /whole number/],
		[{ tables: ['a'], rowsPerChunks: 5 }, /Unknown setting "rowsPerChunks"\. Accepted settings: migration: string/],
		[{ tables: ['a'], onValidationFailure: 'ignore' }, /must be one of "rollback", "keep"/],
		[{ tables: ['a'], migration: 'a/b' }, /is not a run name/],
		[{ tables: ['a'], migration: 7 }, /"migration" must be a string/],
		['tables=a', /must be a JSON object/],
		[[1], /must be a JSON object/],
	])('refuses %j', (request, reason) => {
		expect(() => checkRunSettings(request, defaults, pg)).toThrow(reason);
	});

	it("checks names against the destination's limit, in its unit", () => {
		const ascii64 = 'x'.repeat(64);
		expect(() => checkRunSettings({ tables: [ascii64] }, defaults, pg)).toThrow(
			/is 64 bytes long; the destination keeps names of at most 63 bytes/,
		);
		expect(checkRunSettings({ tables: [ascii64] }, defaults, mysql).tables).toEqual([ascii64]);
		// 32 two-byte characters: 64 bytes for PostgreSQL, 32 characters for MySQL.
		const umlauts = 'ä'.repeat(32);
		expect(() => checkRunSettings({ tables: [umlauts] }, defaults, pg)).toThrow(/64 bytes long/);
		expect(checkRunSettings({ tables: [umlauts] }, defaults, mysql).tables).toEqual([umlauts]);
	});

	it('lists every accepted setting with its type and range', () => {
		expect(describeSettings()).toContain('rowsPerChunk: integer (1–10000000), rows per chunk');
		expect(describeSettings().map((line) => line.split(':')[0])).toEqual([
			'migration',
			'tables',
			'allTables',
			'rowsPerChunk',
			'batchSize',
			'keepSnapshotDays',
			'onValidationFailure',
			'typeOverrides',
			'invalidValues',
			'flatten',
			'arrays',
			'separator',
			'dryRun',
			'plan',
			'sampleRows',
			'withSync',
			'changesPerHour',
			'rowsAsItems',
			'fanOut',
			'chunksAtOnce',
			'leaseSeconds',
			'chunkWebhookUrl',
			'answerAtOnce',
		]);
	});

	it('takes type overrides, invalid-value policies and the document shape from the body, checking each value', () => {
		const body = {
			tables: ['docs'],
			typeOverrides: { 'docs.score': 'int32' },
			invalidValues: { '*': 'null' },
			flatten: true,
			arrays: 'childTables',
		};
		expect(checkRunSettings(body, defaults, pg)).toMatchObject({ ...body, separator: '_' });
		expect(() => checkRunSettings({ ...body, typeOverrides: { score: 'float' } }, defaults, pg)).toThrow(
			/"typeOverrides" gives "score" "float"; each value must be one of "boolean"/,
		);
		expect(() => checkRunSettings({ ...body, invalidValues: { day: 'zero' } }, defaults, pg)).toThrow(
			/each value must be one of "reject", "null"/,
		);
		expect(() => checkRunSettings({ ...body, typeOverrides: ['x'] }, defaults, pg)).toThrow(/must be an object/);
	});

	describe('of a zero-downtime migration (backfill and sync take one body)', () => {
		const zdDefaults = { sync: 'zero-downtime-mysql-to-postgres', tables: ['customers'], lagSeconds: 5 };
		const zd = (request: unknown) => checkSettings(ZERO_DOWNTIME_SETTINGS, request, zdDefaults, pg);

		it('fills what neither the caller nor the defaults say', () => {
			expect(zd({ tables: ['orders'], lagSeconds: '1', leaseSeconds: 3 })).toEqual({
				sync: 'zero-downtime-mysql-to-postgres',
				tables: ['orders'],
				cursorColumn: 'updated_at',
				lagSeconds: 1,
				batchSize: 5000,
				rowsPerChunk: 10000,
				maxBatches: 20,
				deletes: 'keyset',
				softDeleteColumn: '',
				segmentRows: 10000,
				leaseSeconds: 3,
				answerAtOnce: false,
			});
		});

		it.each([
			[{}, /Name the tables to migrate \("tables": \["customers"\]\)\. Accepted settings: sync: string/],
			[{ allTables: true }, /Unknown setting "allTables"/],
			[{ tables: ['a'], deletes: 'all' }, /"deletes" must be one of "keyset", "none", not "all"/],
			[{ tables: ['a'], leaseSeconds: 0 }, /"leaseSeconds" must be between 1 and 86400, not 0/],
			[{ tables: ['a'], lagSeconds: -1 }, /"lagSeconds" must be between 0 and 86400/],
			[{ tables: ['a'], sync: 'x'.repeat(92) }, /"sync" "x+ is not a run name \(letters, digits, \. _ -, at most 91\)/],
			[{ tables: ['x'.repeat(64)] }, /is 64 bytes long; the destination keeps names of at most 63 bytes/],
			[{ tables: ['a'], migration: 'm' }, /Unknown setting "migration"/],
		])('refuses %j', (request, reason) => {
			expect(() => zd(request)).toThrow(reason);
		});
	});
});
