"""The capacity planner: a simulated YOT quarter or year played on the real booking,
findings and sign-off services in a throwaway database (docs/decisions/0019-capacity-planner.md)."""
