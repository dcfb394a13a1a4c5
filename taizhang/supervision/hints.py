"""What other apps tell the office about a task's units before it assigns the task (交办): the
reports' burden meter (减负) flags a unit already asked too much this month. Each app
registers its function in its AppConfig.ready(); supervision calls them without naming any
app, so it depends on none of them.

A function takes ``(task, user)`` and answers ``[(unit, [what it is over, …], link), …]``.
"""

_before_assigning = []


def register_before_assigning(function):
    _before_assigning.append(function)
    return function


def before_assigning(task, user):
    """Every registered app's hints for ``task``, for the supervisor about to assign it."""
    return [hint for function in _before_assigning for hint in function(task, user)]
