"""A complaint's clocks: working days, what a clock is, how stops move it, and which clocks a
policy and a complaint have."""
