"""Files of other tools, read and written: calendars (ics) so far."""
