-- Bills by month (lead: renumber to follow the other parts' migrations at merge): the month's listing
-- (WHERE month = ? AND number > ? ORDER BY number, GET /api/bills?month=) reads the bills of one month; without this
-- index they scan every bill ever issued.
CREATE INDEX bills_month ON bills (month, number);
