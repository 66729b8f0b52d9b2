"""The simulated clock is the models' and services' clock only while a simulation runs."""

import datetime as dt

from django.utils import timezone

from screening.models import Case
from screening.planner.clock import SimulatedClock, driven

SIMULATED = dt.datetime(2030, 1, 7, 9, 0, tzinfo=dt.UTC)


def test_models_read_the_real_clock_again_after_a_simulation(settings):
    settings.PLANNER_ALLOW_CURRENT_DATABASE = True
    created_at = Case._meta.get_field("created_at")
    with driven(SimulatedClock(SIMULATED)):
        assert created_at.get_default() == SIMULATED
        assert timezone.now() == SIMULATED
    # Django caches a field's default callable: it must not keep the simulated one.
    assert created_at.get_default() < SIMULATED
    assert timezone.now() < SIMULATED
