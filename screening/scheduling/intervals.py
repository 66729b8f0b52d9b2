"""Interval arithmetic over integer minutes since the epoch (UTC).

Free and busy times are half-open [start, end) lists, sorted and disjoint ("normalised").
Sets of possible start minutes are closed ranges [lo, hi] of grid points. Every operation
is a linear merge over sorted input.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable

Interval = tuple[int, int]
StartRange = tuple[int, int]


def normalise(intervals: Iterable[Interval]) -> list[Interval]:
    """Sort, drop empty intervals and merge overlapping or touching ones."""
    out: list[Interval] = []
    for start, end in sorted(i for i in intervals if i[0] < i[1]):
        if out and start <= out[-1][1]:
            if end > out[-1][1]:
                out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    return out


def subtract(base: list[Interval], remove: list[Interval]) -> list[Interval]:
    """Parts of `base` not covered by `remove` (both normalised)."""
    out: list[Interval] = []
    j = 0
    for start, end in base:
        cursor = start
        while j < len(remove) and remove[j][1] <= cursor:
            j += 1
        k = j
        while k < len(remove) and remove[k][0] < end:
            r_start, r_end = remove[k]
            if r_start > cursor:
                out.append((cursor, r_start))
            cursor = max(cursor, r_end)
            if cursor >= end:
                break
            k += 1
        if cursor < end:
            out.append((cursor, end))
    return out


def intersect(a: list[Interval], b: list[Interval]) -> list[Interval]:
    """Parts covered by both (both normalised)."""
    out: list[Interval] = []
    i = j = 0
    while i < len(a) and j < len(b):
        start = max(a[i][0], b[j][0])
        end = min(a[i][1], b[j][1])
        if start < end:
            out.append((start, end))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return out


def clip(intervals: list[Interval], lo: int, hi: int) -> list[Interval]:
    return [(max(s, lo), min(e, hi)) for s, e in intervals if s < hi and e > lo]


def total(intervals: Iterable[Interval]) -> int:
    return sum(e - s for s, e in intervals)


def ceil_to(value: int, grid: int) -> int:
    return -((-value) // grid) * grid


def floor_to(value: int, grid: int) -> int:
    return (value // grid) * grid


def start_ranges(free: list[Interval], duration: int, grid: int) -> list[StartRange]:
    """Grid starts s with [s, s + duration) inside one free interval, as closed ranges."""
    out: list[StartRange] = []
    for start, end in free:
        lo, hi = ceil_to(start, grid), floor_to(end - duration, grid)
        if lo <= hi:
            out.append((lo, hi))
    return out


def merge_ranges(ranges: Iterable[StartRange], grid: int) -> list[StartRange]:
    """Union of closed grid ranges; adjacent grid points join one range."""
    out: list[StartRange] = []
    for lo, hi in sorted(ranges):
        if out and lo <= out[-1][1] + grid:
            if hi > out[-1][1]:
                out[-1] = (out[-1][0], hi)
        else:
            out.append((lo, hi))
    return out


def intersect_ranges(a: list[StartRange], b: list[StartRange]) -> list[StartRange]:
    out: list[StartRange] = []
    i = j = 0
    while i < len(a) and j < len(b):
        lo, hi = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if lo <= hi:
            out.append((lo, hi))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return out


def clip_ranges(ranges: list[StartRange], lo: int, hi: int) -> list[StartRange]:
    return [(max(a, lo), min(b, hi)) for a, b in ranges if a <= hi and b >= lo]


def window(ranges: list[StartRange], ends: list[int], lo: int, hi: int) -> list[StartRange]:
    """clip_ranges for long sorted lists: `ends` holds each range's upper end, so the first
    range reaching `lo` is found by binary search and only the overlapping ones are read."""
    out: list[StartRange] = []
    for index in range(bisect.bisect_left(ends, lo), len(ranges)):
        a, b = ranges[index]
        if a > hi:
            break
        out.append((max(a, lo), min(b, hi)))
    return out


def contains(ranges: list[StartRange], value: int) -> bool:
    """True when `value` lies in one of the sorted closed ranges (binary search)."""
    lo, hi = 0, len(ranges) - 1
    while lo <= hi:
        mid = (lo + hi) // 2
        a, b = ranges[mid]
        if value < a:
            hi = mid - 1
        elif value > b:
            lo = mid + 1
        else:
            return True
    return False


def first_at_or_after(ranges: list[StartRange], value: int, grid: int) -> int | None:
    """The smallest grid point >= value in the sorted closed ranges, if any."""
    lo, hi = 0, len(ranges)
    while lo < hi:
        mid = (lo + hi) // 2
        if ranges[mid][1] < value:
            lo = mid + 1
        else:
            hi = mid
    if lo == len(ranges):
        return None
    a, b = ranges[lo]
    point = max(a, ceil_to(value, grid))
    return point if point <= b else None
