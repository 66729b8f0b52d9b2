"""Text messages: templates, planning, dispatch, delivery reports and replies, and the rules
for their wording (`text`) and send times (`send_times`)."""
