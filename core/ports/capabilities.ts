/**
 * What a system can do, read by core where behaviour differs (Kysely's dialect capabilities): every
 * flag here is read somewhere. A connector states only what differs from the defaults.
 */
export interface Capabilities {
	/** Writes and state entries share one transaction (a chunk's checkpoint rides on its last write). */
	supportsTransactions: boolean;
	/** Tables have a fixed, declared schema (false for document stores: extra fields are kept, not refused). */
	hasSchema: boolean;
	/** Checksums are computed by the database itself rather than by streaming rows. */
	checksumInDatabase: boolean;
	/**
	 * JSON and floating-point columns too can be digested inside the database, in a form only the same
	 * engine reproduces (its own JSON text, a double's bytes): validation of a same-engine copy in SQL.
	 */
	nativeDigest: boolean;
	/** JSON columns hold only valid JSON, read as its text: the engine checked every write (MySQL's JSON, MariaDB's json_valid, PostgreSQL's json/jsonb). */
	jsonTextValid: boolean;
	/** Text may contain U+0000 (PostgreSQL's text cannot: such values are refused naming the column). */
	textHoldsNul: boolean;
	/** Floating-point columns hold NaN and ±Infinity (MySQL's cannot: such values are refused). */
	nonFiniteFloats: boolean;
	/** The longest duration held, in seconds, months refused (MySQL TIME: 838:59:59); undefined: any interval. */
	maxDurationSeconds?: number;
	/** The longest table name the database keeps as given (longer ones it truncates or refuses). */
	maxIdentifier: IdentifierLimit;
}

export interface IdentifierLimit {
	length: number;
	unit: 'bytes' | 'characters';
}

const DEFAULTS: Capabilities = {
	supportsTransactions: false,
	hasSchema: true,
	checksumInDatabase: false,
	nativeDigest: false,
	jsonTextValid: false,
	textHoldsNul: true,
	nonFiniteFloats: true,
	maxIdentifier: { length: 255, unit: 'characters' },
};

/** A system's capabilities: the defaults, with what it says of itself over them. */
export function capabilities(own: Partial<Capabilities>): Capabilities {
	return { ...DEFAULTS, ...own };
}

/** What every port shares: the system's name and capabilities, a credential test, and closing. */
export interface System {
	readonly system: string;
	readonly capabilities: Capabilities;
	/** Opens a connection and runs a trivial request: the credential test. */
	ping(): Promise<void>;
	close(): Promise<void>;
}
