-- Load-limit cancellation (lead: renumber to follow the other parts' migrations at merge): a group load limit may be
-- cancelled (docs/demand-control.md "Cancelling"); who, when and why are kept on the limit. Its members still waiting
-- for a command get the rejection that marks them withdrawn.

ALTER TABLE demand_limits ADD COLUMN cancelled_at INTEGER;
ALTER TABLE demand_limits ADD COLUMN cancelled_by TEXT;
ALTER TABLE demand_limits ADD COLUMN cancel_reason TEXT;
