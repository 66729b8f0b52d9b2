"""Young people and their cases (orders): registration, deadlines, working days."""
