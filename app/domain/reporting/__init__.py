"""Report figures from the event log: what each complaint contributes (facts), and the arithmetic
over them. Pure: no database, no clock; the shell loads the facts and passes the day."""
