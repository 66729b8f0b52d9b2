"""The fictional YOT shown by the demo: its people, patterns, cases, visits and findings."""
