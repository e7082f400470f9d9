"""Process isolation: the worker process that runs the implementation, and its wire protocol."""
