/**
 * Every namespace of `_dm_state`, the table (collection) the package keeps its own state in, in
 * the destination (and, for dual-write replay, the source). One place, so no two features collide.
 */

/** Chunk checkpoints: `<run>/<table>/<position>` → rows, rejects, time. Written with the chunk's last rows. */
export const CHUNK_NAMESPACE = 'chunks';
/** Rejects of checkpoints a rollback or a stale-clear deleted, same keys: the record of why outlives the load. */
export const REJECT_NAMESPACE = 'rejects';
/** A run's plan as first seen: tables, chunks and rows per table (progress, report). */
export const PLAN_NAMESPACE = 'plans';
/** A run's audit log: one entry per step, table and chunk. */
export const AUDIT_NAMESPACE = 'audit';
/** Mapping documents Apply DDL recorded, per run and table (report, Verify Rows). */
export const MAPPING_NAMESPACE = 'mappings';
/** Rollback snapshots of a run: what each table held, or that the run created it. */
export const SNAPSHOT_NAMESPACE = 'snapshots';
/** Incremental sync: the committed (cursor, key) watermark per sync and table. */
export const WATERMARK_NAMESPACE = 'watermarks';
/** Incremental sync: one run per sync and table at a time. */
export const LEASE_NAMESPACE = 'sync-leases';
/** Dual writes the new database refused, by key, waiting for the next sync (kept in the old database). */
export const REPLAY_NAMESPACE = 'replay';
/** MongoDB: the sampled schema of a collection, so every chunk reads it alike. */
export const SCHEMA_NAMESPACE = 'collection-schema';
/**
 * Platform migrations: the ID map, `<migration>` → `<type>/<source id>` → destination id, kept values,
 * whether the run created it. Written before the next record is created: the idempotency key of reruns.
 */
export const ID_MAP_NAMESPACE = 'id-map';
/** Platform migrations: links and text patches waiting until every record exists, per migration. */
export const PLATFORM_PENDING_NAMESPACE = 'platform-pending';
/** Fan-out: who copies a chunk now, `<chunk key>` → owner and expiry (the database's clock); renewed while it copies. */
export const CHUNK_LEASE_NAMESPACE = 'chunk-leases';
/** Fan-out: a chunk whose worker gave up, `<chunk key>` → the error, so the run that sent it learns why. */
export const CHUNK_FAILURE_NAMESPACE = 'chunk-failures';
