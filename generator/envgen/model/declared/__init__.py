"""What a spec declares about the checks themselves: the differences it intends from
other environments, and the rules it silences, each with its reason."""
