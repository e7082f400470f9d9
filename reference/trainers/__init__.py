"""The faithful seed trainers: each original program's arithmetic, op for op, and its registry."""
