-- Up Migration
-- An environment may ask the worker to keep sandboxes started and set up in advance (apps/worker/src/warm-pool/).
ALTER TABLE environments ADD COLUMN warm_pool_size integer NOT NULL DEFAULT 0;

-- Down Migration
ALTER TABLE environments DROP COLUMN IF EXISTS warm_pool_size;
