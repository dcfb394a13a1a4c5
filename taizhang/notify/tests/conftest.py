"""Fixtures for notify's tests: fake group robots (local webhook servers) to post to."""

import pytest

from taizhang.notify.tests.fake_robots import FakeRobot


@pytest.fixture
def fake_robot():
    """A factory of started fake robots, ``fake_robot("wecom", secret=None)``; every one is
    stopped when the test ends."""
    robots = []

    def start(kind, secret=None):
        robot = FakeRobot(kind, secret=secret).start()
        robots.append(robot)
        return robot

    yield start
    for robot in robots:
        robot.stop()
