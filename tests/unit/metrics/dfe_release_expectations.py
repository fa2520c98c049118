#!/usr/bin/env python3
"""Writes dfe_release_expectations.inc, the expectations of dfe_release_test.cc: for 18
indicators x 5 LAs of five regions x 3 years of the release layer, the value DfE's file
holds, read here straight from the source files at the pinned commits with Python's csv
module (independently of scripts/dfe-release-extract.mjs), each with the file and line it
comes from. A value "c", "x", "z", "low", ".." or ":" is written "-"; "1,234" is 1234.
Run: python3 tests/unit/metrics/dfe_release_expectations.py [MIRROR_CSC MIRROR_IPSE]"""
import csv, io, os, subprocess, sys

CSC = sys.argv[1] if len(sys.argv) > 1 else '/work/.mirror/dfe-analytical-services+CSC_outcomes_and_enablers/repo'
IPSE = sys.argv[2] if len(sys.argv) > 2 else '/work/.mirror/cjrwebb+ipse-data-tidying-repo/repo'
CSC_COMMIT = '2f5d11a431050523dab58810083259d3313029ae'
IPSE_COMMIT = 'f2e451638fdf4c542d6b281295f128beb40b950b'
PATHS = {
    'b1_children_in_need_2013_to_2025.csv': (CSC, CSC_COMMIT, 'data-raw/'),
    'c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv': (CSC, CSC_COMMIT, 'data-raw/'),
    'd3_cpps_subsequent_plan_2013_to_2025.csv': (CSC, CSC_COMMIT, 'data-raw/'),
    'd5_cpps_at31march_by_duration_2013_to_2025.csv': (CSC, CSC_COMMIT, 'data-raw/'),
    'c2_children_in_need_assessments_duration_2014_to_2022.csv': (IPSE, IPSE_COMMIT, 'data/cin-census/2021-22/data/'),
    'c4_children_in_need_section_47s_and_icpcs_2013_to_2022.csv': (IPSE, IPSE_COMMIT, 'data/cin-census/2021-22/data/'),
    'osr26-2011ud.csv': (IPSE, IPSE_COMMIT, 'data/cin-census/2010-11/'),
    'osr28-2010ud.csv': (IPSE, IPSE_COMMIT, 'data/cin-census/2009-10/osr28-2010udv4/'),
    'SFR27-2012ud.csv': (IPSE, IPSE_COMMIT, 'data/cin-census/2011-12/sfr27-2012udv3/'),
    'SFR45-2013ud.csv': (IPSE, IPSE_COMMIT, 'data/cin-census/2012-13/SFR45-2013UD/'),
    'SFR43-2014.csv': (IPSE, IPSE_COMMIT, 'data/cin-census/2013-14/SFR43-2014/'),
    'SFR41-2015_Underlying_data.csv': (IPSE, IPSE_COMMIT, 'data/cin-census/2014-15/SFR41-2015_UD/'),
    'SFR21_CLA.csv': (IPSE, IPSE_COMMIT, 'data/ssda903-cla/underlying_20data_20sfr212011/'),
    'SFR36_CLA2013.csv': (IPSE, IPSE_COMMIT, 'data/ssda903-cla/SFR36_UnderlyingData/'),
    'SFR34_CLA2015.csv': (IPSE, IPSE_COMMIT, 'data/ssda903-cla/SFR34_2015_UnderlyingData/'),
    'SFR20_ADM2012.csv': (IPSE, IPSE_COMMIT, 'data/ssda903-cla/CLA-2012/'),
    'SFR41_ADM2016.csv': (IPSE, IPSE_COMMIT, 'data/ssda903-cla/SFR41_2016_UD/'),
    'SFR36_ADP2014.csv': (IPSE, IPSE_COMMIT, 'data/ssda903-cla/UD_SFR36_2014/'),
    'SFR21_ADP.csv': (IPSE, IPSE_COMMIT, 'data/ssda903-cla/underlying_20data_20sfr212011/'),
    'SFR34_ADP2015.csv': (IPSE, IPSE_COMMIT, 'data/ssda903-cla/SFR34_2015_UnderlyingData/'),
    'la_cla_who_started_to_be_looked_after.csv':
        (IPSE, IPSE_COMMIT, 'data/ssda903-cla/children-looked-after-in-england-including-adoptions_2022/data/'),
}
STARTED = 'la_cla_who_started_to_be_looked_after.csv'
POLICE = 'characteristic=Police protection in LA accommodation'
C1 = 'c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv'
# indicator -> [(fy, file, column)]: three years each, from the file DfE published them in.
CASES = {
    'referrals': [(2010, 'osr26-2011ud.csv', 'Referrals1011'), (2011, 'SFR27-2012ud.csv', 'Referrals1112'),
                  (2013, C1, 'referral_count')],
    'referral_rate': [(2009, 'osr28-2010ud.csv', 'Referrals0910Rate'), (2012, 'SFR45-2013ud.csv', 'Referrals1213Rate'),
                      (2014, 'SFR41-2015_Underlying_data.csv', 'Referrals1415Rate')],
    'rereferral_12m_pct': [(2010, 'osr26-2011ud.csv', '%ReferralsWithin12mths1011'), (2012, C1, 'rereferral_percent'),
                           (2014, C1, 'rereferral_percent')],
    'referral_nfa_pct': [(2011, 'SFR27-2012ud.csv', '%ReferralsNFA1112'), (2012, C1, 'no_further_action_percent'),
                         (2014, C1, 'no_further_action_percent')],
    'cin_open_year_end': [(2009, 'osr28-2010ud.csv', 'CINAt310310'), (2015, 'b1_children_in_need_2013_to_2025.csv',
                          'At31_episodes'), (2024, 'b1_children_in_need_2013_to_2025.csv', 'At31_episodes')],
    'cin_rate': [(2010, 'osr26-2011ud.csv', 'CINRatePer10K'), (2013, 'SFR43-2014.csv', 'CINAt310314RatePer10K'),
                 (2014, 'SFR41-2015_Underlying_data.csv', 'CINAt310314RatePer10K')],
    'assessments_completed': [(2014, 'c2_children_in_need_assessments_duration_2014_to_2022.csv', 'Assessments_completed'),
                              (2017, 'c2_children_in_need_assessments_duration_2014_to_2022.csv', 'Assessments_completed'),
                              (2021, 'c2_children_in_need_assessments_duration_2014_to_2022.csv', 'Assessments_completed')],
    's47_enquiries': [(2012, 'c4_children_in_need_section_47s_and_icpcs_2013_to_2022.csv', 'Section47'),
                      (2016, 'c4_children_in_need_section_47s_and_icpcs_2013_to_2022.csv', 'Section47'),
                      (2020, 'c4_children_in_need_section_47s_and_icpcs_2013_to_2022.csv', 'Section47')],
    's47_rate': [(2012, 'c4_children_in_need_section_47s_and_icpcs_2013_to_2022.csv', 'Section47_rate'),
                 (2013, 'c4_children_in_need_section_47s_and_icpcs_2013_to_2022.csv', 'Section47_rate'),
                 (2014, 'c4_children_in_need_section_47s_and_icpcs_2013_to_2022.csv', 'Section47_rate')],
    'cpp_year_end': [(2009, 'osr28-2010ud.csv', 'CPPAt310310'), (2011, 'SFR27-2012ud.csv', 'CPPAt310312'),
                     (2014, 'd5_cpps_at31march_by_duration_2013_to_2025.csv', 'CPP_At31')],
    'cpp_rate': [(2009, 'osr28-2010ud.csv', 'CPPAt310310RatePer10k'), (2011, 'SFR27-2012ud.csv', 'CPPAt310312Rate'),
                 (2014, 'SFR41-2015_Underlying_data.csv', 'CPPAt310315Rate')],
    'cpp_started': [(2010, 'osr26-2011ud.csv', 'CPPIn1011'), (2012, 'SFR45-2013ud.csv', 'CPPStart1213'),
                    (2013, 'SFR43-2014.csv', 'CPPStart1314')],
    'cpp_repeat_pct': [(2009, 'osr28-2010ud.csv', '%CPPin0910SecondTime'), (2011, 'SFR27-2012ud.csv',
                       '%CPPStart1112SecondTime'), (2013, 'd3_cpps_subsequent_plan_2013_to_2025.csv', 'CPP_subsequent_percent')],
    'cpp_ceased_2y_plus_pct': [(2010, 'osr26-2011ud.csv', '%CPPCeased1011Duration2+yrs'),
                               (2012, 'SFR45-2013ud.csv', '%CPPCeased1213Duration2+yrs'),
                               (2014, 'SFR41-2015_Underlying_data.csv', '%CPPCeased1415Duration2+yrs')],
    'lac_year_end': [(2010, 'SFR21_CLA.csv', 'CLA_Mar2011'), (2012, 'SFR36_CLA2013.csv', 'CLA_Mar2013'),
                     (2014, 'SFR34_CLA2015.csv', 'CLA_Mar2015')],
    'adoptions': [(2010, 'SFR21_ADP.csv', 'CLA_ceaAdop'), (2013, 'SFR36_ADP2014.csv', 'CLA_ceaAdop'),
                  (2014, 'SFR34_ADP2015.csv', 'CLA_ceaAdop')],
    'lac_police_protection_started': [(2011, 'SFR20_ADM2012.csv', 'SCLA_UPP'), (2015, 'SFR41_ADM2016.csv', 'SCLA_UPP'),
                                      (2019, STARTED, 'number, ' + POLICE)],
    'lac_police_protection_pct': [(2017, STARTED, 'percentage, ' + POLICE), (2019, STARTED, 'percentage, ' + POLICE),
                                  (2021, STARTED, 'percentage, ' + POLICE)],
}
# Five LAs in five regions: London, North West, West Midlands, East of England, South West.
LAS = ['301', '352', '330', '821', '908']


def table(name):
    repo, commit, folder = PATHS[name]
    data = subprocess.run(['git', '-C', repo, 'show', f'{commit}:{folder}{name}'], check=True,
                          capture_output=True).stdout.decode('latin-1').lstrip('\ufeff').lstrip('\xef\xbb\xbf')
    rows = list(csv.reader(io.StringIO(data)))
    header = [h.strip() for h in rows[0]]
    return header, rows[1:]


def text(v):
    v = v.strip()
    if v.lower() in ('c', 'x', 'z', 'low', 'u', '..', ':', '-', '.', 'k'):
        return '-'
    f = float(v.replace(',', ''))
    return str(int(f)) if f == int(f) else repr(f)


out = ['// Generated by tests/unit/metrics/dfe_release_expectations.py from DfE\'s files at the pinned',
       '// commits: {indicator, LA, financial year, value, source file, measure}, each with its line.']
for indicator, cases in CASES.items():
    for fy, name, column in cases:
        header, rows = table(name)
        # 'number, characteristic=X': the column 'number' of the row whose characteristic is X.
        col = header.index(column.split(', ')[0])
        wanted = column.split('characteristic=')[1] if 'characteristic=' in column else None
        for la in LAS:
            found = None
            for i, r in enumerate(rows):
                if wanted and r[header.index('characteristic')] != wanted:
                    continue
                if 'New_geog_code' in header:
                    if r[header.index('geog_l')] == 'LA' and r[header.index('geog_c')].strip() == la:
                        found = (i + 2, r[col])
                elif 'time_period' in header:
                    if (r[header.index('geographic_level')] == 'Local authority' and
                            r[header.index('old_la_code')].strip() == la and int(r[header.index('time_period')]) == fy + 1):
                        found = (i + 2, r[col])
                elif r[0] == 'LA' and r[1].strip() == la:
                    found = (i + 2, r[col])
            if found is None:
                sys.exit(f'{indicator} {la} {fy}: no row in {name}')
            line, value = found
            out.append(f'{{"{indicator}", "{la}", {fy}, "{text(value)}", "{name}", "{column}"}},  // {name} line {line}: {value.strip()!r}')
print('\n'.join(out))
