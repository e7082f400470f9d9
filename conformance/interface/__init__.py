"""The implementation under test: loading it, and adapting its conventions to the spec's."""
