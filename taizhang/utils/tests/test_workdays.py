import datetime

from taizhang.utils.workdays import add_working_days, is_working_day, working_days_between

D = datetime.date


def test_five_working_days_across_national_day_with_make_up_saturday():
    # 2025: 1–8 October are holidays; Saturday 11 October is a make-up working day (调休).
    assert not is_working_day(D(2025, 10, 3))
    assert is_working_day(D(2025, 10, 11))
    # From Monday 29 September: 30 Sep, 9 Oct, 10 Oct, Sat 11 Oct, 13 Oct.
    assert add_working_days(D(2025, 9, 29), 5) == D(2025, 10, 13)


def test_make_up_sunday_before_the_holiday_counts():
    # Sunday 28 September 2025 is a working day; counted from Friday 26 September.
    assert add_working_days(D(2025, 9, 26), 1) == D(2025, 9, 28)


def test_spring_festival_and_ordinary_weekend():
    assert add_working_days(D(2024, 11, 22), 1) == D(2024, 11, 25)  # Friday → Monday
    assert add_working_days(D(2025, 1, 27), 1) == D(2025, 2, 5)  # across 春节 2025


def test_years_without_official_calendar_fall_back_to_weekdays():
    assert add_working_days(D(2099, 1, 2), 1) == D(2099, 1, 5)  # Friday → Monday


def test_working_days_between_counts_both_ways():
    assert working_days_between(D(2025, 9, 29), D(2025, 10, 13)) == 5
    assert working_days_between(D(2025, 10, 13), D(2025, 9, 29)) == -5
    assert working_days_between(D(2025, 10, 13), D(2025, 10, 13)) == 0


def _one_day_at_a_time(start, end):
    day, count = start, 0
    while day < end:
        day += datetime.timedelta(days=1)
        count += is_working_day(day)
    return count


def test_arithmetic_counting_agrees_with_walking_the_calendar():
    """Spans over Spring Festivals, National Days, make-up weekends and years without data."""
    start = datetime.date(2023, 12, 25)
    for length in range(0, 1200, 7):
        end = start + datetime.timedelta(days=length)
        assert working_days_between(start, end) == _one_day_at_a_time(start, end), end
    for count in range(0, 400, 3):
        day = add_working_days(start, count)
        assert _one_day_at_a_time(start, day) == count and (count == 0 or is_working_day(day))


def test_spans_of_centuries_cost_nothing():
    assert working_days_between(datetime.date(2026, 1, 1), datetime.date(9999, 12, 31)) > 2_000_000
    assert add_working_days(datetime.date(2026, 1, 1), 2000) == datetime.date(2033, 9, 19)
