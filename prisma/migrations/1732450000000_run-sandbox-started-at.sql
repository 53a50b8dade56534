-- Up Migration
-- When the current execution's sandbox started: a run's run_time counts from here (packages/runs/src/end-run.ts),
-- so a run cancelled while its sandbox was being prepared still reports the time it held one.
ALTER TABLE runs ADD COLUMN sandbox_started_at timestamptz(3);

-- Down Migration
ALTER TABLE runs DROP COLUMN IF EXISTS sandbox_started_at;
