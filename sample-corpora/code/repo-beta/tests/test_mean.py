import statistics

from stats import RunningStats


def test_matches_statistics_module():
    xs = [2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0]
    s = RunningStats()
    for x in xs:
        s.push(x)
    assert s.mean == statistics.mean(xs)
    assert abs(s.variance - statistics.variance(xs)) < 1e-12
