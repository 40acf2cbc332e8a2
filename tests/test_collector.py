"""crimecongress.collector: the garbage collector paused around work whose objects live on, and afterwards as it
was found, whatever happened inside."""
from __future__ import annotations

import gc

import pytest

from crimecongress import collector


def test_the_collector_is_paused_and_then_on_again_even_after_a_failure():
    assert gc.isenabled()
    with pytest.raises(ValueError):
        with collector.paused():
            assert not gc.isenabled()
            raise ValueError("a failed step")
    assert gc.isenabled()


def test_a_pause_inside_another_leaves_the_collector_off_until_the_outer_one_ends():
    with collector.paused():
        with collector.paused():
            pass
        assert not gc.isenabled()
    assert gc.isenabled()
