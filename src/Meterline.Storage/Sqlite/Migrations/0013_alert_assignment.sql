-- Alert assignment (docs/analytics.md, "Alerts"): who an open or acknowledged alert is given to, by whom and when.
ALTER TABLE alerts ADD COLUMN assigned_to TEXT;
ALTER TABLE alerts ADD COLUMN assigned_by TEXT;
ALTER TABLE alerts ADD COLUMN assigned_at INTEGER;
