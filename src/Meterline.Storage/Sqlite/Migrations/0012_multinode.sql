-- Several nodes on one database (lead: renumber to follow the other parts' migrations at merge; docs/deployment.md).
-- sent_by names the node whose dispatcher moved a command to Sent, so a starting node resolves only the commands it
-- was itself sending when it stopped, and leaves those of the nodes still running alone. At most one command per
-- meter is Sent at a time over all nodes: two dispatchers starting two commands of one meter at the same moment
-- would open two sessions with the meter from the same client association; the second's UPDATE fails this index.

ALTER TABLE commands ADD COLUMN sent_by TEXT;
CREATE UNIQUE INDEX commands_one_sent_per_meter ON commands (meter) WHERE state = 1;
