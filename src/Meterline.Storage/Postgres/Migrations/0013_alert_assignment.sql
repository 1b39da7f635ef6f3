-- Alert assignment (docs/analytics.md, "Alerts"): who an open or acknowledged alert is given to, by whom and when.
ALTER TABLE alerts ADD COLUMN assigned_to text;
ALTER TABLE alerts ADD COLUMN assigned_by text;
ALTER TABLE alerts ADD COLUMN assigned_at timestamptz;
