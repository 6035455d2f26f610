"""Hypothesis profiles for the test suite.

``ci`` (chosen when the environment variable ``CI`` is set) draws the same
examples on every run, so a red build can be reproduced, and prints the blob
that replays a failure. ``dev`` draws new examples each run, to find more.
Neither has a deadline: a gradient check of a larger layer takes longer than
hypothesis's default 200 ms, and timing is not what the tests are about.
"""

import os

from hypothesis import settings

settings.register_profile("ci", deadline=None, derandomize=True, print_blob=True)
settings.register_profile("dev", deadline=None)
settings.load_profile("ci" if "CI" in os.environ else "dev")
