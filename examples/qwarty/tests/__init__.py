"""Test suite."""

import pytest

# The generated API tests assert in tests/support.py: show values there too.
pytest.register_assert_rewrite("tests.support")
