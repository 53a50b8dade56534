-- Up Migration
-- The default blob store (packages/blobs/src/postgres-blob-store.ts): artifact bytes in PostgreSQL, so every API
-- and worker process, on any host, shares them. A blob's bytes are rows of at most 256 KiB, read one at a time.
-- `key` is null while a put is still writing the chunks (inside its transaction, so never seen committed).
CREATE TABLE blobs (
  id uuid PRIMARY KEY,
  key text UNIQUE,
  size bigint NOT NULL,
  chunk_count integer NOT NULL,
  content_type text,
  created_at timestamptz(3) NOT NULL DEFAULT now()
);

CREATE TABLE blob_chunks (
  blob_id uuid NOT NULL REFERENCES blobs (id) ON DELETE CASCADE ON UPDATE CASCADE,
  seq integer NOT NULL,
  data bytea NOT NULL,
  PRIMARY KEY (blob_id, seq)
);

-- Down Migration
DROP TABLE IF EXISTS blob_chunks;
DROP TABLE IF EXISTS blobs;
