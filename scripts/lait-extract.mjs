// Run by scripts/lait-extract (which installs the pinned readers beside this file):
//   node extract.mjs IN_DIR OUT_DIR CATALOGUE_CC [DUMP_FILE]
// Reads LAIT's five data files from IN_DIR and writes reference/lait_mapping.csv,
// lait_values.csv, lait_neighbours.csv and lait_las.csv to OUT_DIR. Deterministic: no
// clock, no locale, every row ordered by its key.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parquetReadObjects } from 'hyparquet';
import readXlsxFile from 'read-excel-file/node';

const [inDir, outDir, cataloguePath, dumpFile] = process.argv.slice(2);
const COMMIT = '2e30e39';
const REPO = 'github dfe-analytical-services/local-authority-interactive-tool';
// Git blob ids of the files at commit 2e30e3959a6ab8b2d22941b84764da41a40ac91b.
const BLOBS = {
  'bds_long_0.parquet': '9e0b44c13f9484159240cc119b5017b6c345aaf5',
  'lait_data_dictionary.csv': '195b2e09401434e81ad7e2783ed138c7d58ac9fc',
  'la_code_list.xlsx': 'f8207415c06a52ece80deff50792d1d899d3040c',
  'sn_april_2021.xlsx': 'f7ecc0d973d2f8c149aadc1889845527c96bf7c7',
  'sn_may_2025.xlsx': '0f25a86b8dcd4b29c74c30dd6824459214db2b91',
};
const LICENCE = 'Department for Education, Open Government Licence v3.0';

function fail(msg) {
  console.error('lait-extract: ' + msg);
  process.exit(1);
}

for (const [name, blob] of Object.entries(BLOBS)) {
  const data = fs.readFileSync(path.join(inDir, name));
  const id = crypto.createHash('sha1').update(`blob ${data.length}\0`).update(data).digest('hex');
  if (id !== blob) fail(`${name} is not the file of LAIT commit ${COMMIT} (blob ${id}, expected ${blob})`);
}

// ---------------------------------------------------------------------------------------
// The mapping: every indicator of carestat's catalogue (services/metrics/indicators/
// catalogue.cc, defined in INDICATORS.md) and the LAIT measure (bds_long_0.parquet
// "Short Desc", lait_data_dictionary.csv "Measure_short") that DfE publishes for it.
//   mapped: LAIT's values are shipped for the indicator (lait_values.csv); `difference`
//     says where DfE's definition, date or rounding is not carestat's.
//   related, not comparable: LAIT has a measure near the indicator but not the same
//     figure; named here, no values shipped.
//   DfE release: LAIT's data file holds no such measure, DfE's statistical release does;
//     its values are in dfe_values.csv (scripts/dfe-release-extract).
//   not in LAIT: neither LAIT's data file nor any release file read for dfe_values.csv
//     holds the measure (DfE may publish it in a release or file not read).
//   not published by DfE: no DfE collection holds the figure (a local or derived one).
// `date` is how LAIT's year becomes carestat's financial year: 'march' (LAIT's 2016 is
// the year ending, or the snapshot on, 31 March 2016: 2015-16) or 'september' (a 30
// September snapshot: LAIT's 2016 is 30 September 2016, in 2016-17).
const RATE_POP =
  'DfE divides by ONS mid-year estimates of children under 18, carestat by reference/populations.csv ' +
  '(mid-year of the first calendar year); LAIT\'s rates can differ from those DfE first published (England\'s ' +
  '2015-16 referral rate is 536 in LAIT, 532.2 in DfE\'s 2018 time series in reference/comparators.csv), ' +
  'likely on revised populations. ';
// A "DfE release" indicator (only DfE's statistical releases publish it; its figures are in
// reference/dfe_values.csv, written by scripts/dfe-release-extract): no LAIT measure, so
// its polarity, source table and period rule are given here. A count has no polarity, as
// LAIT gives none to its counts (referrals, plans, children looked after): more or fewer
// is neither better nor worse without the need behind it.
function RELEASE_COUNT(table) {
  return { polarity: '-', table, rule: 'DfE time_period Y (the year ending, or the day, 31 March Y): period (Y-1)-Y' };
}
const MAPPING = [
  ['contacts', 'not published by DfE', '', '', 'DfE collects no contacts (the CIN census starts at referral).'],
  ['referrals', 'mapped', 'CPP_Total_NumRef', 'march',
    'Referrals in the year from the CIN census, each referral counted, as carestat. England and region counts ' +
    'are rounded by DfE to the nearest 10.'],
  ['referral_rate', 'mapped', 'CPP_Total_Rateper10,000', 'march',
    RATE_POP + 'DfE rounds to 1 decimal place.'],
  ['contact_conversion_pct', 'not published by DfE', '', '', 'DfE collects no contacts.'],
  ['rereferral_12m_pct', 'mapped', 'ReReferral', 'march',
    'DfE: % of referrals in the year within 12 months of a previous referral of the child; 1 decimal place.'],
  ['referral_nfa_pct', 'mapped', 'CIN_Refferals_NFA', 'march',
    'DfE: % of referrals in the year closed with no further action; 1 decimal place.'],
  ['cin_open_year_end', 'DfE release', '', '',
    'LAIT holds the rate (CIN) only. DfE\'s children in need release: b1_children_in_need_2013_to_2025.csv, ' +
    'measure At31_episodes (children in need at 31 March, 2012-13 on), and column CINAt3103YY of the 2009-10 to ' +
    '2011-12 underlying data (reference/dfe_values.csv). DfE counts open episodes (a child with two counts ' +
    'twice, which DfE says is rare), carestat distinct children. England and region counts rounded by DfE to ' +
    'the nearest 10.', RELEASE_COUNT('b1_children_in_need_2013_to_2025.csv')],
  ['cin_rate', 'mapped', 'CIN', 'march',
    'DfE: children in need at 31 March (an open CIN episode) per 10,000 children. ' + RATE_POP +
    '1 decimal place.'],
  ['assessments_completed', 'DfE release', '', '',
    'LAIT holds the % completed within 45 working days only (Continue_Assess_Comp). DfE\'s children in need ' +
    'release: c2_children_in_need_assessments_duration_2014_to_2022.csv, measure Assessments_completed ' +
    '(assessments completed in the year, 2013-14 to 2021-22; reference/dfe_values.csv); the core and initial ' +
    'assessments DfE counted before 2014 are not this figure, so earlier years are not shipped. England and ' +
    'region counts rounded by DfE to the nearest 10.',
    RELEASE_COUNT('c2_children_in_need_assessments_duration_2014_to_2022.csv')],
  ['assessment_timeliness_pct', 'mapped', 'Continue_Assess_Comp', 'march',
    'DfE: of continuous assessments completed (end date) in the year, % within 45 working days; LAIT\'s ' +
    'description counts from the referral, carestat from the assessment\'s actual start date to its ' +
    'authorisation (the same where the assessment starts on the referral day). 1 decimal place.'],
  ['s47_enquiries', 'DfE release', '', '',
    'LAIT holds the rate (Section_47) only. DfE\'s children in need release: ' +
    'c4_children_in_need_section_47s_and_icpcs_2013_to_2022.csv, measure Section47 (section 47 enquiries ' +
    'starting in the year, 2012-13 to 2021-22; reference/dfe_values.csv). The 2009-10 to 2011-12 underlying ' +
    'data count children subject to an enquiry (S47in0910...), not enquiries, so those years are not shipped. ' +
    'England and region counts rounded by DfE to the nearest 10.',
    RELEASE_COUNT('c4_children_in_need_section_47s_and_icpcs_2013_to_2022.csv')],
  ['s47_rate', 'mapped', 'Section_47', 'march',
    'DfE: section 47 enquiries starting in the year per 10,000 children. ' + RATE_POP + '1 decimal place.'],
  ['icpc_timeliness_pct', 'mapped', 'CP_conf_15days', 'march',
    'LAIT: within 15 working days of the strategy discussion that decided on the section 47 enquiry; ' +
    'carestat counts from the enquiry\'s start date in the return (the same where the return dates the ' +
    'enquiry from that discussion). 1 decimal place.'],
  ['cpp_year_end', 'mapped', 'CPP_Num', 'march',
    'Children on a plan at 31 March. England and region counts rounded by DfE to the nearest 10.'],
  ['cpp_rate', 'mapped', 'CPP_rate', 'march', 'Children on a plan at 31 March per 10,000. ' + RATE_POP],
  ['cpp_started', 'mapped', 'CPP_Abuse', 'march',
    'LAIT names it "Number of Child Protection plans starting during the year" and "Children becoming subject ' +
    'of a CPP"; carestat counts plans (a child with two plans in the year counts twice). England and region ' +
    'counts rounded by DfE to the nearest 10.'],
  ['cpp_ceased', 'related, not comparable', 'DeRegCPR', 'march',
    'LAIT holds plans ceased as a rate per 10,000 children only, not the count.'],
  ['cpp_category_pct', 'not in LAIT', '', '',
    'LAIT holds no category of abuse. DfE\'s d4 file (plans at 31 March by category of abuse) publishes it by ' +
    'category; the value tables have no breakdown column, so it is not shipped in dfe_values.csv.'],
  ['cpp_repeat_pct', 'mapped', 'PrevRegCPR', 'march',
    'DfE: of plans starting in the year (each occasion counted), % for a child who had a plan before, however ' +
    'long ago; carestat the same, an earlier plan found in the data or in NumberOfPreviousCPP.'],
  ['cpp_ceased_2y_plus_pct', 'mapped', 'CPPlans2yrs', 'march',
    'DfE: % of plans ceasing in the year that had lasted 2 years or more.'],
  ['lac_year_end', 'mapped', 'LACnum', 'march',
    'Children looked after at 31 March, short-break care excluded, as carestat. England and region counts ' +
    'rounded by DfE to the nearest 10.'],
  ['lac_rate', 'mapped', 'LAC', 'march', 'Looked after at 31 March per 10,000. ' + RATE_POP +
    'DfE rounds to a whole number.'],
  ['lac_month_end', 'not published by DfE', '', '', 'A monthly series of the council\'s own.'],
  ['lac_peak', 'not published by DfE', '', '', 'Derived from the monthly series.'],
  ['lac_started', 'mapped', 'LACnum_Start', 'march',
    'DfE counts a child who started more than once in the year once. England and region counts rounded by DfE ' +
    'to the nearest 10.'],
  ['lac_ceased', 'mapped', 'LACceased', 'march',
    'DfE counts a child who ceased more than once in the year once. England and region counts rounded by DfE ' +
    'to the nearest 10.'],
  ['lac_police_protection_started', 'DfE release', '', '',
    'LAIT holds no legal status at entry. DfE\'s children looked after releases: children who started to be ' +
    'looked after under police protection, column SCLA_UPP of the underlying data _ADM files (2010-11 to ' +
    '2016-17) and la_cla_who_started_to_be_looked_after.csv of the 2022 release, legal status "Police ' +
    'protection in LA accommodation", number (2017-18 to 2021-22) (reference/dfe_values.csv). DfE counts a ' +
    'child who started twice once, as carestat. England and region counts rounded by DfE to the nearest 10.',
    RELEASE_COUNT('la_cla_who_started_to_be_looked_after.csv; _ADM files (SFR21 to SFR50)')],
  ['lac_police_protection_pct', 'DfE release', '', '',
    'LAIT holds no legal status at entry. DfE\'s 2022 children looked after release: ' +
    'la_cla_who_started_to_be_looked_after.csv, legal status "Police protection in LA accommodation", ' +
    'percentage of the children who started (2017-18 to 2021-22; reference/dfe_values.csv). DfE rounds to a ' +
    'whole number. Earlier releases publish the count only, so earlier years are not shipped.',
    { polarity: 'Low', table: 'la_cla_who_started_to_be_looked_after.csv',
      rule: 'DfE time_period Y (the year ending 31 March Y): period (Y-1)-Y' }],
  ['lac_female_pct', 'not in LAIT', '', '',
    'LAIT holds no sex of looked-after children. DfE\'s LA-level % by sex is in ' +
    'la_cla_on_31_march_by_characteristics.csv, which neither repository read for dfe_values.csv stores (a ' +
    'large file held out of git); the older underlying data (_CLA files) hold the counts (CLA_female), not ' +
    'the %, and no figure derived from two published counts is shipped.'],
  ['lac_under10_pct', 'not in LAIT', '', '',
    'LAIT holds no age of looked-after children. DfE\'s LA-level % by age is in ' +
    'la_cla_on_31_march_by_characteristics.csv, not stored in the repositories read for dfe_values.csv; the ' +
    'older _CLA files hold counts by age band only.'],
  ['lac_ethnicity_pct', 'not in LAIT', '', '',
    'LAIT holds no ethnicity of looked-after children. DfE\'s LA-level % by ethnicity is in ' +
    'la_cla_on_31_march_by_characteristics.csv, not stored in the repositories read for dfe_values.csv; the ' +
    'older _CLA files hold counts by broad group only, not carestat\'s DfE codes.'],
  ['lac_placements', 'not in LAIT', '', '', 'LAIT holds no count of placements started.'],
  ['lac_placement_moves_3plus_pct', 'mapped', 'LACStable_2016on', 'march',
    'DfE: % of children looked after at 31 March with three or more placements during the year.'],
  ['lac_long_term_stability_pct', 'mapped', 'LAC_LongStable%', 'march',
    'DfE also counts a child placed for adoption whose adoptive and previous placements together last 2 ' +
    'years; carestat counts the same placement only. DfE rounds to a whole number; LAIT has it from 2017-18.'],
  ['lac_inhouse_foster_children', 'not in LAIT', '', '', 'LAIT holds % in foster care, not in-house foster care.'],
  ['lac_placed_in_borough_pct', 'not in LAIT', '', '', 'LAIT holds no placement inside the boundary alone.'],
  ['lac_placed_within_20_miles_pct', 'related, not comparable', 'LACDistance', 'march',
    'LAIT: % placed more than 20 miles from home AND outside the LA boundary; 100 minus it is not carestat\'s ' +
    '% within 20 miles (a child placed over 20 miles away inside the boundary is in neither).'],
  ['care_leavers_18plus', 'related, not comparable', 'NoCareLeavers', 'march',
    'DfE counts former relevant young people aged 19 to 21 (LAIT: "Care Leavers at 19-"); carestat all aged ' +
    '18 and over at 31 March.'],
  ['care_leavers_eet_pct', 'mapped', 'CareLeaverEET', 'march',
    'DfE: of care leavers aged 19 to 21 (around their birthday), % in education, employment or training; ' +
    'carestat: of care leavers aged 18 and over. DfE rounds to a whole number.'],
  ['care_leavers_suitable_accommodation_pct', 'mapped', 'CareLeaverAcc', 'march',
    'DfE: of care leavers aged 19 to 21, % in suitable accommodation; carestat: of those aged 18 and over. ' +
    'DfE rounds to a whole number.'],
  ['care_leavers_in_touch_pct', 'related, not comparable', 'CareLeavers_LA_NotInTouch', 'march',
    'LAIT holds the % the LA is NOT in touch with; 100 minus it is not the % in touch (DfE also counts ' +
    'young people who refuse contact or no longer need services).'],
  ['adoptions', 'mapped', 'No_of LAC Adopted', 'march',
    'Children adopted from care in the year. England and region counts rounded by DfE to the nearest 10.'],
  ['adoption_a1_days', 'not in LAIT', '', '', 'DfE publishes A1 in its adoption scorecards, not in LAIT.'],
  ['adoption_a1_days_3yr', 'not in LAIT', '', '', 'DfE publishes A1 in its adoption scorecards, not in LAIT.'],
  ['adoption_a2_days', 'not in LAIT', '', '', 'DfE publishes A2 in its adoption scorecards, not in LAIT.'],
  ['adoption_a2_days_3yr', 'not in LAIT', '', '', 'DfE publishes A2 in its adoption scorecards, not in LAIT.'],
  ['shopa_decisions', 'not in LAIT', '', '', 'LAIT holds no placement-order decisions.'],
  ['agency_sw_rate_pct', 'mapped', 'Work_Force_Agecy_Rate', 'september',
    'DfE: agency social workers (FTE) as a % of agency and employed social workers (FTE) at 30 September; ' +
    'the council\'s local measure is of posts. LAIT\'s year 2016 is 30 September 2016: period 2016-17.'],
  ['sw_caseload_avg', 'mapped', 'Work_Force_AvgNumCase_SW', 'september',
    'DfE: cases held / FTE social workers holding cases at 30 September; period as agency_sw_rate_pct. From ' +
    '2017 DfE adds agency workers with cases to the denominator (LAIT\'s note on the measure), so 2016-17 (30 ' +
    'September 2016) is on the older basis. A local measure: the council\'s own count may differ.'],
  ['cp_visits_timely_pct', 'not published by DfE', '', '', 'Local measure.'],
  ['cp_core_groups_held_pct', 'not published by DfE', '', '', 'Local measure.'],
  ['overspend_gbp', 'not published by DfE', '', '', 'Local measure (DfE publishes spend, not overspend).'],
  ['nrpf_cases', 'not published by DfE', '', '', 'Local measure.'],
  ['foster_carer_reviews_pct', 'not published by DfE', '', '', 'Local measure.'],
  ['dq_excluded_records', 'not published by DfE', '', '', 'About the council\'s own returns.'],
];

// Every catalogue id has exactly one mapping row, and no other id has one.
const catalogueIds = [...fs.readFileSync(cataloguePath, 'utf8').matchAll(/^\s*\{"([a-z0-9_]+)", "/gm)].map((m) => m[1]);
const mappedIds = MAPPING.map((m) => m[0]);
for (const id of catalogueIds) if (!mappedIds.includes(id)) fail(`catalogue indicator ${id} has no mapping row`);
for (const id of mappedIds) if (!catalogueIds.includes(id)) fail(`mapping row ${id} is not in the catalogue`);
if (new Set(mappedIds).size !== mappedIds.length) fail('an indicator has two mapping rows');

// ---------------------------------------------------------------------------------------
// CSV helpers.
function parseCsv(text) {
  const rows = [];
  let row = [], f = '', q = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (q) {
      if (c === '"') {
        if (text[i + 1] === '"') { f += '"'; i++; } else q = false;
      } else f += c;
    } else if (c === '"') q = true;
    else if (c === ',') { row.push(f); f = ''; }
    else if (c === '\n') { row.push(f.replace(/\r$/, '')); rows.push(row); row = []; f = ''; }
    else f += c;
  }
  if (f !== '' || row.length) { row.push(f); rows.push(row); }
  return rows;
}
function cell(s) {
  s = String(s).replace(/\s+/g, ' ').trim();
  return /[",]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
}
function csvLine(fields) { return fields.map(cell).join(',') + '\n'; }
function comment(text) {
  // Wraps prose into '# ' lines of at most 90 characters.
  const out = [];
  for (const para of text.split('\n')) {
    let line = '#';
    for (const word of para.split(' ').filter(Boolean)) {
      if (line.length + 1 + word.length > 90 && line !== '#') { out.push(line); line = '#'; }
      line += ' ' + word;
    }
    out.push(line);
  }
  return out.join('\n') + '\n';
}
const byNum = (a, b) => a - b;

// ---------------------------------------------------------------------------------------
// The data dictionary: measure name, polarity, decimal places, quartile flag, DfE table.
const dictRows = parseCsv(fs.readFileSync(path.join(inDir, 'lait_data_dictionary.csv'), 'utf8'));
const dh = dictRows[0];
const col = (n) => { const i = dh.indexOf(n); if (i < 0) fail(`dictionary has no column ${n}`); return i; };
const dict = new Map();
for (const r of dictRows.slice(1)) {
  if (r.length < dh.length) continue;
  const short = r[col('Measure_short')];
  if (!dict.has(short)) {
    dict.set(short, {
      name: r[col('Measure')], polarity: r[col('Polarity')], yearType: r[col('Year_Type')], dps: r[col('dps')],
      noQuartile: r[col('No_Quartile')], table: r[col('Table_status')],
    });
  }
}
for (const [id, status, measure, date] of MAPPING) {
  if (!measure) continue;
  const d = dict.get(measure);
  if (!d) fail(`${id}: LAIT measure ${measure} is not in lait_data_dictionary.csv`);
  const want = date === 'september' ? /^Annual \(end of Sept\)$/ : /^(Financial Year|Annual)$/;
  if (!want.test(d.yearType)) fail(`${id}: ${measure} has year type ${d.yearType}, not what its date rule expects`);
}

// ---------------------------------------------------------------------------------------
// LA codes (la_code_list.xlsx) and the boundary changes.
const REGION_CODE = {
  'north east': 980, 'north west': 981, 'yorkshire and the humber': 982, 'east midlands': 983,
  'west midlands': 984, 'east of england': 985, 'inner london': 986, 'outer london': 986, 'london': 986,
  'south east': 989, 'south west': 990,
};
const LONDON_PART = { 'inner london': 987, 'outer london': 988 };
// Boundary changes since LAIT's first year (2015-16), from the structural changes orders.
// from/to: the first and last day the code is an LA. A code not listed is one throughout.
const CHANGES = {
  835: { to: '2019-03-31', change: 'Replaced on 1 April 2019 by Dorset (838); Christchurch went to Bournemouth, Christchurch and Poole (839)' },
  836: { to: '2019-03-31', change: 'Merged on 1 April 2019 into Bournemouth, Christchurch and Poole (839)' },
  837: { to: '2019-03-31', change: 'Merged on 1 April 2019 into Bournemouth, Christchurch and Poole (839)' },
  838: { from: '2019-04-01', change: 'From 1 April 2019: the former Dorset county (835) less Christchurch' },
  839: { from: '2019-04-01', change: 'From 1 April 2019: Bournemouth (837), Poole (836) and Christchurch (from 835)' },
  928: { to: '2021-03-31', change: 'Split on 1 April 2021 into North Northamptonshire (940) and West Northamptonshire (941)' },
  940: { from: '2021-04-01', change: 'From 1 April 2021: part of Northamptonshire (928)' },
  941: { from: '2021-04-01', change: 'From 1 April 2021: part of Northamptonshire (928)' },
  909: { to: '2023-03-31', change: 'Split on 1 April 2023 into Cumberland (942) and Westmorland and Furness (943)' },
  942: { from: '2023-04-01', change: 'From 1 April 2023: part of Cumbria (909)' },
  943: { from: '2023-04-01', change: 'From 1 April 2023: part of Cumbria (909)' },
};
const CHANGE_SOURCE = {
  2019: 'The Bournemouth, Dorset and Poole (Structural Changes) Order 2018',
  2021: 'The Northamptonshire (Structural Changes) Order 2020',
  2023: 'The Cumbria (Structural Changes) Order 2022',
};

const codeSheet = (await readXlsxFile(path.join(inDir, 'la_code_list.xlsx')))[0].data;
if (codeSheet[0].join('|') !== 'LA Number|LA Name|Region|Type') fail('la_code_list.xlsx: unexpected header');
const areas = new Map(); // code -> {type, name, region, regionCode, laType}
for (const r of codeSheet.slice(1)) {
  const code = Number(r[0]);
  if (!Number.isInteger(code)) fail(`la_code_list.xlsx: bad code ${r[0]}`);
  const name = String(r[1]).trim(), region = String(r[2]).trim(), laType = String(r[3]).trim();
  let type, regionCode = '', part = '';
  if (code === 970) { type = 'england'; }
  else if (code >= 980 && code <= 990) { type = 'region'; regionCode = code === 987 || code === 988 ? 986 : 970; }
  else if (code >= 1000) { type = 'other'; }
  else {
    type = 'la';
    regionCode = REGION_CODE[region.toLowerCase()];
    if (!regionCode) fail(`la_code_list.xlsx: ${code} has unknown region ${region}`);
    part = LONDON_PART[region.toLowerCase()] || '';
  }
  areas.set(code, { type, name, region: type === 'la' ? region : '', regionCode, part, laType: type === 'la' ? laType : '' });
}
for (const code of Object.keys(CHANGES)) if (!areas.has(Number(code))) fail(`boundary change of unknown code ${code}`);

// The financial year (start year) a LAIT year stands for.
function startYear(laitYear, date) {
  if (!/^\d{4}$/.test(laitYear)) return null;
  return date === 'september' ? Number(laitYear) : Number(laitYear) - 1;
}
const period = (fy) => `${fy}-${String((fy + 1) % 100).padStart(2, '0')}`;
// Whether the code was an LA for the whole financial year starting 1 April fy.
function existsIn(code, fy) {
  const c = CHANGES[code];
  if (!c) return true;
  if (c.from && `${fy}-04-01` < c.from) return false;
  if (c.to && `${fy + 1}-03-31` > c.to) return false;
  return true;
}

// ---------------------------------------------------------------------------------------
// Values (bds_long_0.parquet).
const buf = fs.readFileSync(path.join(inDir, 'bds_long_0.parquet'));
const file = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
const rows = await parquetReadObjects({ file, columns: ['Short Desc', 'Years', 'LA and Regions', 'Values', 'LA Number'] });
const byMeasure = new Map();
for (const [id, status, measure, date] of MAPPING) if (status === 'mapped') byMeasure.set(measure, { id, date });
const values = []; // [indicatorIndex, fy, typeOrder, code, value, measure, year]
const dump = [];
const seen = new Set();
const dataYears = new Map(); // code -> [first fy, last fy] with a number
let dropped = 0;
const warnings = [];
const TYPE_ORDER = { england: 0, region: 1, la: 2 };
for (const r of rows) {
  const m = byMeasure.get(r['Short Desc']);
  if (!m) continue;
  const code = Number(r['LA Number']);
  const raw = r.Values;
  dump.push([r['Short Desc'], r.Years, code, r['LA and Regions'], raw].join('\t'));
  const area = areas.get(code);
  if (!area || area.type === 'other') fail(`${m.id}: area ${code} (${r['LA and Regions']}) is not in la_code_list.xlsx`);
  const fy = startYear(r.Years, m.date);
  if (fy === null) fail(`${m.id}: LAIT year '${r.Years}' is not a year`);
  let value;
  if (raw === '-') value = '-';
  else if (/^-?\d+(\.\d+)?([eE]-?\d+)?$/.test(raw) && Number.isFinite(Number(raw))) value = String(Number(raw));
  else fail(`${m.id}: ${code} ${r.Years}: value '${raw}' is neither a number nor LAIT's '-'`);
  if (area.type === 'la' && !existsIn(code, fy)) {
    // Left out: an LA code has no value in a year it was not an LA. LAIT's one such
    // number (835, Dorset before 2019, care leavers EET 2019-20) is named on stderr.
    if (value !== '-') warnings.push(`${m.id} ${period(fy)}: ${code} has a value (${raw}) in a year it was not an LA: left out`);
    dropped++;
    continue;
  }
  const key = `${m.id}|${code}|${fy}`;
  if (seen.has(key)) fail(`${m.id}: two values for ${code} in ${r.Years}`);
  seen.add(key);
  if (value !== '-' && area.type === 'la') {
    const d = dataYears.get(code) || [fy, fy];
    dataYears.set(code, [Math.min(d[0], fy), Math.max(d[1], fy)]);
  }
  values.push([mappedIds.indexOf(m.id), fy, TYPE_ORDER[area.type], code, value, r['Short Desc'], r.Years]);
}
values.sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2] || a[3] - b[3]);
for (const w of warnings) console.error('lait-extract: warning: ' + w);

const source = (f) => `${f} of LAIT (${REPO}, folder 01_data/02_prod, commit ${COMMIT}; ${LICENCE})`;
const written = [];
function write(name, text) {
  fs.writeFileSync(path.join(outDir, name), text);
  written.push(`${name}: ${text.split('\n').length - 1} lines, ${Buffer.byteLength(text)} bytes`);
}

// lait_mapping.csv
{
  let t = comment(
    'Each indicator of carestat\'s catalogue (INDICATORS.md) and the measure of DfE\'s Local Authority ' +
    'Interactive Tool (LAIT) that publishes it, with where DfE\'s definition, date or rounding differs. ' +
    'status: mapped (LAIT\'s values are in lait_values.csv; dfe_values.csv adds DfE\'s release figures for ' +
    'years before LAIT\'s), DfE release (published in DfE\'s statistical release, not in LAIT: its values are ' +
    'in dfe_values.csv; lait_polarity, lait_table and period_rule are then this project\'s, from the release ' +
    'file), related, not comparable (a near measure, no values shipped), not in LAIT (LAIT\'s data file holds ' +
    'no such measure, nor any DfE release file read for dfe_values.csv), not published by DfE (a figure no ' +
    'DfE collection holds). lait_name, lait_polarity ' +
    '(High, Low or - for none), lait_year_type, lait_dps (decimal places, NA for LAIT\'s default), ' +
    'lait_no_quartile (N: LAIT gives no quartile) and lait_table (the DfE file LAIT names) are LAIT\'s ' +
    'lait_data_dictionary.csv. period_rule: how LAIT\'s year becomes carestat\'s financial year. Written by ' +
    'scripts/lait-extract from ' + source('lait_data_dictionary.csv') + '; the mapping and differences are ' +
    'this project\'s (docs/BENCHMARKING.md).');
  t += csvLine(['indicator', 'status', 'lait_measure', 'lait_name', 'lait_polarity', 'lait_year_type', 'lait_dps',
    'lait_no_quartile', 'lait_table', 'period_rule', 'difference']);
  for (const [id, status, measure, date, diff, release] of MAPPING) {
    const d = measure ? dict.get(measure) : null;
    const rule = release ? release.rule : !measure ? '' : date === 'september'
      ? 'LAIT year Y is 30 September Y: period Y-(Y+1)'
      : 'LAIT year Y is the year ending (or the day) 31 March Y: period (Y-1)-Y';
    t += csvLine([id, status, measure, d ? d.name : '', d ? d.polarity : release ? release.polarity : '',
      d ? d.yearType : '', d ? d.dps : '', d ? d.noQuartile : '', d ? d.table : release ? release.table : '', rule,
      diff]);
  }
  write('lait_mapping.csv', t);
}

// lait_values.csv
{
  let t = comment(
    'Published values of DfE\'s Local Authority Interactive Tool (LAIT) for the carestat indicators ' +
    'lait_mapping.csv marks mapped: every LA, region and England, every year LAIT holds. Read from ' +
    source('bds_long_0.parquet') + ', columns Short Desc (lait_measure), Years (lait_year), LA Number ' +
    '(area_code) and Values, by scripts/lait-extract.\n' +
    'period: carestat\'s financial year (lait_mapping.csv period_rule: LAIT\'s 2016 is 2015-16, or 2016-17 ' +
    'for a 30 September workforce measure). value: LAIT\'s text, a number written in its shortest form (LAIT\'s ' +
    '148.80000000000001 is 148.8, the same double); "-" is LAIT\'s only mark for a value not published ' +
    '(suppressed, not collected or not applicable): never a number, never 0. An LA code in a year it was not ' +
    'an LA (lait_las.csv) has no row. area_type: la (DfE LA code), region (980 to 990; 987 and 988 are Inner ' +
    'and Outer London, parts of 986) or england (970).');
  t += csvLine(['indicator', 'area_type', 'area_code', 'period', 'value', 'lait_measure', 'lait_year']);
  const typeName = ['england', 'region', 'la'];
  for (const [i, fy, to, code, value, measure, year] of values) {
    t += csvLine([mappedIds[i], typeName[to], code, period(fy), value, measure, year]);
  }
  write('lait_values.csv', t);
}

// lait_las.csv
{
  let t = comment(
    'DfE\'s LA codes as LAIT lists them (old and new), with England (970) and the regions (980 to 990), ' +
    'from ' + source('la_code_list.xlsx') + '. region and la_type as that file gives them (OLB, ILB, MD, UA, SC); ' +
    'region_code: the region an LA is in (986 London for Inner and Outer London) or an area\'s parent; ' +
    'london_part: 987 Inner or 988 Outer London. exists_from, exists_to: the days the code was an LA, where ' +
    'it changed since 2015-16 (empty: throughout), with the change and the order that made it; first_period, ' +
    'last_period: the first and last financial years lait_values.csv gives it a number (any mapped ' +
    'indicator). Written by scripts/lait-extract.');
  t += csvLine(['area_code', 'area_type', 'name', 'region', 'region_code', 'london_part', 'la_type', 'exists_from',
    'exists_to', 'first_period', 'last_period', 'change', 'source']);
  for (const code of [...areas.keys()].sort(byNum)) {
    const a = areas.get(code);
    const c = CHANGES[code] || {};
    const d = dataYears.get(code);
    const year = (c.from || c.to) ? Number((c.from || c.to).slice(0, 4)) : 0;  // the 1 April of the change
    const src = `la_code_list.xlsx (LAIT ${COMMIT})` + (year ? `; ${CHANGE_SOURCE[year]}` : '');
    t += csvLine([code, a.type, a.name, a.region, a.regionCode, a.part, a.laType, c.from || '', c.to || '',
      d ? period(d[0]) : '', d ? period(d[1]) : '', c.change || '', src]);
  }
  write('lait_las.csv', t);
}

// lait_neighbours.csv
{
  const lists = [['sn_april_2021.xlsx', '2021-04-01'], ['sn_may_2025.xlsx', '2025-05-01']];
  let t = comment(
    'Every LA\'s ten statistical neighbours in DfE\'s children\'s services statistical neighbour lists as ' +
    'LAIT holds them: ' + source('sn_april_2021.xlsx') + '; and sn_may_2025.xlsx of the same commit. ' +
    'list: the file; effective_from: the first day of the month its name gives (April 2021, May 2025: the ' +
    'files carry no other date); a list applies until the next one starts. rank 1 is the closest; closeness ' +
    'is DfE\'s word (SNP column). Lists keep LAs since replaced (835, 928, 909), as DfE gives them; a code the ' +
    'file lists with no neighbours (\'-\', an LA not yet formed) has no rows for that list. Written by ' +
    'scripts/lait-extract.');
  t += csvLine(['la', 'list', 'effective_from', 'rank', 'neighbour', 'closeness']);
  const skipped = [];
  for (const [f, from] of lists) {
    const sheet = (await readXlsxFile(path.join(inDir, f)))[0].data;
    const hi = sheet.findIndex((r) => r[0] === 'LA num');
    if (hi < 0) fail(`${f}: no header row`);
    const h = sheet[hi];
    const out = [];
    for (const r of sheet.slice(hi + 1)) {
      if (r[0] === null || r[0] === '') continue;
      const la = Number(r[0]);
      if (!areas.has(la) || areas.get(la).type !== 'la') fail(`${f}: ${r[0]} is not an LA code`);
      // A code with no list yet (942 and 943 in the 2021 file) has '-' for every neighbour.
      if ([1, 2, 3, 4, 5, 6, 7, 8, 9, 10].every((k) => r[h.indexOf(`SN${k}`)] === '-')) { skipped.push(`${la} (${f})`); continue; }
      for (let k = 1; k <= 10; k++) {
        const ci = h.indexOf(`SN${k}`);
        const n = Number(r[ci]);
        if (ci < 0 || !areas.has(n) || areas.get(n).type !== 'la' || n === la) fail(`${f}: ${la} SN${k} '${r[ci]}'`);
        out.push([la, k, n, String(r[ci + 1] ?? '').trim()]);
      }
    }
    out.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    for (const [la, k, n, close] of out) t += csvLine([la, f.replace(/\.xlsx$/, ''), from, k, n, close]);
  }
  write('lait_neighbours.csv', t);
  console.error(`lait-extract: no neighbours listed (all '-') for ${skipped.join(', ')}`);
}

if (dumpFile) fs.writeFileSync(dumpFile, 'lait_measure\tlait_year\tarea_code\tarea_name\tvalue\n' + dump.sort().join('\n') + '\n');
console.error(`lait-extract: ${values.length} values (${dropped} rows of codes that were not LAs that year left out)`);
for (const w of written) console.error('lait-extract: ' + w);
