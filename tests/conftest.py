"""Test settings shared by every test module.

Property tests explore new random examples on every local run; CI runs them derandomized
(``HYPOTHESIS_PROFILE=ci``, set by ``.ci/run``) so that a landing never depends on luck. A
failure found locally is replayed from Hypothesis' example database until it is fixed.
"""

import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
