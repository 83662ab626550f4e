"""The command-line interface: parse options, call the core, hand results to `output`."""
