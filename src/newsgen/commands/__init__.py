"""One module a command: each takes plain arguments, returns a result and raises NewsgenError on bad input."""
