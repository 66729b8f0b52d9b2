"""What a person must do by hand (admin tasks), opened by messaging, calendars and alerts."""
