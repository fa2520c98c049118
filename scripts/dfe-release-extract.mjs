// Run by scripts/dfe-release-extract (no npm packages: Node's own modules only):
//   node dfe-release-extract.mjs IN_DIR OUT_DIR LAIT_VALUES_CSV LAIT_LAS_CSV
// Reads DfE's statistical-release files (copied into IN_DIR by the bash script, one file
// per name below) and writes OUT_DIR/dfe_values.csv and OUT_DIR/populations.csv.
// Deterministic: no clock, no locale, rows ordered by their key.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const [inDir, outDir, laitValuesPath, laitLasPath] = process.argv.slice(2);

// The two repositories and the commits read (docs/BENCHMARKING.md, "The release layer").
const CSC = {
  repo: 'dfe-analytical-services/CSC_outcomes_and_enablers',
  commit: '2f5d11a431050523dab58810083259d3313029ae',
};
const IPSE = {
  repo: 'cjrwebb/ipse-data-tidying-repo',
  commit: 'f2e451638fdf4c542d6b281295f128beb40b950b',
};
// Every file read: its local name, repository, path at the commit, and git blob id. A file
// whose blob differs is refused, so the header comments naming the commits stay true.
export const FILES = [
  ['b1_children_in_need_2013_to_2025.csv', CSC, 'data-raw/b1_children_in_need_2013_to_2025.csv',
    'b8157529ad7c966c87e9207beb5b7eb1b0b11670'],
  ['c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv', CSC,
    'data-raw/c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv',
    'a59eb0be73fb624c5bf300b91d708e281c100411'],
  ['d3_cpps_subsequent_plan_2013_to_2025.csv', CSC, 'data-raw/d3_cpps_subsequent_plan_2013_to_2025.csv',
    'd0d52f07e47ef738bb55d49fb095e77df2f06655'],
  ['d5_cpps_at31march_by_duration_2013_to_2025.csv', CSC, 'data-raw/d5_cpps_at31march_by_duration_2013_to_2025.csv',
    'eec30b62373e5ae2d3e6339178a4df918fc67296'],
  ['ons_mid-year_population_estimates_2012_to_2024.csv', CSC,
    'data-raw/ons_mid-year_population_estimates_2012_to_2024.csv', 'a257cbd389585ffc68710e5156876bec40496e5a'],
  ['c2_children_in_need_assessments_duration_2014_to_2022.csv', IPSE,
    'data/cin-census/2021-22/data/c2_children_in_need_assessments_duration_2014_to_2022.csv',
    'e7000bcdfa0a2f51629968ab52d96eac0586d12c'],
  ['c4_children_in_need_section_47s_and_icpcs_2013_to_2022.csv', IPSE,
    'data/cin-census/2021-22/data/c4_children_in_need_section_47s_and_icpcs_2013_to_2022.csv',
    '4a35085ece87e97006cf780f17b5c8d288f0ef24'],
  ['osr28-2010ud.csv', IPSE, 'data/cin-census/2009-10/osr28-2010udv4/osr28-2010ud.csv',
    '25feffb20e2622c201798b946898527d570e0a89'],
  ['osr26-2011ud.csv', IPSE, 'data/cin-census/2010-11/osr26-2011ud.csv', '3ccc1e97e728e6a4238f7f315461654cebb90e97'],
  ['SFR27-2012ud.csv', IPSE, 'data/cin-census/2011-12/sfr27-2012udv3/SFR27-2012ud.csv',
    '8338ea0de4e9a52279b7f6914b6fb7466bb34a41'],
  ['SFR45-2013ud.csv', IPSE, 'data/cin-census/2012-13/SFR45-2013UD/SFR45-2013ud.csv',
    '11d5438c225df5864d844a235dedcec73dc55269'],
  ['SFR43-2014.csv', IPSE, 'data/cin-census/2013-14/SFR43-2014/SFR43-2014.csv',
    'c8e59ac2ed37a7f707e087efb1f74ffa4f0b2e02'],
  ['SFR41-2015_Underlying_data.csv', IPSE, 'data/cin-census/2014-15/SFR41-2015_UD/SFR41-2015_Underlying_data.csv',
    '59ad132f494aea0e5ab22d0953a4f3793211e8b5'],
  // Children looked after: the underlying data of the releases for the years ending 31
  // March 2011 to 2017 (CLA: at 31 March; ADM: started; CEA: ceased; ADP: adopted), and
  // the 2022 release's EES file of children who started to be looked after.
  ['SFR21_CLA.csv', IPSE, 'data/ssda903-cla/underlying_20data_20sfr212011/SFR21_CLA.csv',
    '3a84fcfab4199a306bfe0ba877998ed5f715b6f3'],
  ['SFE21_ADM.csv', IPSE, 'data/ssda903-cla/underlying_20data_20sfr212011/SFE21_ADM.csv',
    '52fca8aded44c7ae4591e0cffb577cf4cb60d9de'],
  ['SFR21_CEA.csv', IPSE, 'data/ssda903-cla/underlying_20data_20sfr212011/SFR21_CEA.csv',
    'fd3d1f1d127faae0e8d218cc6e707b158c5123fa'],
  ['SFR21_ADP.csv', IPSE, 'data/ssda903-cla/underlying_20data_20sfr212011/SFR21_ADP.csv',
    'f673a84e388c0fa78d36bf254515cbc96edeee8d'],
  ['SFR20_CLA2012.csv', IPSE, 'data/ssda903-cla/CLA-2012/SFR20_CLA2012.csv', '53cd95bd1f39be7763e87318b9fa659e5a0d53a6'],
  ['SFR20_ADM2012.csv', IPSE, 'data/ssda903-cla/CLA-2012/SFR20_ADM2012.csv', '2a486fdce68cc30d558ccd51fbaabf72bed16a96'],
  ['SFR_CEA2012.csv', IPSE, 'data/ssda903-cla/CLA-2012/SFR_CEA2012.csv', '5ece5651712084b6817a3a8c619bd59e914629d0'],
  ['SFR20_ADP2012.csv', IPSE, 'data/ssda903-cla/CLA-2012/SFR20_ADP2012.csv', '788ce8766699831e9c54cf9e60b1e708ccc91445'],
  ['SFR36_CLA2013.csv', IPSE, 'data/ssda903-cla/SFR36_UnderlyingData/SFR36_CLA2013.csv',
    '16a9950877d5d88bf013e6c6a3b4834b0ec70467'],
  ['SFR36_ADM2013.csv', IPSE, 'data/ssda903-cla/SFR36_UnderlyingData/SFR36_ADM2013.csv',
    '97c4ef27e7a4dd9396e0ba8bc49844e442772897'],
  ['SFR36_CEA2013.csv', IPSE, 'data/ssda903-cla/SFR36_UnderlyingData/SFR36_CEA2013.csv',
    'e8aa7a07a03120b9458e6d9355d972796bff3a84'],
  ['SFR36_ADP2013.csv', IPSE, 'data/ssda903-cla/SFR36_UnderlyingData/SFR36_ADP2013.csv',
    '28fb81db981210458d4661ef3c49828434b5d884'],
  ['SFR36_CLA2014.csv', IPSE, 'data/ssda903-cla/UD_SFR36_2014/SFR36_CLA2014.csv', '3e0a994d534200eba9f12fbc962d184c01f5d195'],
  ['SFR36_ADM2014.csv', IPSE, 'data/ssda903-cla/UD_SFR36_2014/SFR36_ADM2014.csv', 'e7f694bf3907167003a697197e5fd3113abe1003'],
  ['SFR36_CEA2014.csv', IPSE, 'data/ssda903-cla/UD_SFR36_2014/SFR36_CEA2014.csv', 'f7ded60356de65d9999480dfc2c6c0050c884292'],
  ['SFR36_ADP2014.csv', IPSE, 'data/ssda903-cla/UD_SFR36_2014/SFR36_ADP2014.csv', '00b2402148681c6ee913d6fd0ccc330185043e5d'],
  ['SFR34_CLA2015.csv', IPSE, 'data/ssda903-cla/SFR34_2015_UnderlyingData/SFR34_CLA2015.csv',
    '0fb5e1dc3c113a30a9439e5b472138d39c3e949b'],
  ['SFR34_ADM2015.csv', IPSE, 'data/ssda903-cla/SFR34_2015_UnderlyingData/SFR34_ADM2015.csv',
    '18b58d17d6f7664d065b4fe74ad3381aae21fdf7'],
  ['SFR34_CEA2015.csv', IPSE, 'data/ssda903-cla/SFR34_2015_UnderlyingData/SFR34_CEA2015.csv',
    'e4a6eaad26cdec93af295bd181d129783988637d'],
  ['SFR34_ADP2015.csv', IPSE, 'data/ssda903-cla/SFR34_2015_UnderlyingData/SFR34_ADP2015.csv',
    '5f5f0b7293fe35f8bf71a2540e58d8793d40a057'],
  ['SFR41_ADM2016.csv', IPSE, 'data/ssda903-cla/SFR41_2016_UD/SFR41_ADM2016.csv', 'f6faee4ebbc2150a4295d69494dc1bc3757aafcc'],
  ['SFR50_ADM2017.csv', IPSE, 'data/ssda903-cla/SFR50_2017_UnderlyingData/SFR50_ADM2017.csv',
    '5f70c1ca9cca889962f3e967de42cec7ee7b9261'],
  ['la_cla_who_started_to_be_looked_after.csv', IPSE,
    'data/ssda903-cla/children-looked-after-in-england-including-adoptions_2022/data/la_cla_who_started_to_be_looked_after.csv',
    'b2edc964ee99623808442dac881838bf30c0070d'],
];

function fail(msg) {
  console.error('dfe-release-extract: ' + msg);
  process.exit(1);
}

// Only run the extraction when executed (the bash script imports FILES to list them).
if (!inDir) {
  for (const [name, src, p] of FILES) console.log(`${name}\t${src.commit}\t${p}`);
  process.exit(0);
}

for (const [name, , , blob] of FILES) {
  const data = fs.readFileSync(path.join(inDir, name));
  const id = crypto.createHash('sha1').update(`blob ${data.length}\0`).update(data).digest('hex');
  if (id !== blob) fail(`${name} is not the pinned file (blob ${id}, expected ${blob})`);
}

// RFC 4180 CSV: quoted fields may hold commas, doubled quotes and newlines. The old
// underlying-data files are Windows-1252; their numbers and codes are ASCII, and names are
// taken from the UTF-8 EES files only, so reading as latin1 loses nothing used.
function parseCsv(text) {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.startsWith('\u00ef\u00bb\u00bf')) text = text.slice(3);
  const rows = [];
  let row = [], field = '', i = 0, quoted = false;
  while (i < text.length) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') { field += '"'; i += 2; continue; }
        quoted = false; i++; continue;
      }
      field += ch; i++; continue;
    }
    if (ch === '"') { quoted = true; i++; continue; }
    if (ch === ',') { row.push(field); field = ''; i++; continue; }
    if (ch === '\r') { i++; continue; }
    if (ch === '\n') { row.push(field); rows.push(row); row = []; field = ''; i++; continue; }
    field += ch; i++;
  }
  if (field !== '' || row.length) { row.push(field); rows.push(row); }
  const header = rows.shift().map((h) => h.trim());
  return rows.filter((r) => r.some((f) => f !== '')).map((r, n) => {
    const o = { __line: n + 2 };
    header.forEach((h, k) => { o[h] = (r[k] ?? '').trim(); });
    return o;
  });
}

function read(name, encoding = 'utf8') {
  return parseCsv(fs.readFileSync(path.join(inDir, name), encoding));
}

// DfE's marks for a figure not published: c (suppressed), x (not available / withheld),
// z (not applicable), low (a count too small to show), u (low reliability), and in the
// older underlying data ".." (suppressed) and ":" or "-" (not available). All become "-":
// never a number, never 0.
const NOT_PUBLISHED = new Set(['c', 'x', 'z', 'low', 'u', '..', '.', ':', '-', 'k']);

// A published value: its shortest number text ("694,000" is 694000; "348.0" is 348), or
// "-". Anything else stops the script, naming the file, line and column.
function valueOf(text, file, line, column) {
  const t = text.trim();
  if (NOT_PUBLISHED.has(t.toLowerCase())) return '-';
  const plain = t.replace(/,/g, '');
  if (!/^-?\d+(\.\d+)?$/.test(plain)) fail(`${file} line ${line}, column ${column}: '${text}' is neither a number nor a mark DfE uses`);
  return String(Number(plain));
}

// ---------------------------------------------------------------------------------------
// Areas: lait_las.csv is the one list of DfE LA codes and their existence dates.
const las = new Map(); // code -> {type, from, to}
{
  const lines = fs.readFileSync(laitLasPath, 'utf8').split('\n').filter((l) => l && !l.startsWith('#'));
  const rows = parseCsv(lines.join('\n') + '\n');
  for (const r of rows) las.set(r.area_code, { type: r.area_type, from: r.exists_from, to: r.exists_to });
}
// Was the code an LA for the whole financial year starting in April of fy?
function laExists(code, fy) {
  const a = las.get(code);
  if (!a || a.type !== 'la') return false;
  if (a.from && a.from > `${fy}-04-01`) return false;
  if (a.to && a.to < `${fy + 1}-03-31`) return false;
  return true;
}
// ONS region codes in DfE's EES files -> DfE's region codes as LAIT gives them.
const REGION = {
  E12000001: '980', E12000002: '981', E12000003: '982', E12000004: '983', E12000005: '984',
  E12000006: '985', E12000007: '986', E13000001: '987', E13000002: '988', E12000008: '989', E12000009: '990',
};
const AREA_ORDER = { england: 0, region: 1, la: 2 };

// ---------------------------------------------------------------------------------------
// The release layer. Each rule reads one indicator from one file; for an (indicator,
// financial year) the first rule below that has the year supplies every area of it, so a
// year never mixes two releases. EES files (tidy, one row per area and year, with regions)
// come first; the older underlying data (England and LAs only, as first published) fill
// the years before them. `fy` is carestat's financial year start: time_period 2013 (the
// year ending 31 March 2013) is 2012-13.
// EES rules: [indicator, file, column]. Underlying-data rules: [indicator, file, fy, column].
const EES_RULES = [
  ['referrals', 'c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv', 'referral_count'],
  ['rereferral_12m_pct', 'c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv', 'rereferral_percent'],
  ['referral_nfa_pct', 'c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv', 'no_further_action_percent'],
  ['cin_open_year_end', 'b1_children_in_need_2013_to_2025.csv', 'At31_episodes'],
  ['assessments_completed', 'c2_children_in_need_assessments_duration_2014_to_2022.csv', 'Assessments_completed'],
  ['s47_enquiries', 'c4_children_in_need_section_47s_and_icpcs_2013_to_2022.csv', 'Section47'],
  ['s47_rate', 'c4_children_in_need_section_47s_and_icpcs_2013_to_2022.csv', 'Section47_rate'],
  ['cpp_year_end', 'd5_cpps_at31march_by_duration_2013_to_2025.csv', 'CPP_At31'],
  ['cpp_repeat_pct', 'd3_cpps_subsequent_plan_2013_to_2025.csv', 'CPP_subsequent_percent'],
];
const UD = {
  2009: 'osr28-2010ud.csv', 2010: 'osr26-2011ud.csv', 2011: 'SFR27-2012ud.csv',
  2012: 'SFR45-2013ud.csv', 2013: 'SFR43-2014.csv', 2014: 'SFR41-2015_Underlying_data.csv',
};
// Per indicator, the column of each year's underlying data (metadata documents beside each
// file give their meanings; where a year has no column DfE did not publish the measure).
const UD_RULES = {
  referrals: { 2009: 'Referrals0910', 2010: 'Referrals1011', 2011: 'Referrals1112', 2012: 'Referrals1213',
    2013: 'Referrals1314', 2014: 'Referrals1415' },
  referral_rate: { 2009: 'Referrals0910Rate', 2010: 'Referrals1011Rate', 2011: 'Referrals1112Rate',
    2012: 'Referrals1213Rate', 2013: 'Referrals1314Rate', 2014: 'Referrals1415Rate' },
  rereferral_12m_pct: { 2010: '%ReferralsWithin12mths1011', 2011: '%ReferralsWithin12mths1112',
    2012: '%ReferralsWithin12mths1213', 2013: '%ReferralsWithin12mths1314', 2014: '%ReferralsWithin12mths1415' },
  referral_nfa_pct: { 2011: '%ReferralsNFA1112', 2012: '%ReferralsNFA1213', 2013: '%ReferralsNFA1314',
    2014: '%ReferralsNFA1415' },
  cin_open_year_end: { 2009: 'CINAt310310', 2010: 'CINAt310311', 2011: 'CINAt310312', 2012: 'CINAt310313',
    2013: 'CINAt310314', 2014: 'CINAt310315' },
  // 2014-15's file names the column CINAt310314RatePer10K; its metadata: "Rate per 10,000
  // Children in Need at end of year" (31 March 2015).
  cin_rate: { 2009: 'CINRatePer10K', 2010: 'CINRatePer10K', 2011: 'CINAt310312RatePer10k',
    2012: 'CINAt310313RatePer10k', 2013: 'CINAt310314RatePer10K', 2014: 'CINAt310314RatePer10K' },
  cpp_year_end: { 2009: 'CPPAt310310', 2010: 'CPPAt310311', 2011: 'CPPAt310312', 2012: 'CPPAt310313',
    2013: 'CPPAt310314', 2014: 'CPPAt310315' },
  cpp_rate: { 2009: 'CPPAt310310RatePer10k', 2010: 'CPPAt310311RatePer10k', 2011: 'CPPAt310312Rate',
    2012: 'CPPAt310313Rate', 2013: 'CPPAt310314Rate', 2014: 'CPPAt310315Rate' },
  cpp_started: { 2009: 'CPPIn0910', 2010: 'CPPIn1011', 2011: 'CPPStart1112', 2012: 'CPPStart1213',
    2013: 'CPPStart1314', 2014: 'CPPStart1415' },
  cpp_repeat_pct: { 2009: '%CPPin0910SecondTime', 2010: '%CPPin1011SecondTime', 2011: '%CPPStart1112SecondTime',
    2012: '%CPPStart1213SecondTime', 2013: 'CPPStart1314SecondTime_A', 2014: '%CPPStart1415SecondTime' },
  cpp_ceased_2y_plus_pct: { 2009: '%CPPCeased0910Duration2+yrs', 2010: '%CPPCeased1011Duration2+yrs',
    2011: '%CPPCeased1112Duration2+yrs', 2012: '%CPPCeased1213Duration2+yrs', 2013: '%CPPCeased1314Duration2+yrs',
    2014: '%CPPCeased1415Duration2+yrs' },
};
// Output order of indicators: as lait_mapping.csv (the catalogue's order).
const INDICATOR_ORDER = ['referrals', 'referral_rate', 'rereferral_12m_pct', 'referral_nfa_pct', 'cin_open_year_end',
  'cin_rate', 'assessments_completed', 's47_enquiries', 's47_rate', 'cpp_year_end', 'cpp_rate', 'cpp_started',
  'cpp_repeat_pct', 'cpp_ceased_2y_plus_pct', 'lac_year_end', 'lac_started', 'lac_ceased',
  'lac_police_protection_started', 'lac_police_protection_pct', 'adoptions'];

// What LAIT holds: (indicator, area, fy) keys of lait_values.csv. LAIT wins: such a key is
// never shipped here, so Lait's merged view has one value per key.
const lait = new Set();
{
  const lines = fs.readFileSync(laitValuesPath, 'utf8').split('\n').filter((l) => l && !l.startsWith('#'));
  for (const r of parseCsv(lines.join('\n') + '\n')) {
    lait.add(`${r.indicator}|${r.area_code}|${Number(r.period.slice(0, 4))}`);
  }
}

const cache = new Map();
function rows(name) {
  // EES files are UTF-8; the older underlying data are read as latin1 (see parseCsv).
  const ees = /^([a-d][0-9]_|ons_|la_)/.test(name);
  if (!cache.has(name)) cache.set(name, read(name, ees ? 'utf8' : 'latin1'));
  return cache.get(name);
}

const counts = { lait: 0, notLa: 0, unknown: new Map() };
const out = new Map(); // key indicator|code|fy -> row
const claimed = new Set(); // indicator|fy taken by an earlier rule
function emit(indicator, type, code, fy, value, source, measure, file, line) {
  if (type === 'la') {
    if (!las.has(code)) {
      counts.unknown.set(code, (counts.unknown.get(code) || 0) + 1);
      return;
    }
    if (!laExists(code, fy)) {
      // DfE's files mark such rows z (not applicable); a number here would be named.
      if (value !== '-') console.log(`  left out: ${file} line ${line}: ${code} has ${value} in ${fy}, when it was not an LA`);
      counts.notLa++;
      return;
    }
  }
  const key = `${indicator}|${code}|${fy}`;
  if (lait.has(key)) { counts.lait++; return; }
  if (out.has(key)) fail(`${file} line ${line}: a second ${indicator} value for ${code} in ${fy}`);
  out.set(key, { indicator, type, code, fy, value, source, measure });
}

function area(r) {
  if (r.geographic_level === 'National') return ['england', '970'];
  if (r.geographic_level === 'Regional') {
    const code = REGION[r.region_code];
    if (!code) fail(`region ${r.region_code} (${r.region_name}) is not one of DfE's regions`);
    return ['region', code];
  }
  if (r.geographic_level === 'Local authority') return ['la', r.old_la_code];
  return [null, null];
}

for (const [indicator, file, column] of EES_RULES) {
  const years = new Set();
  const data = rows(file);
  if (!(column in data[0])) fail(`${file} has no column ${column}`);
  for (const r of data) years.add(Number(r.time_period) - 1);
  for (const fy of years) {
    if (claimed.has(`${indicator}|${fy}`)) continue;
    for (const r of data) {
      if (Number(r.time_period) - 1 !== fy) continue;
      const [type, code] = area(r);
      if (!type) continue;
      emit(indicator, type, code, fy, valueOf(r[column], file, r.__line, column), file, column, file, r.__line);
    }
  }
  for (const fy of years) claimed.add(`${indicator}|${fy}`);
}
for (const [indicator, byYear] of Object.entries(UD_RULES)) {
  for (const [fyText, column] of Object.entries(byYear)) {
    const fy = Number(fyText);
    if (claimed.has(`${indicator}|${fy}`)) continue;
    const file = UD[fy];
    const data = rows(file);
    if (!(column in data[0])) fail(`${file} has no column ${column}`);
    for (const r of data) {
      const type = r.geog_l === 'National' ? 'england' : r.geog_l === 'LA' ? 'la' : null;
      if (!type) fail(`${file} line ${r.__line}: geog_l '${r.geog_l}' is neither National nor LA`);
      const code = type === 'england' ? '970' : r.geog_c;
      emit(indicator, type, code, fy, valueOf(r[column], file, r.__line, column), file, column, file, r.__line);
    }
    claimed.add(`${indicator}|${fy}`);
  }
}

// Children looked after. The underlying data of the releases for the years ending 31
// March 2011 to 2017 hold England (geog_c 999), the regions (geog_c A to K) and LAs (151:
// the Isles of Scilly are not in them), as counts: at 31 March (CLA_MarYYYY), started
// (CLA_startedYYYY; the 2015 file heads it CLA_started2014, its metadata "year ending 31
// March 2015"), started under police protection (SCLA_UPP), ceased (CLA_cease) and
// adopted (ADP's CLA_ceaAdop: both adoption reasons together). [indicator, fy, file, column]
const CLA_REGION = { A: '980', B: '981', C: '982', D: '983', E: '984', F: '985', G: '986', H: '987', I: '988',
  J: '989', K: '990' };
const CLA_UD_RULES = [];
for (const [fy, cla, adm, cea, adp, started] of [
  [2010, 'SFR21_CLA.csv', 'SFE21_ADM.csv', 'SFR21_CEA.csv', 'SFR21_ADP.csv', 'CLA_started2011'],
  [2011, 'SFR20_CLA2012.csv', 'SFR20_ADM2012.csv', 'SFR_CEA2012.csv', 'SFR20_ADP2012.csv', 'CLA_started2012'],
  [2012, 'SFR36_CLA2013.csv', 'SFR36_ADM2013.csv', 'SFR36_CEA2013.csv', 'SFR36_ADP2013.csv', 'CLA_started2013'],
  [2013, 'SFR36_CLA2014.csv', 'SFR36_ADM2014.csv', 'SFR36_CEA2014.csv', 'SFR36_ADP2014.csv', 'CLA_started2014'],
  [2014, 'SFR34_CLA2015.csv', 'SFR34_ADM2015.csv', 'SFR34_CEA2015.csv', 'SFR34_ADP2015.csv', 'CLA_started2014'],
]) {
  CLA_UD_RULES.push(['lac_year_end', fy, cla, `CLA_Mar${fy + 1}`], ['lac_started', fy, adm, started],
    ['lac_ceased', fy, cea, 'CLA_cease'], ['adoptions', fy, adp, 'CLA_ceaAdop'],
    ['lac_police_protection_started', fy, adm, 'SCLA_UPP']);
}
CLA_UD_RULES.push(['lac_police_protection_started', 2015, 'SFR41_ADM2016.csv', 'SCLA_UPP'],
  ['lac_police_protection_started', 2016, 'SFR50_ADM2017.csv', 'SCLA_UPP']);
// The 2022 release's EES file (years ending 31 March 2018 to 2022): legal status
// "Police protection in LA accommodation" among children who started, its number and its
// percentage of all who started (DfE rounds the percentage to a whole number). It comes
// first for its years: a later release.
{
  const file = 'la_cla_who_started_to_be_looked_after.csv';
  const data = rows(file);
  const years = new Set();
  for (const r of data) {
    if (r.cla_group !== 'Legal status' || r.characteristic !== 'Police protection in LA accommodation') continue;
    const fy = Number(r.time_period) - 1;
    years.add(fy);
    const [type, code] = area(r);
    if (!type) continue;
    const measure = 'characteristic=Police protection in LA accommodation';
    emit('lac_police_protection_started', type, code, fy, valueOf(r.number, file, r.__line, 'number'), file,
      `number, ${measure}`, file, r.__line);
    emit('lac_police_protection_pct', type, code, fy, valueOf(r.percentage, file, r.__line, 'percentage'), file,
      `percentage, ${measure}`, file, r.__line);
  }
  for (const fy of years) {
    claimed.add(`lac_police_protection_started|${fy}`);
    claimed.add(`lac_police_protection_pct|${fy}`);
  }
}
for (const [indicator, fy, file, column] of CLA_UD_RULES) {
  if (claimed.has(`${indicator}|${fy}`)) continue;
  const data = rows(file);
  if (!(column in data[0])) fail(`${file} has no column ${column}`);
  for (const r of data) {
    let type, code;
    if (r.geog_l === 'NATIONAL') [type, code] = ['england', '970'];
    else if (r.geog_l === 'REGION') [type, code] = ['region', CLA_REGION[r.geog_c]];
    else if (r.geog_l === 'LA') [type, code] = ['la', r.geog_c];
    else fail(`${file} line ${r.__line}: geog_l '${r.geog_l}' is not NATIONAL, REGION or LA`);
    if (!code) fail(`${file} line ${r.__line}: region '${r.geog_c}' is not one of A to K`);
    emit(indicator, type, code, fy, valueOf(r[column], file, r.__line, column), file, column, file, r.__line);
  }
  claimed.add(`${indicator}|${fy}`);
}

const period = (fy) => `${fy}-${String((fy + 1) % 100).padStart(2, '0')}`;
const csvField = (s) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
const sorted = [...out.values()].sort((a, b) =>
  INDICATOR_ORDER.indexOf(a.indicator) - INDICATOR_ORDER.indexOf(b.indicator) || a.fy - b.fy ||
  AREA_ORDER[a.type] - AREA_ORDER[b.type] || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
for (const r of sorted) if (INDICATOR_ORDER.indexOf(r.indicator) < 0) fail(`no output order for ${r.indicator}`);

const VALUES_HEADER = `# DfE's published figures from its statistical releases (the "release layer"), for what
# LAIT (lait_values.csv) does not hold: the years before LAIT's first (2009-10 to 2014-15)
# of indicators lait_mapping.csv marks mapped, and every year of the indicators it marks
# "DfE release". Every LA, region and England row the files hold. Read by
# scripts/dfe-release-extract from
#   github ${CSC.repo}, commit ${CSC.commit.slice(0, 7)}, data-raw/: DfE's EES
#     files b1 (children in need at 31 March), c1 (referrals), d3 (second or subsequent
#     plans) and d5 (plans at 31 March), 2012-13 to 2024-25;
#   github ${IPSE.repo}, commit ${IPSE.commit.slice(0, 7)}, data/cin-census/: DfE's
#     children in need releases, the 2021-22 EES files c2 (assessments) and c4 (section 47
#     enquiries), 2012-13 to 2021-22, and the underlying data of the 2009-10 to 2014-15
#     releases (osr28-2010ud, osr26-2011ud, SFR27-2012ud, SFR45-2013ud, SFR43-2014,
#     SFR41-2015), England and LAs only; data/ssda903-cla/: DfE's children looked after
#     releases, the underlying data for the years ending 31 March 2011 to 2017 (SFR21
#     2011, SFR20 2012, SFR36 2013 and 2014, SFR34 2015, SFR41 2016, SFR50 2017: files
#     _CLA at 31 March, _ADM started, _CEA ceased, _ADP adopted) and the 2022 release's
#     la_cla_who_started_to_be_looked_after.csv (2017-18 to 2021-22).
# Department for Education, Open Government Licence v3.0. source: the DfE file; measure:
# its column. For an indicator and year one file supplies every area: an EES file where one
# has the year, else that year's underlying data (as first published). A key LAIT holds is
# not shipped: LAIT wins. value: as published, a number in its shortest form ("694,000" is
# 694000), or "-" for DfE's marks of a figure not published (c, x, z, u, low, .., :): never a
# number, never 0. area_type and area_code as lait_values.csv (DfE LA codes; regions 980 to
# 990; England 970); an LA code in a year it was not an LA (lait_las.csv) has no row.
indicator,area_type,area_code,period,value,source,measure
`;
let text = VALUES_HEADER;
for (const r of sorted) {
  text += [r.indicator, r.type, r.code, period(r.fy), r.value, csvField(r.source), csvField(r.measure)].join(',') + '\n';
}
fs.writeFileSync(path.join(outDir, 'dfe_values.csv'), text);

// ---------------------------------------------------------------------------------------
// Populations: ONS mid-year estimates of children aged 0 to 17, every LA, region and
// England, mid-2009 to mid-2024.
let popsLeftOut = 0;
const pops = new Map(); // entity|year -> {value, source}
const onsFile = 'ons_mid-year_population_estimates_2012_to_2024.csv';
const onsName = new Map(); // DfE LA code -> [name, ONS code] of its earliest row (for the older files)
for (const r of rows(onsFile)) {
  if (r.age_group !== 'Children aged 0 to 17 years') fail(`${onsFile} line ${r.__line}: age group '${r.age_group}'`);
  const year = Number(r.time_period);
  const value = valueOf(r.population_estimate, onsFile, r.__line, 'population_estimate');
  if (r.geographic_level === 'Local authority' &&
      (!onsName.has(r.old_la_code) || onsName.get(r.old_la_code)[2] > year)) {
    onsName.set(r.old_la_code, [r.la_name, r.new_la_code, year]);
  }
  // DfE marks 835, 836 and 837 (Dorset, Poole, Bournemouth before 2019) "x" in every year.
  if (value === '-') { popsLeftOut++; continue; }
  // The source names the repository, except in the fifteen rows carestat shipped first
  // (England, London and LA 301, mid-2012 to mid-2016), whose text is kept as it was.
  const first = year <= 2016 && (r.geographic_level === 'National' || r.region_code === 'E12000007' &&
    r.geographic_level === 'Regional' || r.old_la_code === '301');
  const src = (name, code) =>
    `ONS MYE via DfE ${onsFile}${first ? '' : ` (${CSC.repo} data-raw/)`}, ${name} ${code}`;
  if (r.geographic_level === 'National') {
    pops.set(`ENG|${year}`, { value, source: src('England', r.country_code) });
  } else if (r.geographic_level === 'Regional') {
    const code = REGION[r.region_code];
    if (!code) fail(`${onsFile} line ${r.__line}: region ${r.region_code}`);
    pops.set(`${code}|${year}`, { value, source: src(r.region_name, r.region_code) });
    if (code === '986') pops.set(`LON|${year}`, { value, source: src(r.region_name, r.region_code) });
  } else if (r.geographic_level === 'Local authority') {
    if (!las.has(r.old_la_code)) { counts.unknown.set(r.old_la_code, (counts.unknown.get(r.old_la_code) || 0) + 1); continue; }
    pops.set(`${r.old_la_code}|${year}`, { value, source: src(r.la_name, r.new_la_code) });
  }
}
// mid-2009 to mid-2011: the denominators DfE published in its children in need underlying
// data (England and LAs; no region rows in those files).
const OLD_POPS = [
  [2009, 'osr28-2010ud.csv', 'Mid2009Pop0-17',
    'DfE OSR28/2010 Children in need 2009-10 (final) underlying data osr28-2010ud.csv, column Mid2009Pop0-17 (ONS mid-2009, pre-2011-Census vintage, rounded to 100)',
    'data/cin-census/2009-10/osr28-2010udv4/'],
  [2010, 'osr26-2011ud.csv', 'Mid2010Pop0-17',
    'DfE OSR26/2011 Characteristics of children in need 2010-11 (final) underlying data osr26-2011ud.csv, column Mid2010Pop0-17 (ONS mid-2010, pre-2011-Census vintage, given unrounded)',
    'data/cin-census/2010-11/'],
  [2011, 'SFR27-2012ud.csv', 'Mid2011Pop0-17',
    'DfE SFR27/2012 Characteristics of children in need 2011-12 underlying data SFR27-2012ud.csv, column Mid2011Pop0-17 (ONS mid-2011, 2011-Census-based, rounded to 100)',
    'data/cin-census/2011-12/sfr27-2012udv3/'],
];
for (const [year, file, column, what, folder] of OLD_POPS) {
  for (const r of rows(file)) {
    const value = valueOf(r[column], file, r.__line, column);
    if (value === '-' || Number(value) <= 0) { popsLeftOut++; continue; }
    let entity, name, code;
    if (r.geog_l === 'National') [entity, name, code] = ['ENG', 'England', 'E92000001'];
    else {
      entity = r.geog_c;
      if (!las.has(entity)) { counts.unknown.set(entity, (counts.unknown.get(entity) || 0) + 1); continue; }
      if (!onsName.has(entity)) fail(`${file} line ${r.__line}: LA ${entity} has no row in ${onsFile}`);
      [name, code] = onsName.get(entity);  // the year is not used
    }
    pops.set(`${entity}|${year}`, { value, source: `${what}, ${name} ${code}; file ${folder} in ${IPSE.repo}` });
  }
}
const entityRank = (e) => (e === 'ENG' ? 0 : e === 'LON' ? 1 : Number(e) >= 970 ? 2 : 3);
const popKeys = [...pops.keys()].sort((a, b) => {
  const [ea, ya] = a.split('|'), [eb, yb] = b.split('|');
  return entityRank(ea) - entityRank(eb) || (ea < eb ? -1 : ea > eb ? 1 : 0) || Number(ya) - Number(yb);
});
const POP_HEADER = `# ONS mid-year population estimates of children aged 0 to 17: the denominators of
# every rate per 10,000 (INDICATORS.md: mid-year of the financial year's first
# calendar year, so mid-2015 for 2015-16). Every LA (DfE LA code), region and England,
# mid-2009 to mid-2024. Written by scripts/dfe-release-extract (docs/BENCHMARKING.md);
# Department for Education and Office for National Statistics, Open Government Licence v3.0.
# entity: ENG England; LON London (the name metrics' comparators use); regions by DfE's
# codes as lait_las.csv (980 North East to 990 South West; 986 London, the same figures
# as LON; 987 Inner and 988 Outer London); LAs by DfE LA code.
# Mid-2012 to mid-2024 rows: ONS mid-year population estimates (children aged 0 to 17
# years) as published by the Department for Education alongside its children's social care
# statistics: file ${onsFile} of DfE's
# "CSC outcomes and enablers" data (columns time_period, age_group, population_estimate;
# read from data-raw/ of the ${CSC.repo} repository, commit ${CSC.commit.slice(0, 7)}).
# ONS revised mid-2012 to mid-2021 in November 2023; these are the figures that file holds.
# DfE's children in need 2024 release (b1/c1 files, rates for 2012-13 to 2015-16) used these
# same figures: its published rates reproduce exactly from them.
# Mid-2009 to mid-2011 rows (England and LAs; no region rows: DfE's files below have
# none): the ONS 0-17 estimates DfE published in the underlying data of its
# children in need releases, as the denominators of that year's rates: OSR28/2010 (2009-10,
# file osr28-2010ud.csv, column Mid2009Pop0-17), OSR26/2011 (2010-11, osr26-2011ud.csv,
# column Mid2010Pop0-17) and SFR27/2012 (2011-12, SFR27-2012ud.csv, column Mid2011Pop0-17),
# read from data/cin-census/ of the ${IPSE.repo} repository (commit ${IPSE.commit.slice(0, 7)}).
# DfE's metadata: "Mid-20xx population estimates, rounded to the nearest 100. Source:
# Population Estimates Unit, ONS"; the mid-2009 and mid-2011 figures are so rounded, the
# mid-2010 figures are not. Vintage: mid-2009 and mid-2010 are ONS's estimates as published
# before the 2011 Census (2001-Census-based), NOT the March 2013 revision of 2002-2010, so
# they do not join the later rows smoothly (Newham: 66,345 at mid-2010, 78,100 at mid-2011).
# Mid-2011 is 2011-Census-based (DfE names no vintage; the Newham step shows it). They are
# the populations DfE published with its 2009-10 to 2011-12 rates; the rounded ones
# reproduce DfE's rates only approximately. The LA's name and ONS code in the source are
# those of its first row in ${onsFile}.
entity,mid_year,age_band,population,source
`;
let popText = POP_HEADER;
for (const k of popKeys) {
  const [e, y] = k.split('|');
  const p = pops.get(k);
  popText += [e, y, '0-17', p.value, csvField(p.source)].join(',') + '\n';
}
fs.writeFileSync(path.join(outDir, 'populations.csv'), popText);

console.log(`dfe-release-extract: ${sorted.length} release values, ${popKeys.length} population rows`);
console.log(`  left out: ${counts.lait} keys LAIT holds (LAIT wins), ${counts.notLa} rows of a code in a year it was not an LA, ${popsLeftOut} populations not published`);
for (const [code, n] of [...counts.unknown].sort()) console.log(`  left out: ${n} rows of code ${code}, not in lait_las.csv`);
