#!/usr/bin/env python3
"""Writes the expectations of benchmark_test.cc's HandComputed table from the shipped
reference/lait_*.csv alone, independently of carestat's C++: ranks counted as 1 + the
LAs with a strictly better published number, quartile cut points from Python's
statistics.quantiles(method='inclusive') (the same as R's default quantile, type 7, that
LAIT uses), the region's row read as published, and the neighbours' average as the mean of
the published numbers of the list in force on 31 March at the year's end (the earliest list
before any). Run: python3 tests/unit/metrics/benchmark_expectations.py"""
import csv, statistics, sys, os

ROOT = os.path.join(os.path.dirname(__file__), '..', '..', '..', 'reference')

def rows(name):
    with open(os.path.join(ROOT, name), newline='') as f:
        return list(csv.DictReader(line for line in f if not line.startswith('#')))

mapping = {r['indicator']: r for r in rows('lait_mapping.csv')}
las = {r['area_code']: r for r in rows('lait_las.csv')}
values = {}
for r in rows('lait_values.csv'):
    values[(r['indicator'], r['area_code'], r['period'])] = r['value']
lists = {}
for r in rows('lait_neighbours.csv'):
    lists.setdefault((r['list'], r['effective_from']), {}).setdefault(r['la'], {})[int(r['rank'])] = r['neighbour']

def num(ind, code, period):
    v = values.get((ind, code, period))
    return None if v in (None, '-') else float(v)

def neighbours(la, fy):
    end = '%d-03-31' % (fy + 1)
    keys = sorted(lists)
    chosen = [k for k in keys if k[1] <= end]
    key = chosen[-1] if chosen else keys[0]
    lst = lists[key].get(la, {})
    return [lst[r] for r in sorted(lst)]

INDICATORS = ['rereferral_12m_pct', 'assessment_timeliness_pct', 'icpc_timeliness_pct', 'cpp_repeat_pct',
              'cpp_ceased_2y_plus_pct', 'lac_placement_moves_3plus_pct', 'lac_long_term_stability_pct',
              'care_leavers_eet_pct', 'care_leavers_suitable_accommodation_pct', 'agency_sw_rate_pct',
              'sw_caseload_avg']
LAS = ['301', '330', '390', '873', '878']
YEARS = [2015, 2019, 2023]

for ind in INDICATORS:
    pol = mapping[ind]['lait_polarity']
    for fy in YEARS:
        period = '%d-%02d' % (fy, (fy + 1) % 100)
        dist = [num(ind, c, period) for c, a in las.items() if a['area_type'] == 'la']
        dist = [d for d in dist if d is not None]
        for la in LAS:
            v = num(ind, la, period)
            if v is None or len(dist) < 2:
                continue
            better = sum(1 for d in dist if (d > v if pol == 'High' else d < v))
            q = statistics.quantiles(dist, n=4, method='inclusive')
            low_quarter = 0 if v <= q[0] else 1 if v <= q[1] else 2 if v <= q[2] else 3
            band = 'ABCD'[low_quarter if pol == 'Low' else 3 - low_quarter]
            region = num(ind, las[la]['region_code'], period)
            sn = [num(ind, n, period) for n in neighbours(la, fy)]
            sn = [x for x in sn if x is not None]
            avg = sum(sn) / len(sn) if sn else None
            print('    {"%s", "%s", %d, %s, %d, %d, "%s", %s, %s, %d},' % (
                ind, la, fy, repr(v), better + 1, len(dist), band,
                'kNone' if region is None else repr(region), 'kNone' if avg is None else '%.10g' % avg, len(sn)))
