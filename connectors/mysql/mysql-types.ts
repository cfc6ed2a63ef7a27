import { canonicalDecimal, formatInterval, parseInterval } from '../../core/model/canonical';
import { ValueError } from '../../core/model/errors';
import type { Column, LogicalType, Value } from '../../core/model/schema';

/**
 * Column comments createTable writes where one MySQL type holds two logical ones, so a table this
 * package created reads back as what it was made from: DATETIME(6) holding a UTC instant,
 * TINYINT(1) holding a boolean, TIME holding a time of day (TIME itself is a duration).
 */
const LOGICAL_COMMENTS: Partial<Record<LogicalType, string>> = {
	timestamptz: 'dm:timestamptz',
	boolean: 'dm:boolean',
	time: 'dm:time',
};
export const INSTANT_COMMENT = LOGICAL_COMMENTS.timestamptz!;

export function logicalComment(logical: LogicalType): string | undefined {
	return LOGICAL_COMMENTS[logical];
}

/**
 * MySQL TIME's range, in microseconds: a duration beyond it is refused, never clipped (MySQL would
 * clip). MariaDB's TIME(6) reaches 838:59:59.999999 (MySQL's stops at .000000 and refuses more).
 */
export const MAX_TIME_MICROS = (838n * 3600n + 59n * 60n + 59n) * 1_000_000n + 999_999n;

export interface MysqlColumnInfo {
	dataType: string;
	columnType: string;
	/** MariaDB stores JSON as LONGTEXT with a json_valid() check. */
	jsonChecked: boolean;
	comment?: string;
}

/** MySQL/MariaDB column → logical type. */
export function logicalFromMysql({ dataType, columnType, jsonChecked, comment }: MysqlColumnInfo): LogicalType {
	const type = dataType.toLowerCase();
	if (comment === INSTANT_COMMENT && type === 'datetime') return 'timestamptz';
	if (comment === LOGICAL_COMMENTS.boolean && type === 'tinyint') return 'boolean';
	if (comment === LOGICAL_COMMENTS.time && type === 'time') return 'time';
	const unsigned = /unsigned/i.test(columnType);
	switch (type) {
		case 'tinyint':
			// TINYINT(1) is an integer that may hold 2 or -128; Map makes it boolean only when the data is 0/1.
			return 'int16';
		case 'bool':
		case 'boolean':
			return 'boolean';
		case 'smallint':
		case 'year':
			return unsigned ? 'int32' : 'int16';
		case 'mediumint':
			return 'int32';
		case 'int':
		case 'integer':
			return unsigned ? 'int64' : 'int32';
		case 'bigint':
			return unsigned ? 'decimal' : 'int64';
		case 'decimal':
		case 'numeric':
			return 'decimal';
		case 'float':
			return 'float32';
		case 'double':
		case 'real':
			return 'float64';
		case 'char':
		case 'varchar':
		case 'enum':
		case 'set':
			return 'string';
		case 'tinytext':
		case 'text':
		case 'mediumtext':
		case 'longtext':
			return jsonChecked ? 'json' : 'text';
		case 'json':
			return 'json';
		case 'uuid':
			return 'uuid';
		case 'date':
			return 'date';
		case 'time':
			// -838:59:59 … 838:59:59: a duration, held exactly by PostgreSQL's interval.
			return 'interval';
		case 'datetime':
			return 'timestamp';
		case 'timestamp':
			return 'timestamptz';
		case 'binary':
		case 'varbinary':
		case 'tinyblob':
		case 'blob':
		case 'mediumblob':
		case 'longblob':
		case 'bit':
			return 'binary';
		default:
			return 'unknown';
	}
}

/** Logical type → MySQL/MariaDB column type for CREATE TABLE. */
export function mysqlTypeFor(column: Column, inKey = false): string {
	switch (column.logical) {
		case 'boolean':
			return 'tinyint(1)';
		case 'int16':
			return 'smallint';
		case 'int32':
			return 'int';
		case 'int64':
			return 'bigint';
		case 'decimal': {
			// MySQL caps DECIMAL at 65 digits, scale 30; wider values would be altered, so refuse.
			const precision = column.precision ?? 65;
			const scale = column.scale ?? (column.precision ? 0 : 30);
			if (precision > 65 || scale > 30) {
				throw new ValueError(`Column ${column.name}: DECIMAL(${precision},${scale}) exceeds MySQL's DECIMAL(65,30)`, {
					column: column.name,
				});
			}
			return `decimal(${precision},${scale})`;
		}
		case 'float32':
			return 'float';
		case 'float64':
			return 'double';
		case 'string':
			return column.length && column.length <= 16383
				? `varchar(${column.length})`
				: inKey
					? 'varchar(768)'
					: 'longtext';
		case 'text':
		case 'unknown':
			return inKey ? 'varchar(768)' : 'longtext';
		case 'uuid':
			return 'char(36)';
		case 'date':
			return 'date';
		case 'time':
		case 'interval':
			return 'time(6)';
		case 'timestamp':
			return 'datetime(6)';
		case 'timestamptz':
			// TIMESTAMP only spans 1970–2038; DATETIME(6) holds the UTC instant for any year.
			return 'datetime(6)';
		case 'binary':
			return inKey ? 'varbinary(768)' : 'longblob';
		case 'json':
			return 'json';
		case 'objectId':
			return 'char(24)';
	}
}

/** Normalises what mysql2 returns (dateStrings, bigNumberStrings) into canonical values. */
export function fromMysql(value: unknown, column: Column): Value {
	if (value === null || value === undefined) return null;
	switch (column.logical) {
		case 'boolean':
			return Number(value) !== 0;
		case 'int64':
		case 'decimal':
			return String(value);
		case 'timestamp':
			return String(value).replace(' ', 'T');
		case 'timestamptz':
			return String(value).replace(' ', 'T') + 'Z';
		case 'json':
			// Kept as the text the server holds: JSON.parse would round big integers (see json-text.ts).
			return Buffer.isBuffer(value)
				? value.toString('utf8')
				: typeof value === 'string'
					? value
					: JSON.stringify(value);
		case 'binary':
			return Buffer.isBuffer(value) ? value : Buffer.from(String(value));
		case 'string':
		case 'text':
		case 'uuid':
			return Buffer.isBuffer(value) ? value.toString('utf8') : String(value);
		default:
			return value as Value;
	}
}

/** Canonical value → a value mysql2 escapes correctly for this column. */
export function toMysql(value: Value | undefined, column: Column): unknown {
	if (value === null || value === undefined) return null;
	switch (column.logical) {
		case 'boolean':
			return value === true || value === 1 || value === '1' || value === 'true' || value === 't' ? 1 : 0;
		case 'int64':
		case 'decimal':
			return canonicalDecimal(String(value));
		case 'timestamp':
		case 'timestamptz':
			return timestampForMysql(String(value), column);
		case 'json':
			return typeof value === 'string' ? value : JSON.stringify(value);
		case 'interval':
			return timeForMysql(String(value), column);
		case 'binary':
			if (Buffer.isBuffer(value)) return value;
			if (typeof value === 'string') return Buffer.from(value, 'base64');
			throw new ValueError(`Column ${column.name} expects binary data, got ${typeof value}`, { column: column.name });
		case 'float32':
		case 'float64':
			if (typeof value === 'number' && !Number.isFinite(value)) {
				throw new ValueError(`Column ${column.name}: ${value} cannot be stored in MySQL/MariaDB`, {
					column: column.name,
				});
			}
			return value;
		default:
			return typeof value === 'object' && !Buffer.isBuffer(value) ? JSON.stringify(value) : value;
	}
}

/** A duration as MySQL TIME text; months or a span beyond ±838:59:59 cannot be held, so they are refused. */
function timeForMysql(text: string, column: Column): string {
	const interval = parseInterval(text);
	if (!interval)
		throw new ValueError(`Column ${column.name}: ${JSON.stringify(text)} is not a duration`, { column: column.name });
	const abs = interval.micros < 0n ? -interval.micros : interval.micros;
	if (interval.months || abs > MAX_TIME_MICROS)
		throw new ValueError(
			`Column ${column.name}: ${JSON.stringify(text)} is outside MySQL TIME's range -838:59:59 … 838:59:59`,
			{ column: column.name },
		);
	return formatInterval(interval);
}

/** '2024-01-02T03:04:05.123456Z' → '2024-01-02 03:04:05.123456'; offsets other than Z are converted to UTC. */
function timestampForMysql(text: string, column: Column): string {
	const match = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?)(Z|[+-]\d{2}:?\d{2})?$/.exec(text);
	if (!match)
		throw new ValueError(`Column ${column.name}: ${JSON.stringify(text)} is not a timestamp`, { column: column.name });
	const [, date, time, zone] = match;
	if (!zone || zone === 'Z' || /^[+-]00:?00$/.test(zone)) return `${date} ${time}`;
	const fraction = /\.(\d+)/.exec(time)?.[1] ?? '';
	const utc = new Date(`${date}T${time.replace(/\.\d+/, '')}${zone}`).toISOString().slice(0, 19).replace('T', ' ');
	return fraction ? `${utc}.${fraction}` : utc;
}
