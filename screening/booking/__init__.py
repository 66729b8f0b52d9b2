"""Booking: book, reschedule, cancel, record attendance and rebook (`services`); the
availability check the booking re-runs in its transaction (`availability`); the database
guards (`guards`); the options offered, with the rows loaded for the engine (`options`);
the fixed SQL statements the booking path runs (`queries`)."""
