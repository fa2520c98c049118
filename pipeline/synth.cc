// The synthetic borough. One model of children and their histories is built in
// phases, each calibrating one family of figures while keeping those fixed before it:
//
//   looked after  periods of care (adoptions with their A1 days, care leavers, short
//                 breaks, then "filler" periods whose starts and ends make the year-end,
//                 start, cease and month-end counts exact), then their episode chains,
//                 placements, in-house foster care and the characteristics at 31 March;
//   protection    child protection plans, open, started and ceased per year, categories;
//   hosts         the CIN episode each period of care and each plan lives in, with its
//                 assessment and section 47 enquiry;
//   front door    contacts and the other referrals, chronologically, as before;
//   calibration   assessment timeliness, section 47 counts, then open CIN cases.
//
// Then each return is written as it would have been exported on its reference date.
// Every random choice goes through one PRNG in a fixed order, so a seed fixes the bytes.
// Annex A lists 2 to 10 are written from the same model; their own details come from a
// hash of the seed, so they leave the PRNG's order (and the other files) as they were.
//
// A national year (WriteSynthNational) builds each LA with the same steps at the LA's
// own volumes and PRNG (seeded by the seed and its code), without the calibration, on
// worker threads that each write whole LAs, so the bytes do not depend on scheduling.
#include "pipeline/synth.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <climits>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "pipeline/synth_las.h"
#include "services/common/dates.h"

namespace carestat {
namespace {

constexpr char kProfile[] = "barking-and-dagenham";
constexpr char kLaCode[] = "301";
constexpr char kContactsFile[] = "annex-a-list1-contacts.csv";
constexpr char kCensusFile[] = "cin-census.xml";
// Annex A lists 2 to 10, one CSV each (list 1 is kContactsFile).
constexpr std::pair<int, const char*> kAnnexAFiles[] = {
    {2, "annex-a-list2-early-help.csv"},       {3, "annex-a-list3-referrals.csv"},
    {4, "annex-a-list4-assessments.csv"},      {5, "annex-a-list5-section47.csv"},
    {6, "annex-a-list6-children-in-need.csv"}, {7, "annex-a-list7-child-protection.csv"},
    {8, "annex-a-list8-looked-after.csv"},     {9, "annex-a-list9-care-leavers.csv"},
    {10, "annex-a-list10-adoption.csv"},
};

constexpr int kFirstFy = 2010;  // 2010-11, collection year 2011
constexpr int kLastFy = 2015;   // 2015-16, collection year 2016
constexpr int kYears = kLastFy - kFirstFy + 1;
// A national year may also be asked for twelve years on (collection years 2023 to 2027,
// 2022-23 to 2026-27): the LA is simulated in the six years above and its returns are
// relabelled (ShiftDates), every date the same day twelve years later. Twelve is a
// multiple of four, so leap days stay leap days and ages, durations and the census
// year's 1 April to 31 March are exact; weekdays are not kept. What DfE changed in those
// years is written in that year's codes:
constexpr int kRelabelYears = 12;
constexpr int kLastRelabelledCy = 2027;  // 2026-27, the latest year of DfE's rules held
// CIN census: GenderCurrent 1/2 (and 0, 9) to 2023-24; Sex M/F (and U) from 2024-25.
// SSDA903 SEX: 1/2 to 2023-24; M/F (and U) from 2024-25 (rule 101).
constexpr int kSexLettersFromCy = 2025;
// SSDA903 PLACE: H5 and P2 are withdrawn from 2025-26 (rule 146); K3 (supported
// accommodation, valid from 2024-25) is written in their place.
constexpr int kNoH5P2FromCy = 2026;
constexpr int32_t kNever = 1 << 29;   // an end or closure beyond every reference date
constexpr int32_t kNone = INT32_MIN;  // a date that does not exist

// ---------------------------------------------------------------------------------------
// The profile: the seed's figures (001_093648989cbf36ab.txt, via reference/seed-figures.csv)
// and, for the years and figures the seed does not give, plausible values chosen to agree
// with them. Index 0 is 2010-11. -1: not calibrated.

constexpr int kContacts[kYears] = {9765, 8683, 8363, 8856, 8515, 11393};
constexpr int kReferrals[kYears] = {2704, 1812, 2586, 3126, 4084, 3255};
constexpr int kCinOpen[kYears] = {1545, 1714, 2161, 2184, 2326, 2064};

// Looked after. 31 March 2010, then each year end; children starting (RNE S), of whom on
// police protection; children who were looked after on 1 April, left, came back and left
// again within the year (the seed's 457 + 220 - 249 = 428 against its 418 needs ten).
constexpr int kLacInitial = 380;
constexpr int kLacYearEnd[kYears] = {390, 400, 420, 455, 457, 418};
constexpr int kLacStarted[kYears] = {220, 230, 245, 314, 283, 220};
constexpr int kLacPolice[kYears] = {90, 95, 103, 134, 69, 54};
constexpr int kLacTwice[kYears] = {0, 0, 0, 0, 0, 10};
// Month ends of 2015-16, April first: the highest ever, 476, in June 2015.
constexpr int kLacMonthEnds2015[12] = {464, 470, 476, 471, 466, 460, 454, 448, 441, 434, 426, 418};
constexpr int kLacPlacements[kYears] = {-1, -1, -1, -1, 320, 331};
constexpr int kLacInHouse[kYears] = {-1, -1, -1, -1, -1, 203};
constexpr int kLacFemalePct[kYears] = {-1, -1, -1, -1, -1, 49};
constexpr int kLacUnder10Pct[kYears] = {-1, -1, -1, -1, 41, 34};
constexpr int kLacWbriPct[kYears] = {-1, -1, -1, -1, 47, 50};

// Adoptions and the sum of their A1 days: 585 x 38 for 2012-13, 769 x 28 for 2015-16, and
// 2013-14 + 2014-15 = 34,706 so that 2012-15 averages 647 and 2013-16 721 (child-weighted).
constexpr int kAdoptions[kYears] = {24, 30, 38, 18, 32, 28};
constexpr int kA1Sum[kYears] = {14400, 18600, 22230, 11520, 23186, 21532};
constexpr int kShopa[kYears] = {-1, -1, -1, 46, 14, 30};

// Care leavers: children looked after on their 16th birthday, by financial year of birth
// from 1989-90. OC3 reports them in the years of their 17th to 21st birthdays, so
// 2014-15 counts births 1993-96 at 18+ (154) and 2015-16 births 1994-97 (176).
constexpr int kLeaverFirstBirthFy = 1989;
constexpr int kLeavers[] = {28, 30, 32, 34, 34, 36, 40, 44, 56, 60, 62};

constexpr int kCppInitial = 220;
constexpr int kCppYearEnd[kYears] = {240, 270, 300, 330, 353, 253};
constexpr int kCppStarted[kYears] = {320, 340, 380, 400, 430, 310};
constexpr int kCppEmoPct[kYears] = {-1, -1, -1, 69, 60, 50};

constexpr int kS47[kYears] = {-1, -1, -1, -1, 1234, 1184};
constexpr int kS47GenericPerMille[kYears] = {220, 220, 230, 230, 230, 320};
constexpr int kTimelyPct[kYears] = {-1, -1, -1, -1, 71, 76};

// CIN cases referred before April 2010 and still open then (no list 1 row exists for them).
constexpr int kLegacyGeneric = 900;
constexpr int kShortBreakChildren = 24;

struct LocalMeasure {
  int fy;
  const char* id;
  const char* value;
  const char* section;
};
constexpr LocalMeasure kLocalMeasures[] = {
    {2013, "cp_core_groups_held_pct", "34", "3.7"},
    {2014, "cp_visits_timely_pct", "95.5", "3.7"},
    {2014, "cp_core_groups_held_pct", "86", "3.7"},
    {2015, "agency_sw_rate_pct", "45", "3.14"},
    {2015, "cp_visits_timely_pct", "97", "3.7"},
    {2015, "cp_core_groups_held_pct", "84", "3.7"},
    {2015, "overspend_gbp", "5670000", "8.5"},
};

// England and Wales bank holidays 2009-2017 (GOV.UK), for working-day timeliness.
constexpr const char* kBankHolidays[] = {
    "2009-01-01", "2009-04-10", "2009-04-13", "2009-05-04", "2009-05-25", "2009-08-31", "2009-12-25",
    "2009-12-28", "2010-01-01", "2010-04-02", "2010-04-05", "2010-05-03", "2010-05-31", "2010-08-30",
    "2010-12-27", "2010-12-28", "2011-01-03", "2011-04-22", "2011-04-25", "2011-04-29", "2011-05-02",
    "2011-05-30", "2011-08-29", "2011-12-26", "2011-12-27", "2012-01-02", "2012-04-06", "2012-04-09",
    "2012-05-07", "2012-06-04", "2012-06-05", "2012-08-27", "2012-12-25", "2012-12-26", "2013-01-01",
    "2013-03-29", "2013-04-01", "2013-05-06", "2013-05-27", "2013-08-26", "2013-12-25", "2013-12-26",
    "2014-01-01", "2014-04-18", "2014-04-21", "2014-05-05", "2014-05-26", "2014-08-25", "2014-12-25",
    "2014-12-26", "2015-01-01", "2015-04-03", "2015-04-06", "2015-05-04", "2015-05-25", "2015-08-31",
    "2015-12-25", "2015-12-28", "2016-01-01", "2016-03-25", "2016-03-28", "2016-05-02", "2016-05-30",
    "2016-08-29", "2016-12-26", "2016-12-27", "2017-01-02", "2017-04-14", "2017-04-17", "2017-05-01",
    "2017-05-29", "2017-08-28", "2017-12-25", "2017-12-26"};

// ---------------------------------------------------------------------------------------
// Randomness.

// xoshiro256** seeded through splitmix64. Written out here, with integer-only
// sampling on top, because std:: distributions may change between library versions
// and the files must not.
class Rng {
 public:
  explicit Rng(uint64_t seed) {
    uint64_t x = seed;
    for (uint64_t& word : s_) {
      x += 0x9e3779b97f4a7c15ULL;
      uint64_t z = x;
      z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
      z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
      word = z ^ (z >> 31);
    }
  }

  uint64_t Next() {
    const uint64_t result = Rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = Rotl(s_[3], 45);
    return result;
  }

  // Uniform in [0, n). REQUIRES: n > 0. Rejection keeps it unbiased for any n.
  uint64_t Below(uint64_t n) {
    const uint64_t threshold = (0 - n) % n;
    for (;;) {
      const uint64_t r = Next();
      if (r >= threshold) return r % n;
    }
  }

  // Uniform in [lo, hi]. REQUIRES: lo <= hi.
  int32_t Between(int32_t lo, int32_t hi) {
    return lo + static_cast<int32_t>(Below(static_cast<uint64_t>(static_cast<int64_t>(hi) - lo) + 1));
  }

  bool PerMille(int p) { return Below(1000) < static_cast<uint64_t>(p); }

  // An index drawn in proportion to `weights`. REQUIRES: a positive total.
  template <size_t N>
  int Weighted(const std::array<int, N>& weights) {
    return WeightedOf(weights.data(), N);
  }
  int WeightedOf(const int* weights, size_t n) {
    uint64_t total = 0;
    for (size_t i = 0; i < n; ++i) total += static_cast<uint64_t>(weights[i]);
    uint64_t r = Below(total);
    for (size_t i = 0; i < n; ++i) {
      if (r < static_cast<uint64_t>(weights[i])) return static_cast<int>(i);
      r -= static_cast<uint64_t>(weights[i]);
    }
    return static_cast<int>(n - 1);
  }

  template <typename T>
  void Shuffle(std::vector<T>& v) {
    for (size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[Below(i)]);
  }

 private:
  static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};

// ---------------------------------------------------------------------------------------
// Code lists.

// Ofsted's lettered options follow the CIN referral source list without 5D, which
// Annex A of these years did not carry ("q) 6: Police", "s) 8: Other").
struct Source {
  const char* annex_a;
  const char* cin;
};
constexpr std::array<Source, 21> kSources = {{
    {"a) 1A: Individual", "1A"},      {"b) 1B: Individual", "1B"},
    {"c) 1C: Individual", "1C"},      {"d) 1D: Individual", "1D"},
    {"e) 2A: Schools", "2A"},         {"f) 2B: Education services", "2B"},
    {"g) 3A: Health services", "3A"}, {"h) 3B: Health services", "3B"},
    {"i) 3C: Health services", "3C"}, {"j) 3D: Health services", "3D"},
    {"k) 3E: Health services", "3E"}, {"l) 3F: Health services", "3F"},
    {"m) 4: Housing", "4"},           {"n) 5A: LA services", "5A"},
    {"o) 5B: LA services", "5B"},     {"p) 5C: LA services", "5C"},
    {"q) 6: Police", "6"},            {"r) 7: Other legal agency", "7"},
    {"s) 8: Other", "8"},             {"t) 9: Anonymous", "9"},
    {"u) 10: Unknown", "10"},
}};
constexpr uint8_t kPoliceSource = 16;
// Police send the most contacts; fewer of theirs become referrals than schools' do.
constexpr std::array<int, 21> kContactSourceWeights = {
    60, 30, 10, 10, 140, 30, 30, 30, 10, 50, 30, 20, 20, 40, 20, 20, 300, 30, 50, 30, 10};
constexpr std::array<int, 21> kReferralSourceWeights = {
    70, 20, 10, 10, 170, 30, 30, 40, 10, 60, 40, 20, 20, 70, 30, 30, 220, 30, 40, 10, 10};

// DfE ethnicity codes in the order that gives Ofsted's letters; weights give an east
// London mix.
constexpr std::array<const char*, 20> kEthnicities = {
    "WBRI", "WIRI", "WOTH", "WIRT", "WROM", "MWBC", "MWBA", "MWAS", "MOTH", "AIND",
    "APKN", "ABAN", "AOTH", "BCRB", "BAFR", "BOTH", "CHNE", "OOTH", "REFU", "NOBT"};
constexpr uint8_t kWbri = 0;
constexpr std::array<int, 20> kEthnicityWeights = {400, 8, 80, 3,  5,   40, 20, 10, 35, 20,
                                                   35,  25, 20, 25, 150, 30, 4,  40, 20, 30};

// Age at first contact: unborn-to-infant concerns and teenagers are over-represented.
constexpr std::array<int, 18> kAgeWeights = {120, 60, 60, 60, 60, 50, 50, 50, 50,
                                             50,  50, 50, 60, 60, 60, 60, 50, 30};
// Age on entering care of children who leave before 16 (0..15), and of children on a
// child protection plan at its start (0..15).
constexpr std::array<int, 16> kCareAgeWeights = {150, 50, 45, 45, 45, 45, 45, 50,
                                                 55,  60, 70, 80, 90, 100, 100, 50};
constexpr std::array<int, 16> kCareAgeWeights2015 = {90, 30, 30, 30, 30, 30, 30, 40,
                                                     50, 60, 80, 100, 120, 140, 0, 0};
constexpr std::array<int, 16> kPlanAgeWeights = {170, 90, 80, 80, 70, 70, 65, 60,
                                                 55,  55, 50, 50, 45, 35, 20, 10};

constexpr std::array<int, 9> kNeedWeights = {450, 60, 40, 120, 160, 40, 10, 40, 80};  // N1..N9
// Category of need of a period of care (SSDA903 CIN, N1..N8).
constexpr std::array<int, 8> kCareNeedWeights = {620, 30, 30, 150, 70, 30, 10, 60};

// Closure reasons of episodes that ran past assessment, RC1..RC8 (RC6 is set when the
// child turns 18, not drawn). Not RC2 (died: the census would need a PersonDeathDate,
// rule 8585Q) nor RC8 (closed after assessment: these episodes had a CIN plan, which
// rule 2990 forbids with it); the total stays 1005 so each draw takes the PRNG as before.
constexpr std::array<int, 8> kLongClosureWeights = {10, 0, 40, 30, 100, 0, 825, 0};
constexpr uint8_t kRc1 = 0, kRc3 = 2, kRc4 = 3, kRc6 = 5, kRc7 = 6, kRc8 = 7;

// How many days before its referral the linking contact came: 0..3.
constexpr std::array<int, 4> kContactLeadWeights = {500, 250, 150, 100};

// CIN census assessment factors (21 "no factors identified" stands alone).
constexpr std::array<const char*, 23> kFactors = {"1B",  "2B",  "3A",  "3B",  "4B",  "5B",  "6B",  "7A",
                                                  "8B",  "9A",  "10A", "11A", "12A", "13A", "14A", "15A",
                                                  "16A", "17A", "18B", "19B", "22A", "23A", "24A"};

constexpr std::array<const char*, 5> kCategories = {"EMO", "NEG", "PHY", "SAB", "MUL"};
constexpr std::array<int, 5> kCategoryWeights = {550, 300, 80, 40, 30};
constexpr uint8_t kEmo = 0;

constexpr const char* kBoroughDistricts[] = {"IG11", "RM8", "RM9", "RM10", "RM6"};
constexpr const char* kOtherDistricts[] = {"E6",  "E7",  "E12", "E13",  "E15", "IG1", "IG3", "RM1",
                                           "RM3", "RM7", "RM13", "SS1", "SS14", "CM1", "CM20", "DA1",
                                           "ME4", "E17", "N9",  "CO1",  "LU1", "IP1"};
constexpr char kInwardLetters[] = "ABDEFGHJLNPQRSTUWXYZ";

constexpr const char* kPlaceChangeReasons[] = {"CARPL", "CHILD", "PLACE", "LAREQ", "CREQB", "ALLEG", "OTHER"};

// ---------------------------------------------------------------------------------------
// Dates.

int32_t Fys(int fy) { return FinancialYearStart(fy); }
int32_t Fye(int fy) { return FinancialYearEnd(fy); }
const int32_t kWindowStart = FinancialYearStart(kFirstFy);
const int32_t kWindowEnd = FinancialYearEnd(kLastFy);

int32_t ShiftYears(int32_t day, int years) {
  int y, m, d;
  CivilFromDays(day, &y, &m, &d);
  if (m == 2 && d == 29) d = 28;
  return DayNumber(y + years, m, d);
}

// Completed years; a 29 February birthday falls on 1 March in other years.
int AgeOn(int32_t dob, int32_t day) {
  int by, bm, bd, y, m, d;
  CivilFromDays(dob, &by, &bm, &bd);
  CivilFromDays(day, &y, &m, &d);
  return y - by - ((m < bm || (m == bm && d < bd)) ? 1 : 0);
}

// The first day on which AgeOn says `age`.
int32_t Birthday(int32_t dob, int age) {
  int32_t day = ShiftYears(dob, age);
  // A 29 February child is still a year younger on the 28th (AgeOn's rule).
  if (AgeOn(dob, day) < age) ++day;
  return day;
}
int32_t EighteenthBirthday(int32_t dob) { return Birthday(dob, 18); }

int Weekday(int32_t day) { return ((day + 3) % 7 + 7) % 7; }  // Monday 0; 1970-01-01 a Thursday
bool IsWeekend(int32_t day) { return Weekday(day) >= 5; }

// Month `i` (0 = April) of financial year `fy`: its first and last day.
int32_t MonthFirst(int fy, int i) { return i < 9 ? DayNumber(fy, i + 4, 1) : DayNumber(fy + 1, i - 8, 1); }
int32_t MonthLast(int fy, int i) { return i < 11 ? MonthFirst(fy, i + 1) - 1 : Fye(fy); }
int32_t MonthEndOf(int32_t day) {
  int y, m, d;
  CivilFromDays(day, &y, &m, &d);
  return m == 12 ? DayNumber(y + 1, 1, 1) - 1 : DayNumber(y, m + 1, 1) - 1;
}

// Working days: Monday to Friday less bank holidays, counted as INDICATORS.md does.
class Calendar {
 public:
  Calendar() {
    for (const char* s : kBankHolidays) holidays_.push_back(*ParseIsoDate(s));
    std::sort(holidays_.begin(), holidays_.end());
  }
  // A returns' dates relabelled `years` later (ShiftDates) fall on other weekdays: the
  // working days are then those of the later years, so that a conference or a target
  // date is on a weekday as written (rules 8875, 8870Q). The bank holidays stay the
  // simulated years' (their fixed-date ones relabel onto the later years' own).
  void set_year_shift(int years) { weekday_offset_ = ((ShiftYears(kWindowStart, years) - kWindowStart) % 7 + 7) % 7; }
  bool Weekend(int32_t d) const { return IsWeekend(d + weekday_offset_); }
  bool Working(int32_t d) const {
    return !Weekend(d) && !std::binary_search(holidays_.begin(), holidays_.end(), d);
  }
  // Working days after `from` up to and including `to`.
  int Between(int32_t from, int32_t to) const {
    if (to < from) return -Between(to, from);
    int n = 0;
    for (int32_t d = from + 1; d <= to; ++d) n += Working(d);
    return n;
  }
  // The day `n` working days after `from`.
  int32_t Add(int32_t from, int n) const {
    int32_t d = from;
    while (n > 0) {
      ++d;
      n -= Working(d);
    }
    return d;
  }

 private:
  std::vector<int32_t> holidays_;
  int32_t weekday_offset_ = 0;  // days added to a date before its weekday is judged
};

// ---------------------------------------------------------------------------------------
// The model.

struct Placement {
  const char* place = "U6";
  const char* provider = "PR1";  // nullptr: none (temporary and "other" placements)
  std::string post;              // PL_POST
};

bool InHouseFoster(const Placement& p) {
  return p.place[0] == 'U' && p.place[1] >= '1' && p.place[1] <= '6' && p.provider != nullptr &&
         std::strcmp(p.provider, "PR1") == 0;
}

// A change inside a period of care: a new legal status (RNE L), a new placement (P), or
// both (T). The episode before it ends that day with REC X1.
struct Change {
  int32_t day = 0;
  const char* ls = nullptr;  // nullptr: unchanged
  bool moves = false;
  Placement placement;
  const char* reason = nullptr;  // REASON_PLACE_CHANGE of a move
  bool optional = false;         // a move the calibration may drop
  // RNE (from 2015-16): L legal status only; P placement and carer; T placement type,
  // same carer (placed for adoption with the current foster carer, A3 or A5: rule 217);
  // U legal status and placement and carer.
  char Rne() const {
    if (!moves) return 'L';
    if (ls) return 'U';
    const bool same_carer = std::strcmp(placement.place, "A3") == 0 || std::strcmp(placement.place, "A5") == 0;
    return same_carer ? 'T' : 'P';
  }
};

enum class Kind : uint8_t { kFiller, kAdoption, kPending, kReversed, kLeaver, kShortBreak };

// A period of care: from an RNE S episode to the end of the chain.
struct Period {
  int32_t child = 0;
  int32_t start = 0;
  int32_t end = kNever;  // kNever: still looked after after 31 March 2016
  Kind kind = Kind::kFiller;
  const char* ls = "V2";
  Placement placement;
  const char* need = "N1";
  const char* rec = "E4A";
  bool pp = false;        // started on police protection (L1)
  bool flexible = false;  // its end may move (filler periods)
  bool pinned = false;    // dates fixed (a child who left, came back and left again)
  bool fresh = false;     // a filler started by FlowYear in its year
  int32_t deadline = kNever;  // the latest end the child's age allows
  std::vector<Change> changes;
  // Adoption: the decision that the child should be placed (AD1 DATE_INT = PlacedAdoption
  // DATE_PLACED), its reversal, the placement order (E1), the match, the placement (A5/A6).
  int32_t decision = kNone, decision_ceased = kNone, po = kNone, match = kNone, ap = kNone;
  const char* ceased_reason = nullptr;
  bool with_foster_carer = false;
  const char* adopters = "2";
  const char* adopter_sex = "MF";
  const char* adopter_ls = "L11";

  bool ShortBreak() const { return kind == Kind::kShortBreak; }
  bool OpenAt(int32_t d) const { return start <= d && end > d; }
};

// One SSDA903 episode, materialised from a period.
struct CareEpisode {
  int32_t start = 0, end = kNever;
  char rne = 'S';
  const char* ls = nullptr;
  const Placement* placement = nullptr;
  const char* rec = nullptr;  // nullptr while open
  const char* reason = nullptr;  // REASON_PLACE_CHANGE of an episode ended by a move
};

std::vector<CareEpisode> EpisodesOf(const Period& p) {
  std::vector<CareEpisode> out;
  CareEpisode cur{p.start, kNever, 'S', p.ls, &p.placement, nullptr, nullptr};
  for (const Change& c : p.changes) {
    cur.end = c.day;
    cur.rec = "X1";
    cur.reason = c.moves ? c.reason : nullptr;  // the episode a move ends gives its reason
    out.push_back(cur);
    CareEpisode next = cur;
    next.start = c.day;
    next.end = kNever;
    next.rne = c.Rne();
    if (c.ls) next.ls = c.ls;
    if (c.moves) next.placement = &c.placement;
    next.rec = nullptr;
    next.reason = nullptr;
    cur = next;
  }
  cur.end = p.end;
  cur.rec = p.end == kNever ? nullptr : p.rec;
  out.push_back(cur);
  return out;
}

struct CareLeaverRow {
  int32_t child;
  int fy;
  const char* in_touch;
  const char* activity;
  const char* accommodation;
};

struct Child {
  int32_t dob = 0;
  int32_t eighteenth = 0;  // first day the child is no longer 0-17
  bool male = false;
  bool story = false;      // looked after, on a plan or on short breaks: its CIN episodes are its story's
  bool referred = false;
  uint8_t ethnicity = 0;
  int32_t last_closure = INT32_MIN;  // of the latest episode; may lie past the horizon
  std::string home_post;
  std::vector<int32_t> contact_days;
  std::vector<int32_t> episodes;  // CIN episodes, by referral date
  std::vector<int32_t> periods;   // periods of care, by start
  std::vector<int32_t> plans;     // child protection plans, by start

  bool HasContactOn(int32_t day) const {
    return std::find(contact_days.begin(), contact_days.end(), day) != contact_days.end();
  }
  bool AgedUnder18On(int32_t day) const { return dob < day && day < eighteenth; }
};

struct Contact {
  int32_t day;
  int32_t child;
  uint8_t source;
};

enum class EpKind : uint8_t { kNfa, kAfterAssessment, kPlan, kLongPlan, kLegacy, kHost };

// A CIN episode (CINdetails) and what happened inside it.
struct Episode {
  int32_t child = 0;
  int32_t referral = 0;
  int32_t closure = kNever;  // kNever: still open after 31 March 2016
  uint8_t source = 0;
  uint8_t need = 0;    // 0-based: N1 is 0
  uint8_t reason = kRc7;  // 0-based: RC1 is 0; RC6 is written whenever closure is the 18th birthday
  bool nfa = false;
  EpKind kind = EpKind::kHost;
  bool adjustable = false;        // the open-case calibration may move the closure
  int32_t floor = INT32_MIN;      // ... but not before this
  int32_t cap = kNever;           // ... nor after this
  int32_t asmt_start = kNone, asmt_auth = kNone;
  int32_t gap = 0;  // after assessment: closure - authorisation; plan kinds: CIN plan start - authorisation
  uint8_t factors[3] = {0, 0, 0};
  uint8_t nfactors = 0;           // 0 with an assessment: factor 21
  int32_t cin_plan_start = kNone;  // the CIN plan runs to the closure
  std::vector<int32_t> s47s;
  std::vector<int32_t> plans;
};

struct S47 {
  int32_t episode = 0;
  int32_t start = 0;
  int32_t outcome = 0;  // the conference, or the decision that none is needed
  bool icpc = false;
  bool generic = false;  // may be added or dropped by the calibration
  bool removed = false;
};

struct Plan {
  int32_t child = 0;
  int32_t start = 0;
  int32_t end = kNever;
  uint8_t initial = 0, latest = 0;
  int32_t previous = 0;
  bool flexible = true;
  bool has_next = false;  // the child has a later plan: the end may not move later
  int32_t episode = -1;
};

std::string ChildId(int32_t child) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "SYN%07d", 10001 + child);
  return buf;
}

// ---------------------------------------------------------------------------------------
// The generator.

// One LA's volumes for a national year (WriteSynthNational), each a year's expected count.
struct NationalVolumes {
  int first_fy = kFirstFy;      // the first financial year simulated
  int first_out_fy = kLastFy;   // the first written
  double referrals = 0;
  double contacts_per_referral = 2.5;
  double lac = 0;  // looked after on 31 March
  double cpp = 0;  // on a child protection plan on 31 March
};

class Borough {
 public:
  explicit Borough(uint64_t seed) : rng_(seed), seed_(seed) {}

  absl::Status Build() {
    BuildLookedAfter();
    if (status_.ok()) BuildProtection();
    if (status_.ok()) BuildHosts();
    if (status_.ok()) BuildFrontDoor();
    if (status_.ok()) CalibrateTimeliness();
    if (status_.ok()) CalibrateS47();
    if (status_.ok()) CalibrateCinOpen();
    return status_;
  }

  std::string ContactsCsv(int fy) const;
  std::string CensusXml(int fy) const;
  std::string HeaderCsv(int fy) const;
  std::string EpisodesCsv(int fy) const;
  std::string Oc3Csv(int fy) const;
  std::string Ad1Csv(int fy) const;
  std::string PlacedAdoptionCsv(int fy) const;
  std::string LocalMeasuresCsv(int fy) const;
  // Annex A list 2 to 10 (lists 1 is ContactsCsv) as exported on 31 March of CY = fy + 1:
  // the rows of the 12 months before, 1 April to 31 March (the financial year).
  std::string AnnexAList(int list, int fy) const;

  int64_t contacts() const { return static_cast<int64_t>(contacts_.size()); }
  // Episodes some return holds: open on 1 April 2010 or referred later.
  int64_t referrals() const {
    int64_t n = 0;
    for (const Episode& e : episodes_) n += e.closure >= kWindowStart;
    return n;
  }
  int64_t children() const { return static_cast<int64_t>(children_.size()); }
  int64_t care_episodes() const {
    int64_t n = 0;
    for (const Period& p : periods_) {
      if (p.end != kNever && p.end < kWindowStart) continue;
      n += static_cast<int64_t>(p.changes.size()) + 1;
    }
    return n;
  }
  int64_t cp_plans() const { return static_cast<int64_t>(plans_.size()); }

  // A national year's LA (see WriteSynthNational): its code, then its model.
  void set_la(std::string la) { la_ = std::move(la); }
  // The returns written are for collection years `years` later than simulated: the codes
  // follow the later year (dates are relabelled by ShiftDates as they are written).
  void set_year_shift(int years) {
    year_shift_ = years;
    cal_.set_year_shift(years);
  }
  absl::Status BuildNational(const NationalVolumes& v);
  int64_t ContactsIn(int fy) const;
  int64_t ReferralsIn(int fy) const;
  int64_t CinOpenOn(int32_t day) const;
  int64_t CppOpenOn(int32_t day) const;
  int64_t LookedAfterCount(int32_t day) const;

 private:
  void Fail(const std::string& what) {
    if (status_.ok()) status_ = absl::InternalError(absl::StrCat("synth: calibration failed: ", what));
  }

  // --- children ---
  int32_t AddStoryChild(int32_t dob);
  int32_t NewChild(int32_t first, int32_t last);
  int32_t DobForAge(int32_t on, int age);
  std::string Postcode(bool in_borough);
  Placement PlaceFor(int age);
  Placement EmergencyPlacement();

  // --- looked after ---
  void BuildLookedAfter();
  int32_t AddPeriod(Period p);
  void MakeAdoption(int fy, int32_t a1);
  void MakeDecisionOnly(int fy);
  void CalibrateDecisions();
  void MakeLeavers();
  void MakeLeaver(int birth_fy, int first_fy);
  void MakeShortBreaks();
  void MakeLegacyFillers();
  void MakeLegacyFiller(int32_t window_start);
  int32_t NewFiller(int fy);
  void FlowYear(int fy);
  void AdjustYearEnd(int fy);
  void ScheduleMonths(int fy);
  bool ScheduleMonthsTo(int fy, const std::array<int, 12>& target, bool must);
  void MakeChanges(Period& p);
  int32_t MovesFrom(const Period& p) const;
  int32_t MovesUntil(const Period& p) const;
  int Placements(int fy) const;
  void CalibratePlacements(int fy);
  void CalibrateInHouse(int fy);
  void CalibrateCharacteristics();
  void SettleSgoEnds();
  int CountLookedAfter(int32_t day) const;

  // --- protection ---
  void BuildProtection();
  int32_t PlanDuration();
  // Shared by the borough and the national LAs (the same draws in the same order):
  // a plan's initial and latest categories; `count` plans open on the day before
  // `window_start`; `count` plans starting in `fy`, some for children whose last plan
  // ended in an earlier year (`ended`); and adding to `ended` the children whose last
  // plan ends in `fy`.
  void CategorisePlan(Plan& p);
  void AddOpenPlans(int count, int32_t window_start);
  void StartPlans(int fy, int count, const std::vector<int32_t>& ended);
  void NoteEndedPlans(int fy, std::vector<int32_t>* ended) const;
  void AdjustPlans(int fy);
  void CalibrateCategories();

  // --- CIN episodes ---
  void BuildHosts();
  int32_t AddEpisode(Episode e);
  int32_t AddS47(int32_t episode, int32_t start, int32_t outcome, bool icpc, bool generic);
  void AddAssessment(Episode& e, int32_t start, int wd);
  void SetFloor(Episode& e);
  void BuildFrontDoor();
  std::map<int, int> StoryContacts(int32_t window_start);
  void AddLegacyCase(int32_t window_start);
  void RunYear(int fy, int generic_referrals, int contact_only);
  int32_t SampleDay(int32_t start, int32_t end, int weekend_per_mille);
  int32_t PickRecent(const std::vector<int32_t>& pool);
  void AddContactRow(int32_t child, int32_t day, int source);
  int32_t ContactDayFor(const Child& c, int32_t preferred, int32_t referral) const;
  bool CanRefer(const Child& c, int32_t referral) const;
  void AddReferral(int32_t referral, int fy);
  void AddContact(int32_t day);
  int32_t NextReferral(const Episode& e) const;
  void CalibrateTimeliness();
  void CalibrateS47();
  void CalibrateCinOpen();

  // --- writing ---
  bool InReturn(const Period& p, int fy) const;
  std::vector<int32_t> Ssda903Children(int fy) const;

  // --- Annex A lists 2 to 10 ---
  uint64_t Hash(int64_t a, int64_t b, uint64_t salt) const;
  std::string AnnexAChild(int32_t child, int32_t age_on, bool disability) const;
  bool Disabled(int32_t child) const;
  bool LookedAfterOn(int32_t child, int32_t day) const;
  std::string EarlyHelpList(int fy) const;
  std::string ReferralsList(int fy) const;
  std::string AssessmentsList(int fy) const;
  std::string Section47List(int fy) const;
  std::string CinList(int fy) const;
  uint8_t ReasonForClosure(const Episode& e) const;
  std::string CppList(int fy) const;
  std::string LookedAfterList(int fy) const;
  std::string CareLeaversList(int fy) const;
  std::string AdoptionList(int fy) const;
  std::vector<int32_t> CensusEpisodes(int32_t child, int fy) const;

  // --- a national year's LA ---
  int Count(double expected);
  void NationalProtection(const NationalVolumes& v);

  Rng rng_;
  uint64_t seed_;
  std::string la_ = kLaCode;
  int year_shift_ = 0;  // see set_year_shift
  // How generic referrals go on (AddReferral): no further action, closed after the
  // assessment, a plan of up to a year, a longer one.
  std::array<int, 4> referral_kinds_ = {150, 330, 370, 150};  // for the Annex A lists' own draws, which must not move rng_
  Calendar cal_;
  absl::Status status_;
  std::vector<Child> children_;
  std::vector<int32_t> known_;     // generic children, in order of first appearance
  std::vector<int32_t> referred_;  // generic children with at least one episode
  std::vector<Contact> contacts_;
  std::vector<Episode> episodes_;
  std::vector<S47> s47s_;
  std::vector<Period> periods_;
  std::vector<Plan> plans_;
  std::vector<CareLeaverRow> leaver_rows_;
  std::vector<int32_t> left_care_;  // filler children whose last period has ended (re-entries)
};

// ---------------------------------------------------------------------------------------
// Children.

int32_t Borough::AddStoryChild(int32_t dob) {
  Child c;
  c.dob = dob;
  c.eighteenth = EighteenthBirthday(dob);
  c.male = rng_.PerMille(510);
  c.ethnicity = static_cast<uint8_t>(rng_.Weighted(kEthnicityWeights));
  c.story = true;
  c.home_post = Postcode(rng_.PerMille(850));
  children_.push_back(std::move(c));
  return static_cast<int32_t>(children_.size() - 1);
}

// A date of birth making the child `age` (completed years) on `on`, and born before it.
int32_t Borough::DobForAge(int32_t on, int age) {
  const int32_t lo = ShiftYears(on, -(age + 1)) + 1;
  const int32_t hi = std::min(ShiftYears(on, -age), on - 1);
  int32_t dob = rng_.Between(lo, std::max(lo, hi));
  while (AgeOn(dob, on) > age) ++dob;
  while (dob >= on || AgeOn(dob, on) < age) --dob;
  return dob;
}

std::string Borough::Postcode(bool in_borough) {
  const char* district = in_borough ? kBoroughDistricts[rng_.Below(std::size(kBoroughDistricts))]
                                    : kOtherDistricts[rng_.Below(std::size(kOtherDistricts))];
  std::string out = absl::StrCat(district, " ", rng_.Between(1, 9));
  out += kInwardLetters[rng_.Below(sizeof kInwardLetters - 1)];
  out += kInwardLetters[rng_.Below(sizeof kInwardLetters - 1)];
  return out;
}

// A placement for a child of `age`: foster care for most, children's homes and
// residential schools for some teenagers, semi-independence from 16.
Placement Borough::PlaceFor(int age) {
  Placement p;
  auto foster_provider = [&] {
    switch (rng_.Weighted(std::array<int, 3>{450, 450, 100})) {
      case 0: return "PR1";
      case 1: return "PR4";
      default: return "PR5";
    }
  };
  int kind;
  if (age < 10) {
    kind = rng_.Weighted(std::array<int, 6>{720, 130, 110, 40, 0, 0});
  } else if (age < 16) {
    kind = rng_.Weighted(std::array<int, 6>{350, 60, 250, 280, 60, 0});
  } else {
    kind = rng_.Weighted(std::array<int, 6>{100, 0, 200, 150, 0, 550});
  }
  bool near = rng_.PerMille(420);
  switch (kind) {
    case 0: p.place = "U6"; p.provider = foster_provider(); break;
    case 1: p.place = "U3"; p.provider = "PR1"; near = rng_.PerMille(600); break;
    case 2: p.place = "U4"; p.provider = foster_provider(); break;
    case 3:
      p.place = "K2";
      p.provider = rng_.PerMille(800) ? "PR4" : "PR1";
      near = rng_.PerMille(200);
      break;
    case 4: p.place = "S1"; p.provider = rng_.PerMille(600) ? "PR5" : "PR4"; near = false; break;
    default:
      if (rng_.PerMille(700)) {
        p.place = "H5";
        p.provider = rng_.PerMille(600) ? "PR4" : "PR5";
      } else {
        p.place = "P2";
        p.provider = "PR4";  // PR0 (parents) goes with P1 only (rule 550)
      }
      near = rng_.PerMille(450);
      break;
  }
  p.post = Postcode(near);
  return p;
}

// Where a child taken into police protection goes that night.
Placement Borough::EmergencyPlacement() {
  Placement p;
  const int k = rng_.Weighted(std::array<int, 3>{600, 200, 200});
  p.place = k == 1 ? "K2" : "U6";
  p.provider = k == 2 ? "PR4" : "PR1";
  p.post = Postcode(rng_.PerMille(600));
  return p;
}

// A child aged 0-17 on `last`, born before `first`. REQUIRES: first <= last.
int32_t Borough::NewChild(int32_t first, int32_t last) {
  Child c;
  do {
    const int age = rng_.Weighted(kAgeWeights);
    const int32_t lo = ShiftYears(first, -(age + 1)) + 1;
    const int32_t hi = age == 0 ? first - 1 : ShiftYears(first, -age);
    c.dob = rng_.Between(lo, hi);
    c.eighteenth = EighteenthBirthday(c.dob);
    // A 17-year-old first seen days before the referral may turn 18 in between.
  } while (!c.AgedUnder18On(first) || !c.AgedUnder18On(last));
  c.male = rng_.PerMille(520);
  c.ethnicity = static_cast<uint8_t>(rng_.Weighted(kEthnicityWeights));
  children_.push_back(std::move(c));
  const int32_t id = static_cast<int32_t>(children_.size() - 1);
  known_.push_back(id);
  return id;
}

// ---------------------------------------------------------------------------------------
// Looked after: periods.

int32_t Borough::AddPeriod(Period p) {
  const int32_t id = static_cast<int32_t>(periods_.size());
  std::vector<int32_t>& list = children_[p.child].periods;
  list.push_back(id);
  periods_.push_back(std::move(p));
  std::sort(list.begin(), list.end(),
            [&](int32_t a, int32_t b) { return periods_[a].start < periods_[b].start; });
  return id;
}

int Borough::CountLookedAfter(int32_t day) const {
  int n = 0;
  for (const Period& p : periods_) n += !p.ShortBreak() && p.OpenAt(day);
  return n;
}

// An adoption in `fy` whose period of care took `a1` days to the adoption placement.
void Borough::MakeAdoption(int fy, int32_t a1) {
  // The placement, and every change before it, falls inside the loaded returns. In the
  // last year the placement is in the year too: 2014-15's 320 placements leave room for
  // only 37 that are not a child starting to be looked after.
  const int32_t lo = Fys(fy) + (fy == kFirstFy || fy == kLastFy ? 150 : 0);
  const int32_t adopted = SampleDay(lo, Fye(fy), 0);
  const int32_t earliest = fy == kLastFy ? Fys(fy) : kWindowStart + 40;
  const int32_t lag = rng_.Between(75, std::min<int32_t>(330, adopted - earliest));
  const int32_t placed = adopted - lag;
  const int32_t start = placed - a1;
  int32_t age_days;
  switch (rng_.Weighted(std::array<int, 3>{450, 350, 200})) {
    case 0: age_days = rng_.Between(1, 20); break;
    case 1: age_days = rng_.Between(365, 3 * 365); break;
    default: age_days = rng_.Between(3 * 365, 5 * 365); break;
  }
  Period p;
  p.child = AddStoryChild(start - age_days);
  p.kind = Kind::kAdoption;
  p.start = start;
  p.end = adopted;
  p.deadline = adopted;
  p.rec = rng_.PerMille(750) ? "E11" : "E12";
  p.ls = rng_.PerMille(700) ? "C2" : "V2";
  p.placement = PlaceFor(0);
  if (p.placement.place[0] != 'U') p.placement.place = "U6";
  p.need = "N1";
  const int32_t floor = std::max(start + 1, kWindowStart);
  int32_t po_lo = std::max({start + a1 * 45 / 100, start + 60, floor + 7});
  const int32_t po_hi = placed - 21;
  po_lo = std::min(po_lo, po_hi);
  p.po = rng_.Between(po_lo, po_hi);
  if (std::strcmp(p.ls, "V2") == 0) {
    const int32_t c_lo = std::max(floor, start + 30), c_hi = p.po - 60;
    if (c_lo <= c_hi) {
      Change c;
      c.day = rng_.Between(c_lo, c_hi);
      c.ls = "C2";
      p.changes.push_back(c);
    }
  }
  int32_t d_lo = start + 30, d_hi = p.po - 7;
  if (d_lo > d_hi) d_lo = d_hi = std::max(start + 1, p.po - 7);
  p.decision = rng_.Between(d_lo, d_hi);
  p.match = rng_.Between(std::max(p.po, p.decision) + 7, placed - 7);
  p.ap = placed;
  Change order;
  order.day = p.po;
  order.ls = "E1";
  p.changes.push_back(order);
  Change move;
  move.day = placed;
  move.moves = true;
  p.with_foster_carer = rng_.PerMille(200);
  move.placement.place = p.with_foster_carer ? "A5" : "A6";
  const int k = rng_.Weighted(std::array<int, 3>{600, 300, 100});
  move.placement.provider = k == 0 ? "PR1" : k == 1 ? "PR5" : "PR2";
  move.placement.post = Postcode(rng_.PerMille(250));
  move.reason = "CARPL";
  p.changes.push_back(move);
  if (rng_.PerMille(800)) {
    p.adopters = "2";
    const int s = rng_.Weighted(std::array<int, 3>{850, 80, 70});
    p.adopter_sex = s == 0 ? "MF" : s == 1 ? "MM" : "FF";
    // The legal status follows the couple (rules 517-524): a man and a woman married (L11)
    // or not (L3); two men or two women married (L12, possible from 29 March 2014), in a
    // civil partnership (L2) or neither (L4).
    const int l = rng_.Weighted(std::array<int, 3>{700, 100, 200});
    if (s == 0) {
      p.adopter_ls = l == 0 ? "L11" : "L3";
    } else {
      p.adopter_ls = l == 1 ? "L4" : l == 0 && adopted >= DayNumber(2014, 3, 29) ? "L12" : "L2";
    }
  } else {
    p.adopters = "1";
    p.adopter_sex = rng_.PerMille(800) ? "F1" : "M1";
    p.adopter_ls = "L0";  // a single adopter (rule 514); L3 is an unmarried couple
  }
  AddPeriod(std::move(p));
}

// A decision that a child should be placed for adoption, in `fy`, for a child not
// adopted by 31 March 2016: still waiting (perhaps placed), or the decision reversed.
void Borough::MakeDecisionOnly(int fy) {
  const int32_t decided = SampleDay(Fys(fy), Fye(fy), 0);
  Period p;
  p.start = decided - rng_.Between(40, 400);
  p.child = AddStoryChild(DobForAge(p.start, rng_.Between(0, 5)));
  p.ls = "C2";
  p.placement = PlaceFor(0);
  if (p.placement.place[0] != 'U') p.placement.place = "U6";
  p.need = "N1";
  p.decision = decided;
  p.deadline = Birthday(children_[p.child].dob, 16) - 1;
  if (rng_.PerMille(550)) {
    p.kind = Kind::kPending;
    p.end = kNever;
    const int32_t order = decided + rng_.Between(30, 150);
    if (order < kWindowEnd - 10) {
      p.po = order;
      Change c;
      c.day = order;
      c.ls = "E1";
      p.changes.push_back(c);
      const int32_t placed = order + rng_.Between(60, 260);
      if (placed >= Fys(kLastFy) && placed <= kWindowEnd) {
        p.ap = placed;
        p.match = rng_.Between(order + 7, placed - 7);
        Change m;
        m.day = placed;
        m.moves = true;
        m.placement.place = rng_.PerMille(200) ? "A5" : "A6";
        m.placement.provider = rng_.PerMille(600) ? "PR1" : "PR5";
        m.placement.post = Postcode(rng_.PerMille(250));
        m.reason = "CARPL";
        p.changes.push_back(m);
      }
    }
  } else {
    p.kind = Kind::kReversed;
    const int32_t ceased = decided + rng_.Between(120, 420);
    if (ceased <= kWindowEnd) {
      p.decision_ceased = ceased;
      static constexpr const char* kReasons[] = {"RD1", "RD2", "RD3", "RD4"};
      p.ceased_reason = kReasons[rng_.Below(4)];
      p.end = ceased + rng_.Between(30, 300);
      if (p.end > kWindowEnd) p.end = kNever;
      p.rec = "E45";
    } else {
      p.end = kNever;
    }
  }
  AddPeriod(std::move(p));
}

// shopa_decisions: PlacedAdoption decisions dated in each calibrated year.
void Borough::CalibrateDecisions() {
  for (int i = kYears - 1; i >= 0; --i) {
    if (kShopa[i] < 0) continue;
    const int fy = kFirstFy + i;
    auto count = [&] {
      int n = 0;
      for (const Period& p : periods_) n += p.decision != kNone && FinancialYearOf(p.decision) == fy;
      return n;
    };
    int n = count();
    for (size_t k = 0; k < periods_.size() && n > kShopa[i]; ++k) {
      Period& p = periods_[k];
      if (p.decision == kNone || FinancialYearOf(p.decision) != fy) continue;
      const int32_t lo = std::max(p.start + 30, Fys(fy - 1));
      if (lo > Fye(fy - 1)) continue;
      p.decision = rng_.Between(lo, Fye(fy - 1));
      --n;
    }
    if (n > kShopa[i]) return Fail(absl::StrCat("shopa_decisions ", fy, ": ", n, " decisions cannot move"));
    for (; n < kShopa[i]; ++n) MakeDecisionOnly(fy);
  }
}

// Children looked after on their 16th birthday: OC3 reports them from 17 to 21.
void Borough::MakeLeavers() {
  for (size_t c = 0; c < std::size(kLeavers); ++c) {
    const int birth_fy = kLeaverFirstBirthFy + static_cast<int>(c);
    for (int n = 0; n < kLeavers[c]; ++n) MakeLeaver(birth_fy, kFirstFy);
  }
}

// A child born in financial year `birth_fy` looked after on the 16th birthday, with OC3
// rows for the years from `first_fy` to the last.
void Borough::MakeLeaver(int birth_fy, int first_fy) {
  static constexpr const char* kInTouch[] = {"YES", "NO", "NREQ", "REFU", "RHOM"};
  static constexpr std::array<int, 5> kInTouchWeights = {830, 60, 50, 40, 20};
  static constexpr const char* kActivity[] = {"F1", "P1", "F2", "P2", "F4", "P4", "F5", "P5", "G4", "G5", "G6"};
  static constexpr std::array<int, 11> kActivityWeights = {80, 10, 250, 30, 120, 30, 60, 20, 60, 250, 90};
  static constexpr const char* kAccommodation[] = {"B1", "D1", "E1", "K1", "R1", "T1", "U1", "Y1", "Z1",
                                                   "B2", "D2", "K2", "U2", "V2"};
  static constexpr std::array<int, 14> kAccommodationWeights = {120, 150, 120, 60, 80, 60, 200, 40, 60,
                                                                20,  20,  20,  30, 20};
  const int32_t dob = rng_.Between(Fys(birth_fy), Fye(birth_fy));
  Period p;
  p.child = AddStoryChild(dob);
  p.kind = Kind::kLeaver;
  p.start = dob + rng_.Between(10 * 365 + 10, 15 * 365 + 200);
  const int32_t sixteenth = Birthday(dob, 16), eighteenth = children_[p.child].eighteenth;
  if (rng_.PerMille(650)) {
    p.end = eighteenth;
    static constexpr const char* kAt18[] = {"E8", "E5", "E6", "E17"};
    p.rec = kAt18[rng_.Weighted(std::array<int, 4>{450, 250, 100, 200})];
  } else {
    p.end = rng_.Between(sixteenth + 183, eighteenth - 30);
    static constexpr const char* kBefore18[] = {"E5", "E6", "E4A", "E8"};
    p.rec = kBefore18[rng_.Weighted(std::array<int, 4>{350, 150, 350, 150})];
  }
  if (p.end > kWindowEnd) p.end = kNever;
  p.deadline = eighteenth;
  p.ls = rng_.PerMille(650) ? "V2" : "C2";
  p.placement = PlaceFor(AgeOn(dob, p.start));
  p.need = rng_.PerMille(700) ? "N1" : "N4";
  const int32_t child = p.child, start = p.start, end = p.end;
  AddPeriod(std::move(p));
  for (int age = 17; age <= 21; ++age) {
    const int fy = birth_fy + age;
    if (fy < first_fy || fy > kLastFy) continue;
    // At 17 or 18 a young person is a care leaver that year only if care ended before the
    // birthday: not if looked after on it (rule 1007) nor, from 2023-24, if care ended on
    // or after it (rule 1016). IN_TOUCH cannot be blank (rule 131), so there is no OC3 row
    // (nor list 9 row) that year; the draws are made all the same.
    const int32_t birthday = Birthday(dob, age);
    const bool ended_after = fy + 1 + year_shift_ >= 2024 && end >= birthday && start <= Fye(fy);
    const bool due = age > 18 || (!(start <= birthday && end > birthday) && !ended_after);
    CareLeaverRow row{child, fy, kInTouch[rng_.Weighted(kInTouchWeights)], "0", "0"};
    if (std::strcmp(row.in_touch, "YES") == 0) {
      row.activity = kActivity[rng_.Weighted(kActivityWeights)];
      row.accommodation = kAccommodation[rng_.Weighted(kAccommodationWeights)];
      // Not with former foster carers at 17 (rule 3001: "staying put" is from 18), nor in
      // a foyer under 18 (rule 347): supported lodgings or semi-independent living instead.
      if (age == 17 && std::strcmp(row.accommodation, "Z1") == 0) row.accommodation = "E1";
      if (age <= 18 && std::strcmp(row.accommodation, "T1") == 0) row.accommodation = "D1";
    }
    if (due) leaver_rows_.push_back(row);
  }
}

// Disabled children on series of short breaks: agreements (V4) or single breaks (V3).
// They are in the returns but never looked after for the indicators.
void Borough::MakeShortBreaks() {
  for (int i = 0; i < kShortBreakChildren; ++i) {
    const int32_t child = AddStoryChild(DobForAge(kWindowStart, rng_.Between(4, 13)));
    const Child& c = children_[child];
    Placement pl;
    pl.place = rng_.PerMille(600) ? "U6" : "K2";
    pl.provider = "PR1";
    pl.post = Postcode(true);
    auto add = [&](int32_t start, int32_t end, const char* ls, const char* rec) {
      Period p;
      p.child = child;
      p.kind = Kind::kShortBreak;
      p.start = start;
      p.end = end;
      p.ls = ls;
      p.placement = pl;
      p.need = "N2";
      p.rec = rec;
      p.deadline = c.eighteenth;
      AddPeriod(std::move(p));
    };
    if (i < 6) {
      for (int32_t t = Fys(2013) + rng_.Between(0, 60); t + 4 <= std::min(kWindowEnd, c.eighteenth - 1);) {
        const int32_t end = t + rng_.Between(1, 3);
        add(t, end, "V3", "E4A");
        t = end + rng_.Between(14, 40);
      }
    } else {
      for (int32_t t = kWindowStart - rng_.Between(0, 300);;) {
        int32_t end = t + rng_.Between(200, 420);
        if (end >= c.eighteenth) end = c.eighteenth;
        if (end > kWindowEnd) end = kNever;
        add(t, end, "V4", "E8");
        if (end == kNever || end >= c.eighteenth) break;
        t = end + rng_.Between(1, 30);
        if (t >= c.eighteenth - 30) break;
      }
    }
  }
}

// Filler children looked after on 31 March 2010, up to the profile's count.
void Borough::MakeLegacyFillers() {
  for (int n = kLacInitial - CountLookedAfter(kWindowStart - 1); n > 0; --n) MakeLegacyFiller(kWindowStart);
}

// A filler child looked after on the day before `window_start`.
void Borough::MakeLegacyFiller(int32_t window_start) {
  static constexpr const char* kLegacyLs[] = {"C1", "V2", "C2"};
  const int age = std::min(14, rng_.Weighted(kCareAgeWeights));
  Period p;
  const int32_t dob = DobForAge(window_start - 1, age);
  p.child = AddStoryChild(dob);
  p.start = window_start - rng_.Between(1, std::max(1, std::min(window_start - 2 - dob, 8 * 365)));
  p.deadline = Birthday(dob, 16) - 1;
  int32_t remaining;
  switch (rng_.Weighted(std::array<int, 3>{300, 350, 350})) {
    case 0: remaining = rng_.Between(0, 365); break;
    case 1: remaining = rng_.Between(366, 1095); break;
    default: remaining = rng_.Between(1096, 3000); break;
  }
  p.end = std::min(window_start + remaining, p.deadline);
  p.ls = kLegacyLs[rng_.Weighted(std::array<int, 3>{600, 300, 100})];
  p.placement = PlaceFor(AgeOn(dob, p.start));
  p.need = "N1";
  static constexpr const char* kEnds[] = {"E4A", "E4B", "E41", "E45", "E46", "E8", "E3"};
  p.rec = kEnds[rng_.Weighted(std::array<int, 7>{450, 50, 80, 150, 50, 150, 70})];
  p.flexible = true;
  AddPeriod(std::move(p));
}

// A filler period starting in `fy`: a new child, or one who left care in an earlier year.
int32_t Borough::NewFiller(int fy) {
  Period p;
  p.start = SampleDay(Fys(fy), Fye(fy), 250);
  p.child = -1;
  if (fy < kLastFy && !left_care_.empty() && rng_.PerMille(80)) {
    for (int attempt = 0; attempt < 8 && p.child < 0; ++attempt) {
      const int32_t c = left_care_[left_care_.size() - 1 - rng_.Below(std::min<uint64_t>(left_care_.size(), 400))];
      const Child& ch = children_[c];
      const Period& last = periods_[ch.periods.back()];
      if (last.end == kNever || FinancialYearOf(last.end) >= fy || last.end + 60 > p.start) continue;
      if (Birthday(ch.dob, 16) - 1 <= p.start + 60) continue;
      p.child = c;
    }
  }
  if (p.child < 0) {
    // In the last year a new filler is young enough to stay past 31 March 2016.
    // (2015-16's entrants were older: the seed's under-10s fell from 41% to 34%.)
    const int age = fy == kLastFy ? std::min(13, rng_.Weighted(kCareAgeWeights2015)) : rng_.Weighted(kCareAgeWeights);
    p.child = AddStoryChild(DobForAge(p.start, age));
  }
  const int32_t dob = children_[p.child].dob;
  p.deadline = Birthday(dob, 16) - 1;
  int32_t duration;
  switch (rng_.Weighted(std::array<int, 4>{250, 300, 300, 150})) {
    case 0: duration = rng_.Between(1, 60); break;
    case 1: duration = rng_.Between(61, 365); break;
    case 2: duration = rng_.Between(366, 1095); break;
    default: duration = rng_.Between(1096, 3650); break;
  }
  p.end = std::max(p.start + 1, std::min(p.start + duration, p.deadline));
  p.ls = rng_.PerMille(600) ? "V2" : "C2";
  p.placement = PlaceFor(AgeOn(dob, p.start));
  p.need = rng_.Weighted(kCareNeedWeights) == 0 ? "N1" : "N4";
  static constexpr const char* kEnds[] = {"E4A", "E4B", "E41", "E45", "E46", "E8", "E3"};
  p.rec = kEnds[rng_.Weighted(std::array<int, 7>{450, 50, 80, 150, 50, 150, 70})];
  p.flexible = true;
  p.fresh = true;
  return AddPeriod(std::move(p));
}

// The year's new fillers, police protection, children who leave twice, then the year
// end made exact.
void Borough::FlowYear(int fy) {
  const int i = fy - kFirstFy;
  const int32_t fys = Fys(fy), fye = Fye(fy);
  for (Period& p : periods_) p.fresh = false;
  int fixed = 0;
  for (const Period& p : periods_) {
    fixed += p.kind != Kind::kFiller && !p.ShortBreak() && p.start >= fys && p.start <= fye;
  }
  const int n = kLacStarted[i] - fixed - kLacTwice[i];
  if (n < kLacPolice[i]) {
    return Fail(absl::StrCat("lac_started ", fy, ": ", fixed, " fixed starts leave room for ", n,
                             " others, fewer than the ", kLacPolice[i], " on police protection"));
  }
  std::vector<int32_t> fresh;
  for (int k = 0; k < n; ++k) fresh.push_back(NewFiller(fy));
  // Police protection mostly ends within the 72 hours: give it to the shortest stays.
  std::stable_sort(fresh.begin(), fresh.end(), [&](int32_t a, int32_t b) {
    return periods_[a].end - periods_[a].start < periods_[b].end - periods_[b].start;
  });
  for (int k = 0; k < kLacPolice[i]; ++k) {
    Period& p = periods_[fresh[k]];
    p.pp = true;
    p.ls = "L1";
    p.placement = EmergencyPlacement();
    if (p.end - p.start <= 30) p.end = std::min(p.start + rng_.Between(1, 3), p.deadline);
  }
  // Children looked after on 1 April who leave, come back for days and leave again.
  for (int k = 0; k < kLacTwice[i]; ++k) {
    std::vector<int32_t> candidates;
    for (size_t j = 0; j < periods_.size(); ++j) {
      const Period& p = periods_[j];
      if (p.kind != Kind::kFiller || !p.flexible || p.pinned || p.start >= fys || !p.OpenAt(fys - 1)) continue;
      if (p.deadline <= fye || children_[p.child].periods.back() != static_cast<int32_t>(j)) continue;
      candidates.push_back(static_cast<int32_t>(j));
    }
    if (candidates.empty()) return Fail(absl::StrCat("lac_ceased ", fy, ": no child to leave twice"));
    const int32_t first = candidates[rng_.Below(candidates.size())];
    Period& p = periods_[first];
    p.end = rng_.Between(fys + 10, fye - 90);
    p.pinned = true;
    p.flexible = false;
    Period q;
    q.child = p.child;
    q.start = p.end + rng_.Between(7, 30);
    const int32_t len = rng_.Between(2, 10);
    if (q.start + len > MonthEndOf(q.start)) q.start = MonthEndOf(q.start) + 1;
    q.end = q.start + len;
    q.deadline = p.deadline;
    q.ls = "V2";
    q.placement = PlaceFor(AgeOn(children_[p.child].dob, q.start));
    q.need = p.need;
    q.rec = "E4A";
    q.pinned = true;
    AddPeriod(std::move(q));
  }
  AdjustYearEnd(fy);
  if (status_.ok()) ScheduleMonths(fy);
  // Children whose period ended this year may come back in a later one.
  for (const Period& p : periods_) {
    if (p.kind == Kind::kFiller && p.end >= fys && p.end <= fye &&
        children_[p.child].periods.back() == static_cast<int32_t>(&p - periods_.data())) {
      left_care_.push_back(p.child);
    }
  }
}

// Ends filler periods within the year, or moves their end past it, until the number
// looked after on 31 March is the profile's. Earlier year ends do not change: an end
// moved stays after the previous 31 March.
void Borough::AdjustYearEnd(int fy) {
  const int i = fy - kFirstFy;
  const int32_t fys = Fys(fy), fye = Fye(fy);
  int diff = CountLookedAfter(fye) - kLacYearEnd[i];
  if (diff > 0) {
    std::vector<int32_t> c;
    for (size_t j = 0; j < periods_.size(); ++j) {
      const Period& p = periods_[j];
      if (p.flexible && !p.pinned && p.end > fye && p.start < fye) c.push_back(static_cast<int32_t>(j));
    }
    // The ones that would have ended soonest end now.
    std::stable_sort(c.begin(), c.end(), [&](int32_t a, int32_t b) { return periods_[a].end < periods_[b].end; });
    if (static_cast<int>(c.size()) < diff) return Fail(absl::StrCat("lac_year_end ", fy, ": too few to end"));
    for (int k = 0; k < diff; ++k) {
      Period& p = periods_[c[k]];
      p.end = rng_.Between(std::max(p.start + 1, fys), fye);
    }
  } else if (diff < 0) {
    std::vector<int32_t> c;
    for (size_t j = 0; j < periods_.size(); ++j) {
      const Period& p = periods_[j];
      if (!p.flexible || p.pinned || p.end < fys || p.end > fye || p.deadline <= fye + 30) continue;
      // A later period of the same child blocks it.
      if (children_[p.child].periods.back() != static_cast<int32_t>(j)) continue;
      c.push_back(static_cast<int32_t>(j));
    }
    std::stable_sort(c.begin(), c.end(), [&](int32_t a, int32_t b) { return periods_[a].end > periods_[b].end; });
    if (static_cast<int>(c.size()) < -diff) return Fail(absl::StrCat("lac_year_end ", fy, ": too few to extend"));
    for (int k = 0; k < -diff; ++k) {
      Period& p = periods_[c[k]];
      p.end = fye + rng_.Between(1, std::min(p.deadline - fye, rng_.Between(30, 1500)));
    }
  }
  if (CountLookedAfter(fye) != kLacYearEnd[i]) Fail(absl::StrCat("lac_year_end ", fy));
}

// Month ends: the fillers that start and stay, and the ones looked after on 1 April that
// end in the year, are placed in months so that each month end is on a target path: in
// 2015-16 the profile's (476 at the end of June the highest ever), in other years a line
// from one year end to the next, a few children either side.
void Borough::ScheduleMonths(int fy) {
  const int i = fy - kFirstFy;
  const int before = i == 0 ? kLacInitial : kLacYearEnd[i - 1];
  if (fy == kLastFy) {
    std::array<int, 12> target;
    std::copy(std::begin(kLacMonthEnds2015), std::end(kLacMonthEnds2015), target.begin());
    ScheduleMonthsTo(fy, target, true);
    return;
  }
  // The line between the year ends, each month end free to stray from it by a few
  // children more in each attempt (towards where the random dates put it), never
  // reaching the 2015-16 peak.
  std::array<int, 12> line, natural;
  for (int m = 0; m < 12; ++m) {
    line[m] = before + (kLacYearEnd[i] - before) * (m + 1) / 12 + (m < 11 ? rng_.Between(-3, 3) : 0);
    natural[m] = CountLookedAfter(MonthLast(fy, m));
  }
  for (int tolerance : {0, 6, 12, 20, 30, 45}) {
    std::array<int, 12> target;
    for (int m = 0; m < 12; ++m) {
      target[m] = m == 11 ? kLacYearEnd[i]
                          : std::min(kLacMonthEnds2015[2] - 6,
                                     line[m] + std::clamp(natural[m] - line[m], -tolerance, tolerance));
    }
    if (ScheduleMonthsTo(fy, target, tolerance == 45)) return;
  }
}

// Places the movable starts and ends of `fy` so that the month ends are `target`; false
// (and, when `must`, a failure) when they cannot be.
bool Borough::ScheduleMonthsTo(int fy, const std::array<int, 12>& target, bool must) {
  const int i = fy - kFirstFy;
  const int32_t fys = Fys(fy), fye = Fye(fy);
  const int before = i == 0 ? kLacInitial : kLacYearEnd[i - 1];
  auto fail = [&](const std::string& what) {
    if (must) Fail(absl::StrCat("lac_month_end ", fy, ": ", what));
    return false;
  };
  std::vector<int32_t> stays, enders;
  std::vector<char> movable(periods_.size(), 0);
  for (size_t j = 0; j < periods_.size(); ++j) {
    const Period& p = periods_[j];
    if (p.kind != Kind::kFiller || p.pinned) continue;
    if (p.fresh && p.start >= fys && p.end > fye) {
      stays.push_back(static_cast<int32_t>(j));
      movable[j] = 1;
    } else if (p.flexible && p.start < fys && p.end >= fys && p.end <= fye) {
      enders.push_back(static_cast<int32_t>(j));
      movable[j] = 1;
    }
  }
  const int x = static_cast<int>(stays.size()), e = static_cast<int>(enders.size());
  auto fixed_at = [&](int32_t day) {
    int n = 0;
    for (size_t j = 0; j < periods_.size(); ++j) {
      n += !movable[j] && !periods_[j].ShortBreak() && periods_[j].OpenAt(day);
    }
    return n;
  };
  // X_m - cumE_m must equal r[m + 1]: starts and ends up to month m.
  std::array<int, 13> r{};
  r[0] = before - fixed_at(fys - 1) - e;
  for (int m = 0; m < 12; ++m) r[m + 1] = target[m] - fixed_at(MonthLast(fy, m)) - e;
  if (r[0] != 0 || r[12] != x - e) return fail("the year end does not add up");
  std::array<int, 12> xs{}, es{};
  int used = 0;
  for (int m = 0; m < 12; ++m) {
    es[m] = std::max(0, r[m] - r[m + 1]);
    xs[m] = es[m] + r[m + 1] - r[m];
    used += es[m];
  }
  if (used > e) return fail("too few children leave to follow the months");
  // The rest leave and start in step (one more of each in a month changes no month end).
  for (int extra = e - used, m = 0; extra > 0; --extra, m = (m + 5) % 12) {
    ++es[m];
    ++xs[m];
  }
  // Enders by deadline (a filler leaves before its 16th birthday), earliest months first;
  // stays by the first day they may start (after birth, after an earlier period).
  std::stable_sort(enders.begin(), enders.end(),
                   [&](int32_t a, int32_t b) { return periods_[a].deadline < periods_[b].deadline; });
  std::vector<int32_t> release(periods_.size(), 0);
  for (int32_t j : stays) {
    const Child& c = children_[periods_[j].child];
    release[j] = c.dob + 1;
    for (int32_t other : c.periods) {
      if (other != j && periods_[other].start < periods_[j].start) release[j] = std::max(release[j], periods_[other].end + 30);
    }
  }
  std::stable_sort(stays.begin(), stays.end(), [&](int32_t a, int32_t b) { return release[a] < release[b]; });
  std::vector<std::pair<int32_t, int32_t>> ends, starts;
  size_t k = 0;
  for (int m = 0; m < 12; ++m) {
    for (int n = 0; n < es[m]; ++n, ++k) {
      const Period& p = periods_[enders[k]];
      const int32_t lo = std::max(MonthFirst(fy, m), p.start + 1), hi = std::min(MonthLast(fy, m), p.deadline);
      if (lo > hi) return fail("a child would be 16 before leaving");
      ends.push_back({enders[k], rng_.Between(lo, hi)});
    }
  }
  k = 0;
  for (int m = 0; m < 12; ++m) {
    for (int n = 0; n < xs[m]; ++n, ++k) {
      const int32_t lo = std::max(MonthFirst(fy, m), release[stays[k]]), hi = MonthLast(fy, m);
      if (lo > hi) return fail("a child would start before birth");
      starts.push_back({stays[k], rng_.Between(lo, hi)});
    }
  }
  // Only now that every child fits are the dates changed.
  for (const auto& [j, day] : ends) periods_[j].end = day;
  for (const auto& [j, day] : starts) periods_[j].start = day;
  for (int m = 0; m < 12; ++m) {
    if (CountLookedAfter(MonthLast(fy, m)) != target[m]) {
      Fail(absl::StrCat("lac_month_end ", fy, " month ", m));
      return false;
    }
  }
  // Starting dates moved: keep each child's periods in order.
  for (int32_t j : stays) {
    std::vector<int32_t>& list = children_[periods_[j].child].periods;
    std::sort(list.begin(), list.end(), [&](int32_t a, int32_t b) { return periods_[a].start < periods_[b].start; });
  }
  return true;
}

// Legal status changes and placement moves of a period, inside the loaded years.
void Borough::MakeChanges(Period& p) {
  if (p.ShortBreak()) return;
  const int32_t dob = children_[p.child].dob;
  const int32_t hi = std::min(p.end == kNever ? kWindowEnd : p.end - 1, kWindowEnd);
  if (p.pp) {
    const int32_t t = p.start + rng_.Between(1, 3);
    if (t < p.end) {
      Change c;
      c.day = t;
      c.ls = rng_.PerMille(600) ? "V2" : "C2";
      p.changes.push_back(c);
    }
  }
  const int32_t from = MovesFrom(p);
  const bool adoption_route = p.kind == Kind::kAdoption || p.kind == Kind::kPending;
  const char* ls = p.pp && !p.changes.empty() ? p.changes.back().ls : p.ls;
  if (!adoption_route && std::strcmp(ls, "C2") == 0) {
    const int32_t t = p.start + rng_.Between(150, 420);
    if (t >= from && t <= hi) {
      Change c;
      c.day = t;
      c.ls = "C1";
      p.changes.push_back(c);
    }
  }
  const int32_t until = MovesUntil(p);
  // Moves are rarer than the national picture: the seed's 2014-15 has 320 placements
  // for 283 children starting, so few children moved.
  for (int32_t t = from + rng_.Between(120, 2400); t <= until; t += rng_.Between(365, 2400)) {
    Change c;
    c.day = t;
    c.moves = true;
    c.optional = true;
    c.placement = PlaceFor(AgeOn(dob, t));
    c.reason = kPlaceChangeReasons[rng_.Below(std::size(kPlaceChangeReasons))];
    p.changes.push_back(c);
  }
  std::stable_sort(p.changes.begin(), p.changes.end(),
                   [](const Change& a, const Change& b) { return a.day < b.day; });
  // One change a day: an optional move on the day of another change is dropped.
  std::vector<Change> kept;
  for (Change& c : p.changes) {
    if (!kept.empty() && kept.back().day == c.day) {
      if (!c.optional && kept.back().optional) kept.back() = c;
      continue;
    }
    kept.push_back(std::move(c));
  }
  p.changes = std::move(kept);
}

// The first day a move may happen: after police protection, inside the loaded years.
int32_t Borough::MovesFrom(const Period& p) const {
  int32_t from = std::max(p.start + 1, kWindowStart);
  if (p.pp) from = std::max(from, p.start + 4);
  return from;
}

// The last day a move may happen: before the end, and on the adoption route before the
// placement order (the adoption placement is the last move).
int32_t Borough::MovesUntil(const Period& p) const {
  int32_t until = std::min(p.end == kNever ? kWindowEnd : p.end - 1, kWindowEnd);
  if (p.po != kNone) until = std::min(until, p.po - 1);
  if (p.ap != kNone) until = std::min(until, p.ap - 1);
  return until;
}

int Borough::Placements(int fy) const {
  int n = 0;
  for (const Period& p : periods_) {
    if (p.ShortBreak()) continue;
    n += FinancialYearOf(p.start) == fy;
    for (const Change& c : p.changes) n += c.moves && FinancialYearOf(c.day) == fy;
  }
  return n;
}

void Borough::CalibratePlacements(int fy) {
  const int target = kLacPlacements[fy - kFirstFy];
  if (target < 0) return;
  int n = Placements(fy);
  if (n > target) {
    std::vector<std::pair<int32_t, int32_t>> optional;
    for (size_t j = 0; j < periods_.size(); ++j) {
      const Period& p = periods_[j];
      for (size_t k = 0; k < p.changes.size(); ++k) {
        const Change& c = p.changes[k];
        if (c.optional && FinancialYearOf(c.day) == fy) optional.push_back({static_cast<int32_t>(j), c.day});
      }
    }
    rng_.Shuffle(optional);
    if (static_cast<int>(optional.size()) < n - target) {
      int starts = 0, fixed_moves = 0;
      for (const Period& p : periods_) {
        if (p.ShortBreak()) continue;
        starts += FinancialYearOf(p.start) == fy;
        for (const Change& c : p.changes) fixed_moves += c.moves && !c.optional && FinancialYearOf(c.day) == fy;
      }
      return Fail(absl::StrCat("lac_placements ", fy, ": ", n, " placements (", starts, " starts, ", fixed_moves,
                               " adoption placements, ", optional.size(), " other moves) for ", target));
    }
    for (int k = 0; n > target; ++k, --n) {
      auto& changes = periods_[optional[k].first].changes;
      changes.erase(std::find_if(changes.begin(), changes.end(),
                                 [&](const Change& c) { return c.day == optional[k].second; }));
    }
  }
  for (int attempt = 0; n < target && attempt < 100000; ++attempt) {
    Period& p = periods_[rng_.Below(periods_.size())];
    if (p.ShortBreak()) continue;
    const int32_t lo = std::max(MovesFrom(p), Fys(fy)), hi = std::min(MovesUntil(p), Fye(fy));
    if (lo > hi) continue;
    const int32_t day = rng_.Between(lo, hi);
    if (std::any_of(p.changes.begin(), p.changes.end(), [&](const Change& c) { return c.day == day; })) continue;
    Change c;
    c.day = day;
    c.moves = true;
    c.optional = true;
    c.placement = PlaceFor(AgeOn(children_[p.child].dob, day));
    c.reason = kPlaceChangeReasons[rng_.Below(std::size(kPlaceChangeReasons))];
    p.changes.insert(std::upper_bound(p.changes.begin(), p.changes.end(), c,
                                      [](const Change& a, const Change& b) { return a.day < b.day; }),
                     c);
    ++n;
  }
  if (Placements(fy) != target) Fail(absl::StrCat("lac_placements ", fy));
}

// lac_inhouse_foster_children: children placed in the year in the LA's own foster care.
void Borough::CalibrateInHouse(int fy) {
  const int target = kLacInHouse[fy - kFirstFy];
  if (target < 0) return;
  const int32_t fys = Fys(fy), fye = Fye(fy);
  // Each child's placements held on some day of the year.
  std::map<int32_t, std::vector<Placement*>> held;
  for (Period& p : periods_) {
    if (p.ShortBreak() || p.start > fye || p.end <= fys) continue;
    std::vector<Placement*>& list = held[p.child];
    int32_t from = p.start;
    Placement* current = &p.placement;
    for (Change& c : p.changes) {
      if (!c.moves) continue;
      if (from <= fye && c.day > fys) list.push_back(current);
      from = c.day;
      current = &c.placement;
    }
    if (from <= fye && p.end > fys) list.push_back(current);
  }
  std::vector<int32_t> in, out;
  for (const auto& [child, list] : held) {
    bool any = false, foster = false;
    for (const Placement* pl : list) {
      any = any || InHouseFoster(*pl);
      foster = foster || pl->place[0] == 'U';
    }
    if (any) {
      in.push_back(child);
    } else if (foster) {
      out.push_back(child);
    }
  }
  rng_.Shuffle(in);
  rng_.Shuffle(out);
  int n = static_cast<int>(in.size());
  for (size_t k = 0; n > target && k < in.size(); ++k, --n) {
    for (Placement* pl : held[in[k]]) {
      if (InHouseFoster(*pl)) pl->provider = "PR4";
    }
  }
  for (size_t k = 0; n < target && k < out.size(); ++k, ++n) {
    for (Placement* pl : held[out[k]]) {
      if (pl->place[0] == 'U') {
        pl->provider = "PR1";
        break;
      }
    }
  }
  if (n != target) Fail(absl::StrCat("lac_inhouse_foster_children ", fy));
}

// The nearest count whose share of `of` rounds to `pct`.
int CountForPct(int pct, int of) { return static_cast<int>((static_cast<int64_t>(pct) * of + 50) / 100); }

// Sex, age and ethnicity of the children looked after at the calibrated year ends.
// Ages move by shifting the birth dates of filler children (who leave before 16), so
// every period still starts after birth and ends before the 16th birthday.
void Borough::CalibrateCharacteristics() {
  // Children looked after at each year end, once each.
  auto at = [&](int fy) {
    std::vector<int32_t> out;
    for (const Period& p : periods_) {
      if (!p.ShortBreak() && p.OpenAt(Fye(fy))) out.push_back(p.child);
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
  };
  for (int i = 0; i < kYears; ++i) {
    if (kLacFemalePct[i] < 0) continue;
    const std::vector<int32_t> children = at(kFirstFy + i);
    const int target = CountForPct(kLacFemalePct[i], static_cast<int>(children.size()));
    int n = 0;
    for (int32_t c : children) n += !children_[c].male;
    std::vector<int32_t> order = children;
    rng_.Shuffle(order);
    for (int32_t c : order) {
      if (n == target) break;
      Child& ch = children_[c];
      if (n > target && !ch.male) {
        ch.male = true;
        --n;
      } else if (n < target && ch.male) {
        ch.male = false;
        ++n;
      }
    }
    if (n != target) return Fail(absl::StrCat("lac_female_pct ", kFirstFy + i));
  }

  // Two-year calibrations (under 10, White British): a child at both year ends counts in
  // both, so a change is kept only when it brings the two counts nearer their targets.
  struct Target {
    int fy;
    std::vector<char> member;
    int n;
    int target;
  };
  auto calibrate = [&](const int* pcts, const char* name, auto has, auto propose) {
    std::vector<Target> ts;
    std::vector<int32_t> all;
    for (int i = 0; i < kYears; ++i) {
      if (pcts[i] < 0) continue;
      const std::vector<int32_t> kids = at(kFirstFy + i);
      Target t{kFirstFy + i, std::vector<char>(children_.size(), 0), 0,
               CountForPct(pcts[i], static_cast<int>(kids.size()))};
      for (int32_t c : kids) {
        t.member[c] = 1;
        t.n += has(c, t.fy);
      }
      all.insert(all.end(), kids.begin(), kids.end());
      ts.push_back(std::move(t));
    }
    std::sort(all.begin(), all.end());
    all.erase(std::unique(all.begin(), all.end()), all.end());
    auto error = [&] {
      int e = 0;
      for (const Target& t : ts) e += std::abs(t.n - t.target);
      return e;
    };
    for (int round = 0; round < 60 && error() > 0; ++round) {
      rng_.Shuffle(all);
      for (int32_t c : all) {
        if (error() == 0) break;
        std::vector<int> before;
        for (const Target& t : ts) before.push_back(t.member[c] ? has(c, t.fy) : 0);
        // Called by `propose` after it changed the child: keeps the change (true) when
        // it lowers the error.
        auto accept = [&] {
          int changed = 0;
          for (size_t k = 0; k < ts.size(); ++k) {
            const int after = ts[k].member[c] ? has(c, ts[k].fy) : 0;
            changed += std::abs(ts[k].n - before[k] + after - ts[k].target);
          }
          if (changed >= error()) return false;
          for (size_t k = 0; k < ts.size(); ++k) {
            ts[k].n += (ts[k].member[c] ? has(c, ts[k].fy) : 0) - before[k];
          }
          return true;
        };
        propose(c, accept);
      }
    }
    if (error() != 0) {
      std::string detail;
      for (const Target& t : ts) absl::StrAppend(&detail, " ", t.fy, ": ", t.n, " for ", t.target, ";");
      Fail(absl::StrCat(name, ":", detail));
    }
  };

  calibrate(
      kLacWbriPct, "lac_ethnicity_pct{WBRI}", [&](int32_t c, int) { return children_[c].ethnicity == kWbri ? 1 : 0; },
      [&](int32_t c, auto accept) {
        Child& ch = children_[c];
        const uint8_t was = ch.ethnicity;
        ch.ethnicity = was == kWbri ? static_cast<uint8_t>(1 + rng_.Below(kEthnicities.size() - 1)) : kWbri;
        if (!accept()) ch.ethnicity = was;
      });
  if (!status_.ok()) return;

  calibrate(
      kLacUnder10Pct, "lac_under10_pct",
      [&](int32_t c, int fy) { return AgeOn(children_[c].dob, Fye(fy)) < 10 ? 1 : 0; },
      [&](int32_t c, auto accept) {
        Child& ch = children_[c];
        int32_t latest = INT32_MAX;  // born before every period starts
        for (int32_t id : ch.periods) {
          const Period& p = periods_[id];
          if (p.kind != Kind::kFiller) return;
          latest = std::min(latest, p.start - 1);
        }
        const int32_t was = ch.dob;
        for (int shift : {-1, 1, -2, 2, -3, -4}) {
          const int32_t to = ShiftYears(was, shift) + rng_.Between(-60, 60);
          if (to > latest) continue;
          // Still under 16 on the last day looked after (an end after 31 March 2016 is
          // not in any return: it may come sooner).
          const int32_t sixteenth = Birthday(to, 16);
          bool ok = true;
          for (int32_t id : ch.periods) {
            const int32_t end = periods_[id].end;
            ok = ok && (end < sixteenth || (end > kWindowEnd && sixteenth - 1 > kWindowEnd));
          }
          if (!ok) continue;
          ch.dob = to;
          if (accept()) {
            ch.eighteenth = EighteenthBirthday(to);
            for (int32_t id : ch.periods) {
              periods_[id].deadline = sixteenth - 1;
              periods_[id].end = std::min(periods_[id].end, sixteenth - 1);
            }
            return;
          }
          ch.dob = was;
        }
      });
}

void Borough::BuildLookedAfter() {
  for (int i = 0; i < kYears; ++i) {
    const int fy = kFirstFy + i, n = kAdoptions[i];
    // A1 days drawn round the year's mean, then nudged to the exact sum.
    std::vector<int32_t> a1(n);
    int64_t sum = 0;
    for (int32_t& v : a1) {
      v = std::clamp(kA1Sum[i] / n * rng_.Between(55, 160) / 100, 240, 1500);
      sum += v;
    }
    for (int64_t diff = kA1Sum[i] - sum; diff != 0;) {
      int32_t& v = a1[rng_.Below(n)];
      const int step = diff > 0 ? 1 : -1;
      if (v + step < 240 || v + step > 1500) continue;
      v += step;
      diff -= step;
    }
    for (int32_t v : a1) MakeAdoption(fy, v);
  }
  CalibrateDecisions();
  if (!status_.ok()) return;
  MakeLeavers();
  MakeShortBreaks();
  MakeLegacyFillers();
  for (int fy = kFirstFy; fy <= kLastFy && status_.ok(); ++fy) FlowYear(fy);
  if (!status_.ok()) return;
  for (Period& p : periods_) MakeChanges(p);
  for (int fy = kFirstFy; fy <= kLastFy && status_.ok(); ++fy) CalibratePlacements(fy);
  for (int fy = kFirstFy; fy <= kLastFy && status_.ok(); ++fy) CalibrateInHouse(fy);
  if (status_.ok()) CalibrateCharacteristics();
  SettleSgoEnds();
}

// Special guardianship to former foster carers (E45, E46) ends a foster placement (U1 to
// U6, rule 516); from any other placement the order is to other carers (E47, E48).
void Borough::SettleSgoEnds() {
  for (Period& p : periods_) {
    const bool former = std::strcmp(p.rec, "E45") == 0, other = std::strcmp(p.rec, "E46") == 0;
    if (!former && !other) continue;
    const Placement* last = &p.placement;
    for (const Change& c : p.changes) {
      if (c.moves) last = &c.placement;
    }
    if (last->place[0] != 'U') p.rec = former ? "E47" : "E48";
  }
}

// ---------------------------------------------------------------------------------------
// Child protection plans.

int32_t Borough::PlanDuration() {
  switch (rng_.Weighted(std::array<int, 4>{300, 400, 250, 50})) {
    case 0: return rng_.Between(60, 180);
    case 1: return rng_.Between(181, 365);
    case 2: return rng_.Between(366, 730);
    default: return rng_.Between(731, 1200);
  }
}

void Borough::CategorisePlan(Plan& p) {
  p.initial = static_cast<uint8_t>(rng_.Weighted(kCategoryWeights));
  p.latest = rng_.PerMille(850) ? p.initial : static_cast<uint8_t>(rng_.Weighted(kCategoryWeights));
}

void Borough::AddOpenPlans(int count, int32_t window_start) {
  for (int n = 0; n < count; ++n) {
    Plan p;
    const int32_t dob = DobForAge(window_start - 1, std::min(14, rng_.Weighted(kPlanAgeWeights)));
    p.child = AddStoryChild(dob);
    const int32_t duration = PlanDuration();
    p.start = std::max(dob + 30, window_start - rng_.Between(1, duration - 1));
    p.end = std::min(p.start + duration, children_[p.child].eighteenth - 60);
    if (p.start >= window_start || p.end < window_start) {
      p.start = window_start - 1;
      p.end = window_start + rng_.Between(30, 300);
    }
    CategorisePlan(p);
    plans_.push_back(p);
    children_[p.child].plans.push_back(static_cast<int32_t>(plans_.size() - 1));
  }
}

void Borough::StartPlans(int fy, int count, const std::vector<int32_t>& ended) {
  for (int n = 0; n < count; ++n) {
    Plan p;
    // A weekday as written (SampleDay's draws, on cal_'s weekdays): the conference that
    // starts a plan is not held at a weekend (rule 8875).
    do {
      p.start = rng_.Between(Fys(fy), Fye(fy));
    } while (cal_.Weekend(p.start) && !rng_.PerMille(0));
    p.child = -1;
    if (!ended.empty() && rng_.PerMille(120)) {
      for (int attempt = 0; attempt < 8 && p.child < 0; ++attempt) {
        const int32_t c = ended[ended.size() - 1 - rng_.Below(std::min<uint64_t>(ended.size(), 600))];
        const Child& ch = children_[c];
        const Plan& last = plans_[ch.plans.back()];
        if (last.end == kNever || last.end + 150 > p.start || AgeOn(ch.dob, p.start) > 15) continue;
        p.child = c;
      }
    }
    if (p.child < 0) p.child = AddStoryChild(DobForAge(p.start, rng_.Weighted(kPlanAgeWeights)));
    Child& c = children_[p.child];
    if (!c.plans.empty()) {
      plans_[c.plans.back()].has_next = true;
      p.previous = static_cast<int32_t>(c.plans.size());
    }
    p.end = std::min(p.start + PlanDuration(), c.eighteenth - 60);
    CategorisePlan(p);
    plans_.push_back(p);
    c.plans.push_back(static_cast<int32_t>(plans_.size() - 1));
  }
}

void Borough::NoteEndedPlans(int fy, std::vector<int32_t>* ended) const {
  for (const Plan& p : plans_) {
    if (p.end >= Fys(fy) && p.end <= Fye(fy) && children_[p.child].plans.back() == &p - plans_.data()) {
      ended->push_back(p.child);
    }
  }
}

void Borough::BuildProtection() {
  AddOpenPlans(kCppInitial, kWindowStart);
  std::vector<int32_t> ended;  // children whose last plan ended in an earlier year
  for (int i = 0; i < kYears && status_.ok(); ++i) {
    const int fy = kFirstFy + i;
    StartPlans(fy, kCppStarted[i], ended);
    AdjustPlans(fy);
    NoteEndedPlans(fy, &ended);
  }
  if (status_.ok()) CalibrateCategories();
}

// Ends plans within the year, or moves their end past it, until the children on a plan
// on 31 March are the profile's; earlier year ends do not change.
void Borough::AdjustPlans(int fy) {
  const int32_t fys = Fys(fy), fye = Fye(fy);
  auto open = [&] {
    int n = 0;
    for (const Plan& p : plans_) n += p.start <= fye && p.end > fye;
    return n;
  };
  int diff = open() - kCppYearEnd[fy - kFirstFy];
  std::vector<int32_t> c;
  for (size_t j = 0; j < plans_.size(); ++j) {
    const Plan& p = plans_[j];
    if (!p.flexible) continue;
    if (diff > 0 && p.end > fye && p.start + 30 <= fye) c.push_back(static_cast<int32_t>(j));
    if (diff < 0 && !p.has_next && p.end >= fys && p.end <= fye &&
        children_[p.child].eighteenth - 60 > fye + 1) {
      c.push_back(static_cast<int32_t>(j));
    }
  }
  rng_.Shuffle(c);
  if (static_cast<int>(c.size()) < std::abs(diff)) return Fail(absl::StrCat("cpp_year_end ", fy));
  for (int k = 0; k < std::abs(diff); ++k) {
    Plan& p = plans_[c[k]];
    if (diff > 0) {
      p.end = rng_.Between(std::max(p.start + 30, fys), fye);
    } else {
      p.end = fye + rng_.Between(1, std::min(children_[p.child].eighteenth - 60 - fye, rng_.Between(30, 500)));
    }
  }
  if (open() != kCppYearEnd[fy - kFirstFy]) Fail(absl::StrCat("cpp_year_end ", fy));
}

// cpp_category_pct{EMO} at the calibrated year ends, latest year first: a plan open at a
// later calibrated year end keeps the category that year gave it.
void Borough::CalibrateCategories() {
  std::vector<int> done;
  for (int i = kYears - 1; i >= 0; --i) {
    if (kCppEmoPct[i] < 0) continue;
    const int32_t s = Fye(kFirstFy + i);
    int open = 0, emo = 0;
    std::vector<int32_t> free;
    for (size_t j = 0; j < plans_.size(); ++j) {
      const Plan& p = plans_[j];
      if (p.start > s || p.end <= s) continue;
      ++open;
      emo += p.latest == kEmo;
      bool fixed = false;
      for (int later : done) fixed = fixed || (p.start <= Fye(later) && p.end > Fye(later));
      if (!fixed) free.push_back(static_cast<int32_t>(j));
    }
    const int target = CountForPct(kCppEmoPct[i], open);
    rng_.Shuffle(free);
    for (int32_t j : free) {
      Plan& p = plans_[j];
      if (emo > target && p.latest == kEmo) {
        p.latest = static_cast<uint8_t>(1 + rng_.Below(4));
        --emo;
      } else if (emo < target && p.latest != kEmo) {
        p.latest = kEmo;
        ++emo;
      }
    }
    if (emo != target) return Fail(absl::StrCat("cpp_category_pct{EMO} ", kFirstFy + i));
    done.push_back(kFirstFy + i);
  }
}

// ---------------------------------------------------------------------------------------
// CIN episodes of the story children.

int32_t Borough::AddEpisode(Episode e) {
  const int32_t id = static_cast<int32_t>(episodes_.size());
  children_[e.child].episodes.push_back(id);
  episodes_.push_back(std::move(e));
  return id;
}

int32_t Borough::AddS47(int32_t episode, int32_t start, int32_t outcome, bool icpc, bool generic) {
  S47 s;
  s.episode = episode;
  s.start = start;
  s.outcome = outcome;
  s.icpc = icpc;
  s.generic = generic;
  s47s_.push_back(s);
  const int32_t id = static_cast<int32_t>(s47s_.size() - 1);
  episodes_[episode].s47s.push_back(id);
  return id;
}

void Borough::AddAssessment(Episode& e, int32_t start, int wd) {
  e.asmt_start = start;
  e.asmt_auth = cal_.Add(start, wd);
  if (rng_.PerMille(80)) {
    e.nfactors = 0;  // 21: no factors identified
    return;
  }
  e.nfactors = static_cast<uint8_t>(1 + rng_.Weighted(std::array<int, 3>{500, 350, 150}));
  for (int k = 0; k < e.nfactors; ++k) {
    uint8_t f;
    do {
      f = static_cast<uint8_t>(rng_.Below(kFactors.size()));
    } while (std::find(e.factors, e.factors + k, f) != e.factors + k);
    e.factors[k] = f;
  }
}

// The earliest closure the episode's contents allow.
void Borough::SetFloor(Episode& e) {
  int32_t f = e.referral + 1;
  if (e.asmt_auth != kNone) f = std::max(f, e.asmt_auth);
  if (e.cin_plan_start != kNone) f = std::max(f, e.cin_plan_start + 1);
  for (int32_t s : e.s47s) {
    if (!s47s_[s].removed) f = std::max(f, s47s_[s].outcome);
  }
  for (int32_t p : e.plans) f = std::max(f, plans_[p].end == kNever ? kNever : plans_[p].end);
  e.floor = std::max(e.floor, f);
}

void Borough::BuildHosts() {
  for (int32_t child = 0; child < static_cast<int32_t>(children_.size()); ++child) {
    Child& c = children_[child];
    // Periods of care, in groups a CIN episode spans (a break of over 120 days ends one).
    std::vector<std::vector<int32_t>> groups;
    for (int32_t id : c.periods) {
      const Period& p = periods_[id];
      if (groups.empty() || (p.ShortBreak() != periods_[groups.back().back()].ShortBreak()) ||
          (!p.ShortBreak() && p.start - periods_[groups.back().back()].end > 120)) {
        groups.emplace_back();
      }
      groups.back().push_back(id);
    }
    // Plans: one CIN episode each.
    struct Host {
      int32_t referral = 0;
      int32_t last_end = 0;
      std::vector<int32_t> periods;
      int32_t plan = -1;
      int32_t s47_start = 0;
    };
    std::vector<Host> hosts;
    for (auto& g : groups) {
      Host h;
      const Period& first = periods_[g.front()];
      int32_t lag = first.pp ? 0 : rng_.PerMille(200) ? 0 : rng_.Between(1, 90);
      if (first.ShortBreak()) lag = rng_.Between(30, 300);
      h.referral = std::max(first.start - lag, c.dob + 1);
      h.last_end = periods_[g.back()].end;
      h.periods = g;
      hosts.push_back(std::move(h));
    }
    for (int32_t id : c.plans) {
      Host h;
      const Plan& p = plans_[id];
      h.plan = id;
      h.s47_start = std::max(c.dob + 1, p.start - rng_.Between(5, 32));
      h.referral = std::max(c.dob + 1, h.s47_start - (rng_.PerMille(400) ? 0 : rng_.Between(1, 20)));
      h.last_end = p.end;
      hosts.push_back(std::move(h));
    }
    std::sort(hosts.begin(), hosts.end(), [](const Host& a, const Host& b) { return a.referral < b.referral; });
    for (size_t k = 0; k < hosts.size(); ++k) {
      const Host& h = hosts[k];
      const int32_t next = k + 1 < hosts.size() ? hosts[k + 1].referral : kNever;
      Episode e;
      e.child = child;
      e.referral = h.referral;
      e.kind = EpKind::kHost;
      e.cap = std::min(c.eighteenth, next - 1);
      if (h.plan >= 0) {
        Plan& p = plans_[h.plan];
        e.source = static_cast<uint8_t>(rng_.Weighted(kReferralSourceWeights));
        e.need = static_cast<uint8_t>(rng_.PerMille(800) ? 0 : 3);
        if (p.end == kNever || p.end > kWindowEnd) {
          e.closure = kNever;
        } else {
          const int32_t tail = rng_.PerMille(250) ? 0 : rng_.Between(30, 300);
          e.closure = std::min(p.end + tail, e.cap);
          if (e.closure > p.end) e.cin_plan_start = p.end;
          e.adjustable = true;
          e.floor = p.end + (e.cin_plan_start != kNone ? 1 : 0);
          e.reason = kRc7;
        }
        AddAssessment(e, e.referral + rng_.Between(0, 2), rng_.Between(5, 50));
        if (e.closure != kNever && e.asmt_auth > e.closure) e.asmt_auth = e.closure;
        const int32_t id = AddEpisode(std::move(e));
        AddS47(id, h.s47_start, p.start, true, false);
        episodes_[id].plans.push_back(h.plan);
        p.episode = id;
        SetFloor(episodes_[id]);
        continue;
      }
      const Period& first = periods_[h.periods.front()];
      const Period& last = periods_[h.periods.back()];
      e.source = first.pp ? kPoliceSource : static_cast<uint8_t>(rng_.Weighted(kReferralSourceWeights));
      e.need = static_cast<uint8_t>(first.need[1] - '1');
      if (last.end == kNever || last.end > kWindowEnd) {
        e.closure = kNever;
      } else if (std::strcmp(last.rec, "E11") == 0 || std::strcmp(last.rec, "E12") == 0) {
        e.closure = last.end;
        e.reason = kRc1;
      } else if (last.rec[1] == '4' && last.rec[2] != 'A' && last.rec[2] != 'B' && last.rec[2] != '1') {
        e.closure = last.end;  // E45..E48: special guardianship or child arrangements order
        e.reason = kRc4;
      } else if (std::strcmp(last.rec, "E41") == 0) {
        e.closure = last.end;
        e.reason = kRc3;
      } else if (last.end >= c.eighteenth || first.ShortBreak()) {
        e.closure = std::min(last.end, c.eighteenth);
      } else {
        e.closure = std::min(last.end + rng_.Between(14, 200), e.cap);
        e.adjustable = true;
        e.floor = last.end;
      }
      if (first.ShortBreak()) e.closure = c.eighteenth <= kWindowEnd ? c.eighteenth : kNever;
      AddAssessment(e, e.referral + rng_.Between(0, 2), rng_.Between(5, 60));
      // A care of a day or two closes the episode before the assessment would have
      // started: it starts and ends that day (rules 8565, 8608).
      if (e.closure != kNever && e.asmt_start > e.closure) e.asmt_start = e.closure;
      if (e.closure != kNever && e.asmt_auth > e.closure) e.asmt_auth = e.closure;
      const int32_t id = AddEpisode(std::move(e));
      Episode& ep = episodes_[id];
      if (first.pp || rng_.PerMille(300)) {
        int32_t start = first.pp ? ep.referral : ep.referral + rng_.Between(0, 3);
        if (ep.closure != kNever) start = std::min(start, ep.closure);
        int32_t outcome = cal_.Add(start, rng_.Between(2, 10));
        if (ep.closure != kNever) outcome = std::min(outcome, ep.closure);
        AddS47(id, start, std::max(outcome, start), false, false);
      }
      SetFloor(episodes_[id]);
    }
  }
}

// ---------------------------------------------------------------------------------------
// The front door: contacts and the other referrals, as before.

// Weekend days are kept only `weekend_per_mille` of the time: out-of-hours work is
// mostly police and emergencies.
int32_t Borough::SampleDay(int32_t start, int32_t end, int weekend_per_mille) {
  for (;;) {
    const int32_t day = rng_.Between(start, end);
    if (!IsWeekend(day) || rng_.PerMille(weekend_per_mille)) return day;
  }
}

// Recent children are likelier to come back than ones seen years ago.
int32_t Borough::PickRecent(const std::vector<int32_t>& pool) {
  const uint64_t window = std::min<uint64_t>(pool.size(), 5000);
  return pool[pool.size() - 1 - rng_.Below(window)];
}

void Borough::AddContactRow(int32_t child, int32_t day, int source) {
  children_[child].contact_days.push_back(day);
  contacts_.push_back({day, child, static_cast<uint8_t>(source)});
}

// A day for the contact behind a referral on `referral` of `child`: the preferred
// lead day, else the referral day itself; -1 when neither is free.
int32_t Borough::ContactDayFor(const Child& c, int32_t preferred, int32_t referral) const {
  if (c.dob < preferred && !c.HasContactOn(preferred)) return preferred;
  if (!c.HasContactOn(referral)) return referral;
  return -1;
}

bool Borough::CanRefer(const Child& c, int32_t referral) const {
  return c.AgedUnder18On(referral) && c.last_closure < referral;
}

void Borough::BuildFrontDoor() {
  // Referrals of the story children bring their own contacts.
  const std::map<int, int> story = StoryContacts(kWindowStart);
  if (!status_.ok()) return;
  // Open cases referred before April 2010: the caseload the window starts with.
  for (int n = 0; n < kLegacyGeneric; ++n) AddLegacyCase(kWindowStart);
  for (int i = 0; i < kYears && status_.ok(); ++i) {
    auto it = story.find(kFirstFy + i);
    const int generic = kReferrals[i] - (it == story.end() ? 0 : it->second);
    if (generic < 0) return Fail(absl::StrCat("referrals ", kFirstFy + i, ": more story referrals than the year has"));
    RunYear(kFirstFy + i, generic, kContacts[i] - kReferrals[i]);
  }
}

// A contact for each story referral dated from `window_start`; the referrals per
// financial year.
std::map<int, int> Borough::StoryContacts(int32_t window_start) {
  std::map<int, int> story;
  for (int32_t id = 0; id < static_cast<int32_t>(episodes_.size()); ++id) {
    const Episode& e = episodes_[id];
    if (e.referral < window_start) continue;
    const int fy = FinancialYearOf(e.referral);
    ++story[fy];
    const int32_t preferred = std::max(Fys(fy), e.referral - rng_.Weighted(kContactLeadWeights));
    const int32_t day = ContactDayFor(children_[e.child], preferred, e.referral);
    if (day < 0) {
      Fail("a story referral has no free day for its contact");
      return story;
    }
    AddContactRow(e.child, day, e.source);
  }
  return story;
}

// A generic child's CIN case referred before `window_start` and still open on that day.
void Borough::AddLegacyCase(int32_t window_start) {
  Child c;
  c.dob = DobForAge(window_start, rng_.Between(1, 15));
  c.eighteenth = EighteenthBirthday(c.dob);
  c.male = rng_.PerMille(520);
  c.ethnicity = static_cast<uint8_t>(rng_.Weighted(kEthnicityWeights));
  c.referred = true;
  children_.push_back(std::move(c));
  const int32_t child = static_cast<int32_t>(children_.size() - 1);
  known_.push_back(child);
  referred_.push_back(child);
  Child& ch = children_[child];
  Episode e;
  e.child = child;
  e.kind = EpKind::kLegacy;
  e.referral = std::max(ch.dob + 1, window_start - rng_.Between(30, 1400));
  switch (rng_.Weighted(std::array<int, 3>{400, 350, 250})) {
    case 0: e.closure = window_start + rng_.Between(0, 180); break;
    case 1: e.closure = window_start + rng_.Between(181, 540); break;
    default: e.closure = window_start + rng_.Between(541, 1400); break;
  }
  e.closure = std::min(e.closure, ch.eighteenth);
  e.source = static_cast<uint8_t>(rng_.Weighted(kReferralSourceWeights));
  e.need = static_cast<uint8_t>(rng_.Weighted(kNeedWeights));
  e.reason = static_cast<uint8_t>(rng_.Weighted(kLongClosureWeights));
  e.asmt_start = e.referral;
  e.asmt_auth = std::min(e.referral + 20, window_start - 2);
  e.nfactors = 1;
  e.factors[0] = static_cast<uint8_t>(rng_.Below(kFactors.size()));
  e.cin_plan_start = std::min(e.asmt_auth + 5, window_start - 1);
  if (e.asmt_auth < e.asmt_start) e.asmt_auth = e.asmt_start;
  if (e.cin_plan_start < e.asmt_auth) e.cin_plan_start = e.asmt_auth;
  e.adjustable = true;
  e.cap = ch.eighteenth;
  SetFloor(e);
  ch.last_closure = e.closure;
  AddEpisode(std::move(e));
}

void Borough::RunYear(int fy, int generic_referrals, int contact_only) {
  const int32_t start = Fys(fy), end = Fye(fy);
  struct Event {
    int32_t day;
    bool referral;
  };
  std::vector<Event> events;
  events.reserve(static_cast<size_t>(generic_referrals + contact_only));
  // Each referral brings its own contact, so the rest are contacts that went no
  // further.
  for (int k = 0; k < generic_referrals; ++k) events.push_back({SampleDay(start, end, 150), true});
  for (int k = 0; k < contact_only; ++k) events.push_back({SampleDay(start, end, 300), false});
  // Chronological order lets an earlier contact's child be referred later and an
  // episode close before the same child's next referral.
  std::stable_sort(events.begin(), events.end(), [](const Event& a, const Event& b) { return a.day < b.day; });
  for (const Event& e : events) {
    if (e.referral) {
      AddReferral(e.day, fy);
    } else {
      AddContact(e.day);
    }
  }
}

void Borough::AddReferral(int32_t referral, int fy) {
  const int32_t fy_start = Fys(fy), fy_end = Fye(fy);
  const int32_t preferred = std::max(fy_start, referral - rng_.Weighted(kContactLeadWeights));
  int32_t child = -1, contact_day = -1;
  // Tuned so that about a fifth of referrals follow another within 12 months (the
  // national re-referral rate) and some are of children known from earlier contacts.
  const std::vector<int32_t>* pools[2] = {&referred_, &known_};
  const int pool_per_mille[2] = {300, 250};
  for (int p = 0; p < 2 && child < 0; ++p) {
    if (pools[p]->empty() || !rng_.PerMille(pool_per_mille[p])) continue;
    for (int attempt = 0; attempt < 6; ++attempt) {
      const int32_t candidate = PickRecent(*pools[p]);
      const Child& c = children_[candidate];
      if (!CanRefer(c, referral)) continue;
      const int32_t day = ContactDayFor(c, preferred, referral);
      if (day < 0) continue;
      child = candidate;
      contact_day = day;
      break;
    }
  }
  if (child < 0) {
    child = NewChild(preferred, referral);
    contact_day = preferred;
  }

  Episode e;
  e.child = child;
  e.referral = referral;
  e.source = static_cast<uint8_t>(rng_.Weighted(kReferralSourceWeights));
  e.need = static_cast<uint8_t>(rng_.Weighted(kNeedWeights));
  // No further action, closed after assessment, a plan of up to a year, a longer one.
  const int kind = rng_.Weighted(referral_kinds_);
  int32_t s47_start = kNone;
  if (kind == 0 && referral < fy_end) {
    // No further action is decided quickly, within the referral's own year.
    e.kind = EpKind::kNfa;
    e.nfa = true;
    e.closure = referral + rng_.Between(1, std::min<int32_t>(14, fy_end - referral));
    // Not RC8, "closed after assessment": there was none (rule 8825Q).
    e.reason = kRc7;
  } else {
    AddAssessment(e, referral + rng_.Weighted(kContactLeadWeights),
                  rng_.PerMille(720) ? rng_.Between(5, 45) : rng_.Between(46, 90));
    if (kind <= 1) {
      e.kind = EpKind::kAfterAssessment;
      e.closure = e.asmt_auth + rng_.Between(0, 10);
      e.reason = kRc8;
    } else {
      e.kind = kind == 2 ? EpKind::kPlan : EpKind::kLongPlan;
      e.cin_plan_start = e.asmt_auth + rng_.Between(0, 10);
      e.closure = referral + (kind == 2 ? rng_.Between(45, 365) : rng_.Between(366, 1100));
      e.closure = std::max(e.closure, e.cin_plan_start + 14);
      e.reason = static_cast<uint8_t>(rng_.Weighted(kLongClosureWeights));
      e.adjustable = true;
    }
    if (rng_.PerMille(kS47GenericPerMille[fy - kFirstFy])) s47_start = referral + rng_.Between(0, 5);
  }
  Child& c = children_[child];
  int32_t s47_outcome = kNone;
  if (s47_start != kNone) {
    s47_outcome = cal_.Add(s47_start, rng_.Between(3, 15));
    if (e.kind == EpKind::kAfterAssessment) e.closure = std::max(e.closure, s47_outcome);
  }
  if (e.closure >= c.eighteenth) {
    e.closure = c.eighteenth;
    e.nfa = false;
    // What the 18th birthday cut short.
    if (e.asmt_start != kNone && e.asmt_start >= e.closure) {
      e.asmt_start = e.asmt_auth = kNone;
      e.nfactors = 0;
    }
    if (e.asmt_auth != kNone) e.asmt_auth = std::min(e.asmt_auth, e.closure);
    if (e.cin_plan_start != kNone && e.cin_plan_start >= e.closure) e.cin_plan_start = kNone;
    if (s47_start != kNone && s47_start >= e.closure) s47_start = kNone;
    if (s47_outcome != kNone) s47_outcome = std::min(s47_outcome, e.closure);
  }
  if (e.kind == EpKind::kAfterAssessment && e.asmt_auth != kNone) e.gap = e.closure - e.asmt_auth;
  if (e.cin_plan_start != kNone) e.gap = e.cin_plan_start - e.asmt_auth;
  e.cap = c.eighteenth;
  c.last_closure = e.closure;
  if (!c.referred) {
    c.referred = true;
    referred_.push_back(child);
  }
  const int32_t id = AddEpisode(std::move(e));
  if (s47_start != kNone) {
    // No conference on a day the 18th birthday cut the enquiry short to, if not a
    // working day (rule 8875).
    const bool icpc = rng_.PerMille(120);
    AddS47(id, s47_start, s47_outcome, icpc && cal_.Working(s47_outcome), true);
  }
  SetFloor(episodes_[id]);
  // The contact and the referral share the source: it is the same call.
  AddContactRow(child, contact_day, episodes_[id].source);
}

void Borough::AddContact(int32_t day) {
  const int source = rng_.Weighted(kContactSourceWeights);
  // Repeat contacts: about a fifth about children already referred (often while
  // their case is open), a fifth about children seen before.
  const std::vector<int32_t>* pools[2] = {&referred_, &known_};
  const int pool_per_mille[2] = {200, 250};
  for (int p = 0; p < 2; ++p) {
    if (pools[p]->empty() || !rng_.PerMille(pool_per_mille[p])) continue;
    for (int attempt = 0; attempt < 6; ++attempt) {
      const int32_t candidate = PickRecent(*pools[p]);
      const Child& c = children_[candidate];
      if (c.AgedUnder18On(day) && !c.HasContactOn(day)) {
        AddContactRow(candidate, day, source);
        return;
      }
    }
  }
  AddContactRow(NewChild(day, day), day, source);
}

// The referral date of the child's next episode; kNever when there is none.
int32_t Borough::NextReferral(const Episode& e) const {
  int32_t next = kNever;
  for (int32_t id : children_[e.child].episodes) {
    const int32_t r = episodes_[id].referral;
    if (r > e.referral) next = std::min(next, r);
  }
  return next;
}

// ---------------------------------------------------------------------------------------
// Calibration of the CIN figures.

// assessment_timeliness_pct: assessments of generic episodes authorised in the year are
// made quicker or slower, staying in the year.
void Borough::CalibrateTimeliness() {
  for (int i = 0; i < kYears; ++i) {
    if (kTimelyPct[i] < 0) continue;
    const int fy = kFirstFy + i;
    int n = 0, timely = 0;
    std::vector<int32_t> fast, slow;
    for (int32_t id = 0; id < static_cast<int32_t>(episodes_.size()); ++id) {
      const Episode& e = episodes_[id];
      if (e.asmt_auth == kNone || FinancialYearOf(e.asmt_auth) != fy) continue;
      ++n;
      const bool in_time = cal_.Between(e.asmt_start, e.asmt_auth) <= 45;
      timely += in_time;
      if (e.kind == EpKind::kAfterAssessment || e.kind == EpKind::kPlan || e.kind == EpKind::kLongPlan) {
        (in_time ? fast : slow).push_back(id);
      }
    }
    const int target = CountForPct(kTimelyPct[i], n);
    rng_.Shuffle(fast);
    rng_.Shuffle(slow);
    std::vector<int32_t>& pool = timely > target ? fast : slow;
    for (int32_t id : pool) {
      if (timely == target) break;
      Episode& e = episodes_[id];
      const bool make_slow = timely > target;
      const int32_t auth = cal_.Add(e.asmt_start, make_slow ? rng_.Between(46, 75) : rng_.Between(10, 45));
      if (FinancialYearOf(auth) != fy) continue;
      const int32_t limit = std::min(e.cap, NextReferral(e) - 1);
      if (e.kind == EpKind::kAfterAssessment) {
        const int32_t closure = auth + e.gap;
        int32_t s47_end = INT32_MIN;
        for (int32_t s : e.s47s) s47_end = std::max(s47_end, s47s_[s].outcome);
        if (closure > limit || closure < s47_end || closure <= e.referral) continue;
        e.closure = closure;
      } else {
        const int32_t plan = auth + e.gap;
        if (plan + 1 > e.closure) continue;
        e.cin_plan_start = plan;
      }
      e.asmt_auth = auth;
      e.floor = INT32_MIN;
      SetFloor(e);
      timely += make_slow ? -1 : 1;
    }
    if (timely != target) return Fail(absl::StrCat("assessment_timeliness_pct ", fy));
  }
}

// s47_enquiries: generic enquiries added to or dropped from episodes of the year.
void Borough::CalibrateS47() {
  for (int i = 0; i < kYears; ++i) {
    if (kS47[i] < 0) continue;
    const int fy = kFirstFy + i;
    int n = 0;
    std::vector<int32_t> drop;
    for (int32_t s = 0; s < static_cast<int32_t>(s47s_.size()); ++s) {
      if (s47s_[s].removed || FinancialYearOf(s47s_[s].start) != fy) continue;
      ++n;
      if (s47s_[s].generic) drop.push_back(s);
    }
    rng_.Shuffle(drop);
    for (size_t k = 0; n > kS47[i] && k < drop.size(); ++k, --n) {
      S47& s = s47s_[drop[k]];
      s.removed = true;
      Episode& e = episodes_[s.episode];
      e.s47s.erase(std::find(e.s47s.begin(), e.s47s.end(), drop[k]));
      e.floor = INT32_MIN;
      SetFloor(e);
    }
    std::vector<int32_t> add;
    for (int32_t id = 0; id < static_cast<int32_t>(episodes_.size()); ++id) {
      const Episode& e = episodes_[id];
      if (!e.s47s.empty() || e.referral < Fys(fy) || e.referral > Fye(fy) - 5) continue;
      if (e.kind == EpKind::kAfterAssessment || e.kind == EpKind::kPlan || e.kind == EpKind::kLongPlan) {
        add.push_back(id);
      }
    }
    rng_.Shuffle(add);
    for (size_t k = 0; n < kS47[i] && k < add.size(); ++k) {
      Episode& e = episodes_[add[k]];
      const int32_t start = e.referral + rng_.Between(0, 5);
      const int32_t outcome = cal_.Add(start, rng_.Between(3, 15));
      if (outcome > e.closure || FinancialYearOf(start) != fy) continue;
      AddS47(add[k], start, outcome, rng_.PerMille(120), true);
      SetFloor(episodes_[add[k]]);
      ++n;
    }
    if (n != kS47[i]) return Fail(absl::StrCat("s47_enquiries ", fy, ": ", n));
  }
}

// cin_open_year_end: closures moved across each 31 March in turn; an earlier year end
// does not change (a closure moved stays after it).
void Borough::CalibrateCinOpen() {
  for (int i = 0; i < kYears; ++i) {
    const int fy = kFirstFy + i;
    const int32_t fys = Fys(fy), fye = Fye(fy);
    // Children with an open episode at a date: one episode each (episodes do not overlap).
    auto open = [&] {
      int n = 0;
      for (const Episode& e : episodes_) n += e.referral <= fye && e.closure > fye;
      return n;
    };
    int diff = open() - kCinOpen[i];
    std::vector<int32_t> c;
    for (int32_t id = 0; id < static_cast<int32_t>(episodes_.size()); ++id) {
      const Episode& e = episodes_[id];
      if (!e.adjustable) continue;
      if (diff > 0 && e.referral <= fye && e.closure > fye) {
        const int32_t lo = std::max({e.floor, e.referral < fys ? fys : e.referral + 1});
        if (lo <= fye) c.push_back(id);
      } else if (diff < 0 && e.closure >= fys && e.closure <= fye) {
        if (std::min(e.cap, NextReferral(e) - 1) > fye) c.push_back(id);
      }
    }
    rng_.Shuffle(c);
    if (static_cast<int>(c.size()) < std::abs(diff)) {
      return Fail(absl::StrCat("cin_open_year_end ", fy, ": ", std::abs(diff), " to move, ", c.size(), " movable"));
    }
    for (int k = 0; k < std::abs(diff); ++k) {
      Episode& e = episodes_[c[k]];
      if (diff > 0) {
        const int32_t lo = std::max({e.floor, e.referral < fys ? fys : e.referral + 1});
        e.closure = rng_.Between(lo, fye);
      } else {
        const int32_t hi = std::min(e.cap, NextReferral(e) - 1);
        e.closure = fye + rng_.Between(1, std::min(hi - fye, rng_.Between(30, 900)));
      }
      if (e.kind == EpKind::kNfa) e.nfa = false;
    }
    if (open() != kCinOpen[i]) return Fail(absl::StrCat("cin_open_year_end ", fy));
  }
}

// ---------------------------------------------------------------------------------------
// Writing the returns.

std::string Borough::ContactsCsv(int fy) const {
  std::vector<const Contact*> rows;
  for (const Contact& c : contacts_) {
    if (FinancialYearOf(c.day) == fy) rows.push_back(&c);
  }
  std::sort(rows.begin(), rows.end(), [](const Contact* a, const Contact* b) {
    if (a->day != b->day) return a->day < b->day;
    return a->child < b->child;
  });
  std::string out =
      "Child Unique ID,Gender,Ethnicity,Date of Birth,Age,Date of Contact,Contact Source\n";
  out.reserve(out.size() + rows.size() * 90);
  for (const Contact* row : rows) {
    const Child& c = children_[row->child];
    const char letter = static_cast<char>('a' + c.ethnicity);
    absl::StrAppend(&out, ChildId(row->child), ",", c.male ? "a) Male" : "b) Female", ",",
                    std::string(1, letter), ") ", kEthnicities[c.ethnicity], ",",
                    FormatUkDate(c.dob), ",", AgeOn(c.dob, row->day), ",",
                    FormatUkDate(row->day), ",", kSources[row->source].annex_a, "\n");
  }
  return out;
}

// The reason for closure written for a closed episode (0-based: RC1 is 0): RC6 when it
// closed on the 18th birthday; RC7 for an episode closed after assessment whose enquiry,
// plan or CIN plan went on from it (RC8 or RC9 with any of those breaks rule 2990; a
// section 47 enquiry may be added to such an episode by CalibrateS47).
uint8_t Borough::ReasonForClosure(const Episode& e) const {
  if (e.closure == children_[e.child].eighteenth) return kRc6;
  if (e.reason != kRc8) return e.reason;
  bool activity = !e.plans.empty() || e.cin_plan_start != kNone;
  for (int32_t s : e.s47s) activity = activity || !s47s_[s].removed;
  return activity ? kRc7 : kRc8;
}

// Every episode open at some point in the financial year, as that year's return saw it:
// a closure, an authorisation or a conference after the reference date is not known yet.
std::string Borough::CensusXml(int fy) const {
  const int cy = fy + 1;
  const int out_cy = cy + year_shift_;  // the collection year written
  const int32_t start = Fys(fy), end = Fye(fy);
  const int32_t school_age_born_by = DayNumber(cy - 6, 8, 31);  // the school year began in September cy - 1
  auto iso = [](int32_t d) { return FormatIsoDate(d); };
  // Disabilities (rule 8540 wants one or more; 2887Q more than 7 codes across the return,
  // 2888Q some child with several): NONE, or for a disabled child (Disabled, as Annex A
  // has it) one to three of DfE's codes, learning disability and autism the commonest.
  // Hashed, so the PRNG's order and every figure stay as they were.
  auto disabilities = [&](int32_t child) {
    if (!Disabled(child)) return std::string("<Disabilities><Disability>NONE</Disability></Disabilities>");
    static constexpr std::array<const char*, 12> kCodes = {"LD",  "AUT",  "COMM", "BEH", "CON",  "MOB",
                                                          "HAND", "PC", "INC",  "HEAR", "VIS", "DDA"};
    static constexpr std::array<int, 12> kWeights = {250, 200, 120, 100, 80, 60, 40, 40, 30, 30, 30, 20};
    constexpr uint64_t kSaltDisabilities = 1001;  // apart from the Annex A lists' salts
    const uint64_t h = Hash(child, 0, kSaltDisabilities);
    const int n = h % 100 < 65 ? 1 : h % 100 < 90 ? 2 : 3;
    std::string xml = "<Disabilities>";
    uint32_t used = 0;
    for (int k = 0, draw = 1; k < n; ++draw) {
      int r = static_cast<int>(Hash(child, draw, kSaltDisabilities) % 1000), i = 0;
      while (r >= kWeights[i]) r -= kWeights[i++];
      if (used & (1u << i)) continue;
      used |= 1u << i;
      ++k;
      absl::StrAppend(&xml, "<Disability>", kCodes[i], "</Disability>");
    }
    return xml + "</Disabilities>";
  };
  std::string out;
  out.reserve(1 << 22);
  absl::StrAppend(&out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Message>\n  <Header>\n",
                  "    <CollectionDetails><Collection>CIN</Collection><Year>", out_cy,
                  "</Year><ReferenceDate>", iso(end), "</ReferenceDate></CollectionDetails>\n",
                  "    <Source><SourceLevel>L</SourceLevel><LEA>", la_,
                  "</LEA><SoftwareCode>carestat synth</SoftwareCode><Release>1</Release>",
                  "<SerialNo>1</SerialNo><DateTime>", cy,
                  "-04-15T09:00:00</DateTime></Source>\n  </Header>\n  <Children>\n");
  for (int32_t id = 0; id < static_cast<int32_t>(children_.size()); ++id) {
    const Child& c = children_[id];
    std::vector<int32_t> open;
    for (int32_t e : c.episodes) {
      if (episodes_[e].referral <= end && episodes_[e].closure >= start) open.push_back(e);
    }
    if (open.empty()) continue;
    std::sort(open.begin(), open.end(),
              [&](int32_t a, int32_t b) { return episodes_[a].referral < episodes_[b].referral; });
    // UN1 is "not of school age, no UPN yet": born after the 31 August five years before
    // the school year under way on the ReferenceDate began (rule 8770Q from 2024-25;
    // every child 6 or older by 31 March, its test to 2023-24, is of school age too).
    // Older synthetic children carry no UPN either, and UN2 is the nearest honest code.
    const char* upn_unknown = c.dob > school_age_born_by ? "UN1" : "UN2";
    absl::StrAppend(&out, "    <Child>\n      <ChildIdentifiers><LAchildID>", ChildId(id),
                    "</LAchildID><UPNunknown>", upn_unknown, "</UPNunknown><PersonBirthDate>", iso(c.dob),
                    "</PersonBirthDate>",
                    out_cy >= kSexLettersFromCy ? (c.male ? "<Sex>M</Sex>" : "<Sex>F</Sex>")
                                                : (c.male ? "<GenderCurrent>1</GenderCurrent>"
                                                          : "<GenderCurrent>2</GenderCurrent>"),
                    "</ChildIdentifiers>\n",
                    "      <ChildCharacteristics><Ethnicity>", kEthnicities[c.ethnicity], "</Ethnicity>",
                    disabilities(id), "</ChildCharacteristics>\n");
    for (int32_t eid : open) {
      const Episode& e = episodes_[eid];
      const bool closed = e.closure <= end;
      absl::StrAppend(&out, "      <CINdetails>\n        <CINreferralDate>", iso(e.referral),
                      "</CINreferralDate><ReferralSource>", kSources[e.source].cin,
                      "</ReferralSource><PrimaryNeedCode>N", e.need + 1, "</PrimaryNeedCode>\n        ");
      if (closed) {
        absl::StrAppend(&out, "<CINclosureDate>", iso(e.closure), "</CINclosureDate><ReasonForClosure>RC",
                        ReasonForClosure(e) + 1, "</ReasonForClosure>");
      }
      absl::StrAppend(&out, "<ReferralNFA>", e.nfa && closed ? "true" : "false", "</ReferralNFA>\n");
      if (e.asmt_start != kNone && e.asmt_start <= end && (e.asmt_auth > end || e.asmt_auth >= start)) {
        absl::StrAppend(&out, "        <Assessments><AssessmentActualStartDate>", iso(e.asmt_start),
                        "</AssessmentActualStartDate>");
        if (e.asmt_auth <= end) {
          absl::StrAppend(&out, "<AssessmentAuthorisationDate>", iso(e.asmt_auth),
                          "</AssessmentAuthorisationDate><FactorsIdentifiedAtAssessment>");
          // 21, no factors identified, only where the episode closes after the assessment
          // (RC8): with a plan, an enquiry, care or any other end a factor was found
          // (rule 8873Q); that factor is hashed, so the PRNG's order stays as it was.
          if (e.nfactors == 0) {
            const bool rc8 = e.closure != kNever && ReasonForClosure(e) == kRc8;
            constexpr uint64_t kSaltFactor = 1002;  // apart from the Annex A lists' salts
            absl::StrAppend(&out, "<AssessmentFactors>",
                            rc8 ? "21" : kFactors[Hash(e.child, e.asmt_start, kSaltFactor) % kFactors.size()],
                            "</AssessmentFactors>");
          }
          for (int k = 0; k < e.nfactors; ++k) {
            absl::StrAppend(&out, "<AssessmentFactors>", kFactors[e.factors[k]], "</AssessmentFactors>");
          }
          absl::StrAppend(&out, "</FactorsIdentifiedAtAssessment>");
        }
        absl::StrAppend(&out, "</Assessments>\n");
      }
      if (e.cin_plan_start != kNone && e.cin_plan_start <= end && e.closure >= start) {
        absl::StrAppend(&out, "        <CINPlanDates><CINPlanStartDate>", iso(e.cin_plan_start),
                        "</CINPlanStartDate>");
        if (closed) absl::StrAppend(&out, "<CINPlanEndDate>", iso(e.closure), "</CINPlanEndDate>");
        absl::StrAppend(&out, "</CINPlanDates>\n");
      }
      for (int32_t sid : e.s47s) {
        const S47& s = s47s_[sid];
        if (s.removed || s.start > end || (s.start < start && s.outcome < start)) continue;
        absl::StrAppend(&out, "        <Section47><S47ActualStartDate>", iso(s.start),
                        "</S47ActualStartDate><InitialCPCtarget>", iso(cal_.Add(s.start, 15)),
                        "</InitialCPCtarget>");
        if (s.outcome <= end) {
          if (s.icpc) absl::StrAppend(&out, "<DateOfInitialCPC>", iso(s.outcome), "</DateOfInitialCPC>");
          absl::StrAppend(&out, "<ICPCnotRequired>", s.icpc ? "false" : "true", "</ICPCnotRequired>");
        }
        absl::StrAppend(&out, "</Section47>\n");
      }
      for (int32_t pid : e.plans) {
        const Plan& p = plans_[pid];
        if (p.start > end || p.end < start) continue;
        absl::StrAppend(&out, "        <ChildProtectionPlans><CPPstartDate>", iso(p.start), "</CPPstartDate>");
        if (p.end <= end) absl::StrAppend(&out, "<CPPendDate>", iso(p.end), "</CPPendDate>");
        absl::StrAppend(&out, "<InitialCategoryOfAbuse>", kCategories[p.initial],
                        "</InitialCategoryOfAbuse><LatestCategoryOfAbuse>", kCategories[p.latest],
                        "</LatestCategoryOfAbuse><NumberOfPreviousCPP>", p.previous, "</NumberOfPreviousCPP>");
        std::string reviews;
        for (int32_t r = p.start + 90; r <= end && r < p.end; r += 182) {
          absl::StrAppend(&reviews, "<CPPreviewDate>", iso(r), "</CPPreviewDate>");
        }
        if (!reviews.empty()) absl::StrAppend(&out, "<Reviews>", reviews, "</Reviews>");
        absl::StrAppend(&out, "</ChildProtectionPlans>\n");
      }
      absl::StrAppend(&out, "      </CINdetails>\n");
    }
    absl::StrAppend(&out, "    </Child>\n");
  }
  absl::StrAppend(&out, "  </Children>\n</Message>\n");
  return out;
}

// A period is in the year's SSDA903 return when one of its episodes is open on some day
// of the year (one ending on 1 April included: it ended in the year).
bool Borough::InReturn(const Period& p, int fy) const { return p.start <= Fye(fy) && p.end >= Fys(fy); }

std::vector<int32_t> Borough::Ssda903Children(int fy) const {
  std::vector<int32_t> out;
  for (const Period& p : periods_) {
    if (InReturn(p, fy)) out.push_back(p.child);
  }
  for (const CareLeaverRow& r : leaver_rows_) {
    if (r.fy == fy) out.push_back(r.child);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

// A Unique Pupil Number as a school in LA `la` (three digits) gives one: a check letter,
// the LA, an establishment number, the year of allocation and a serial. The child's id
// fills the establishment and serial, so no two children of an LA share one.
std::string Upn(const std::string& la, int32_t child, int32_t dob) {
  int y, m, d;
  CivilFromDays(Birthday(dob, 4), &y, &m, &d);
  char digits[32];
  std::snprintf(digits, sizeof digits, "%.3s%04d%02d%03d", la.c_str(), 2000 + child / 1000 % 8000, y % 100,
                child % 1000);
  int sum = 0;
  for (int i = 0; i < 12; ++i) sum += (digits[i] - '0') * (i + 2);
  return std::string(1, "ABCDEFGHJKLMNPQRTUVWXYZ"[sum % 23]) + digits;
}

// UPN: a child of school age (4 by the 31 August before the year, rule 209) has a UPN;
// a younger child has none yet (UN1). Once given, a UPN stays (rule 208). MOTHER (0: not
// a mother) is given for a girl looked after in the year (rules 165, 393, 607), not for
// one who is only on short breaks (rule 399) or only a care leaver (rule 165).
std::string Borough::HeaderCsv(int fy) const {
  std::string out = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n";
  const bool letters = fy + 1 + year_shift_ >= kSexLettersFromCy;
  const int32_t school_from = DayNumber(fy - 1, 8, 31);
  for (int32_t id : Ssda903Children(fy)) {
    const Child& c = children_[id];
    bool looked_after = false;
    for (int32_t pid : c.periods) looked_after = looked_after || (!periods_[pid].ShortBreak() && InReturn(periods_[pid], fy));
    const std::string upn = Birthday(c.dob, 4) <= school_from ? Upn(la_, id, c.dob) : "UN1";
    absl::StrAppend(&out, ChildId(id), ",", c.male ? (letters ? "M" : "1") : (letters ? "F" : "2"), ",", FormatUkDate(c.dob), ",",
                    kEthnicities[c.ethnicity], ",", upn, ",", !c.male && looked_after ? "0" : "", ",\n");
  }
  return out;
}

std::string Borough::EpisodesCsv(int fy) const {
  const int32_t fys = Fys(fy), fye = Fye(fy);
  std::string out = "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n";
  const int cy = fy + 1 + year_shift_;
  const bool no_h5_p2 = cy >= kNoH5P2FromCy;
  for (int32_t id = 0; id < static_cast<int32_t>(children_.size()); ++id) {
    const Child& c = children_[id];
    for (int32_t pid : c.periods) {
      const Period& p = periods_[pid];
      if (!InReturn(p, fy)) continue;
      for (const CareEpisode& e : EpisodesOf(p)) {
        if (e.start > fye || e.end < fys) continue;
        const bool ended = e.end <= fye;
        std::string place = e.placement->place;
        const char* provider = e.placement->provider;
        if (no_h5_p2 && (place == "H5" || place == "P2")) place = "K3";
        // P2 (independent living) ended on 28 October 2023 (rule 217t): a placement running
        // past it is written as H5, from that day supported accommodation.
        if (place == "P2" && cy >= 2024 && e.end >= DayNumber(2023 - year_shift_, 10, 28)) place = "H5";
        // Short breaks (V3, V4) give no home or placement postcode (rules 214, 398).
        const bool respite = p.ShortBreak();
        absl::StrAppend(&out, ChildId(id), ",", FormatUkDate(e.start), ",", std::string(1, e.rne), ",", e.ls, ",",
                        p.need, ",", place, ",", provider ? provider : "", ",",
                        ended ? FormatUkDate(e.end) : "", ",", ended ? e.rec : "", ",",
                        ended && e.reason ? e.reason : "", ",", respite ? "" : c.home_post, ",",
                        respite ? "" : e.placement->post, ",\n");
      }
    }
  }
  return out;
}

std::string Borough::Oc3Csv(int fy) const {
  std::string out = "CHILD,DOB,IN_TOUCH,ACTIV,ACCOM\n";
  std::vector<const CareLeaverRow*> rows;
  for (const CareLeaverRow& r : leaver_rows_) {
    if (r.fy == fy) rows.push_back(&r);
  }
  std::sort(rows.begin(), rows.end(), [](const CareLeaverRow* a, const CareLeaverRow* b) { return a->child < b->child; });
  for (const CareLeaverRow* r : rows) {
    absl::StrAppend(&out, ChildId(r->child), ",", FormatUkDate(children_[r->child].dob), ",", r->in_touch, ",",
                    r->activity, ",", r->accommodation, "\n");
  }
  return out;
}

std::string Borough::Ad1Csv(int fy) const {
  std::string out = "CHILD,DOB,DATE_INT,DATE_MATCH,FOSTER_CARE,NB_ADOPTR,SEX_ADOPTR,LS_ADOPTR\n";
  for (int32_t id = 0; id < static_cast<int32_t>(children_.size()); ++id) {
    for (int32_t pid : children_[id].periods) {
      const Period& p = periods_[pid];
      if (p.kind != Kind::kAdoption || p.end == kNever || FinancialYearOf(p.end) != fy) continue;
      absl::StrAppend(&out, ChildId(id), ",", FormatUkDate(children_[id].dob), ",", FormatUkDate(p.decision), ",",
                      FormatUkDate(p.match), ",", p.with_foster_carer ? "1" : "0", ",", p.adopters, ",",
                      p.adopter_sex, ",", p.adopter_ls, "\n");
    }
  }
  return out;
}

std::string Borough::PlacedAdoptionCsv(int fy) const {
  const int32_t fys = Fys(fy), fye = Fye(fy);
  std::string out = "CHILD,DOB,DATE_PLACED,DATE_PLACED_CEASED,REASON_PLACED_CEASED\n";
  for (int32_t id = 0; id < static_cast<int32_t>(children_.size()); ++id) {
    for (int32_t pid : children_[id].periods) {
      const Period& p = periods_[pid];
      if (p.decision == kNone || p.decision > fye || !InReturn(p, fy)) continue;
      if (p.decision_ceased != kNone && p.decision_ceased < fys) continue;
      const bool ceased = p.decision_ceased != kNone && p.decision_ceased <= fye;
      absl::StrAppend(&out, ChildId(id), ",", FormatUkDate(children_[id].dob), ",", FormatUkDate(p.decision), ",",
                      ceased ? FormatUkDate(p.decision_ceased) : "", ",", ceased ? p.ceased_reason : "", "\n");
    }
  }
  return out;
}

std::string Borough::LocalMeasuresCsv(int fy) const {
  std::string rows;
  for (const LocalMeasure& m : kLocalMeasures) {
    if (m.fy != fy) continue;
    absl::StrAppend(&rows, m.id, ",", kLaCode, ",", FormatPeriod(FinancialYear(fy)), ",", m.value, ",",
                    "seed 001_093648989cbf36ab.txt section ", m.section, "\n");
  }
  return rows.empty() ? "" : "indicator,la,period,value,source\n" + rows;
}

// ---------------------------------------------------------------------------------------
// A national year: one LA of many, built by the borough's own steps (children, periods
// of care with their episode chains, plans, host CIN episodes, the front door) at the
// LA's volumes, without the borough's calibration to published figures. The simulation
// starts two years before the first year written, with the caseload open on that day
// (CIN cases, children looked after, plans), so the years written have the cases that
// run across their 1 April.

int Borough::Count(double expected) {
  if (expected <= 0) return 0;
  const double whole = std::floor(expected);
  return static_cast<int>(whole) + (rng_.Below(1000000) < static_cast<uint64_t>((expected - whole) * 1e6) ? 1 : 0);
}

absl::Status Borough::BuildNational(const NationalVolumes& v) {
  const int32_t start = Fys(v.first_fy);
  // Looked after: adoptions and decisions, care leavers, the children in care on the
  // first day, then each year's entrants (some on police protection).
  for (int fy = v.first_fy; fy <= kLastFy; ++fy) {
    for (int n = Count(v.lac * 0.065); n > 0; --n) MakeAdoption(fy, rng_.Between(240, 1100));
    for (int n = Count(v.lac * 0.035); n > 0; --n) MakeDecisionOnly(fy);
  }
  for (int birth_fy = v.first_out_fy - 21; birth_fy <= kLastFy - 17; ++birth_fy) {
    for (int n = Count(v.lac * 0.10); n > 0; --n) MakeLeaver(birth_fy, v.first_out_fy);
  }
  for (int n = Count(v.lac * 1.05); n > 0; --n) MakeLegacyFiller(start);
  for (int fy = v.first_fy; fy <= kLastFy; ++fy) {
    const int32_t fys = Fys(fy), fye = Fye(fy);
    std::vector<int32_t> fresh;
    for (int n = Count(v.lac * 0.48); n > 0; --n) fresh.push_back(NewFiller(fy));
    std::stable_sort(fresh.begin(), fresh.end(), [&](int32_t a, int32_t b) {
      return periods_[a].end - periods_[a].start < periods_[b].end - periods_[b].start;
    });
    for (size_t k = 0; k < fresh.size() * 13 / 100; ++k) {
      Period& p = periods_[fresh[k]];
      p.pp = true;
      p.ls = "L1";
      p.placement = EmergencyPlacement();
      if (p.end - p.start <= 30) p.end = std::min(p.start + rng_.Between(1, 3), p.deadline);
    }
    for (const Period& p : periods_) {
      if (p.kind == Kind::kFiller && p.end >= fys && p.end <= fye &&
          children_[p.child].periods.back() == static_cast<int32_t>(&p - periods_.data())) {
        left_care_.push_back(p.child);
      }
    }
  }
  for (Period& p : periods_) MakeChanges(p);
  SettleSgoEnds();
  if (status_.ok()) NationalProtection(v);
  if (status_.ok()) BuildHosts();
  if (!status_.ok()) return status_;
  // The front door: story referrals' contacts, the open caseload, then each year.
  const std::map<int, int> story = StoryContacts(start);
  if (!status_.ok()) return status_;
  // England's cases close sooner than the borough's: fewer long plans.
  referral_kinds_ = {140, 430, 360, 70};
  for (int n = Count(v.referrals * 0.20); n > 0; --n) AddLegacyCase(start);
  for (int fy = v.first_fy; fy <= kLastFy; ++fy) {
    auto it = story.find(fy);
    const int referrals = Count(v.referrals);
    const int generic = std::max(0, referrals - (it == story.end() ? 0 : it->second));
    RunYear(fy, generic, Count(v.referrals * (v.contacts_per_referral - 1)));
  }
  return status_;
}

// Child protection plans: those open on the first day, then each year's.
void Borough::NationalProtection(const NationalVolumes& v) {
  AddOpenPlans(Count(v.cpp * 0.95), Fys(v.first_fy));
  std::vector<int32_t> ended;  // children whose last plan ended in an earlier year
  for (int fy = v.first_fy; fy <= kLastFy; ++fy) {
    StartPlans(fy, Count(v.cpp * 1.15), ended);
    NoteEndedPlans(fy, &ended);
  }
}

int64_t Borough::ContactsIn(int fy) const {
  int64_t n = 0;
  for (const Contact& c : contacts_) n += FinancialYearOf(c.day) == fy;
  return n;
}
int64_t Borough::ReferralsIn(int fy) const {
  int64_t n = 0;
  for (const Episode& e : episodes_) n += FinancialYearOf(e.referral) == fy;
  return n;
}
int64_t Borough::CinOpenOn(int32_t day) const {
  int64_t n = 0;
  for (const Episode& e : episodes_) n += e.referral <= day && e.closure > day;
  return n;
}
int64_t Borough::CppOpenOn(int32_t day) const {
  std::set<int32_t> children;
  for (const Plan& p : plans_) {
    if (p.start <= day && p.end > day) children.insert(p.child);
  }
  return static_cast<int64_t>(children.size());
}
int64_t Borough::LookedAfterCount(int32_t day) const {
  std::set<int32_t> children;
  for (const Period& p : periods_) {
    if (!p.ShortBreak() && p.OpenAt(day)) children.insert(p.child);
  }
  return static_cast<int64_t>(children.size());
}

// ---------------------------------------------------------------------------------------
// Annex A lists 2 to 10.
//
// Each list is what the case-management system would give Ofsted on 31 March of the
// collection year about the 12 months before it: 1 April to 31 March, the financial year
// that the year's CIN census and SSDA903 returns cover (the convention metrics applies to
// every return, Annex A included: a return of collection year CY is financial year CY - 1).
// The lists hold the same children, episodes, plans and periods as those returns, as they
// stood on that day. The records metrics also reads (list 3 referrals, 4 assessments, 5
// section 47 enquiries, 7 plans, 9 care leavers) carry the same child and key dates as the
// census or OC3 record of the same year, so they merge with it and no figure moves; lists
// 2, 6, 8 and 10 are not read by metrics. What only Annex A carries (visits, reviews,
// disability, missing episodes) is drawn from a hash of the seed, the child and a salt,
// never from the generator's PRNG, so the other returns keep their bytes.

constexpr const char* kYes = "a) Yes";
constexpr const char* kNo = "b) No";
const char* YesNo(bool v) { return v ? kYes : kNo; }

// Ofsted's lettered categories of abuse, in kCategories' order (EMO, NEG, PHY, SAB, MUL).
constexpr const char* kAnnexACategories[] = {"d) Emotional abuse", "a) Neglect", "b) Physical abuse",
                                             "c) Sexual abuse", "e) Multiple/not recommended"};

// Salts of the hashed draws, one per detail.
enum Salt : uint64_t {
  kSaltDisabled = 1, kSaltEarlyHelp, kSaltTeam, kSaltSeen, kSaltLastSeen, kSaltVisit, kSaltAlone,
  kSaltReview, kSaltIro, kSaltHealth, kSaltDental, kSaltPermanence, kSaltMissing, kSaltAbsent,
  kSaltInterview, kSaltPathway, kSaltContact,
};

uint64_t Mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// A CSV cell, quoted when it holds a comma or a quote (one of list 9's headings does).
std::string Cell(const std::string& v) {
  if (v.find_first_of(",\"\n") == std::string::npos) return v;
  std::string out = "\"";
  for (char c : v) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string CsvRow(const std::vector<std::string>& cells) {
  std::string out;
  for (size_t i = 0; i < cells.size(); ++i) {
    if (i) out += ',';
    out += Cell(cells[i]);
  }
  out += '\n';
  return out;
}

std::string UkOrBlank(int32_t d) { return d == kNone || d == kNever ? "" : FormatUkDate(d); }

// Rows sorted by their key date, then child, then the order they were made in.
struct ListRow {
  int32_t day;
  int32_t child;
  std::string line;
};
std::string Rows(const std::vector<std::string>& header, std::vector<ListRow> rows) {
  std::stable_sort(rows.begin(), rows.end(), [](const ListRow& a, const ListRow& b) {
    return a.day != b.day ? a.day < b.day : a.child < b.child;
  });
  std::string out = CsvRow(header);
  for (const ListRow& r : rows) out += r.line;
  return out;
}

uint64_t Borough::Hash(int64_t a, int64_t b, uint64_t salt) const {
  uint64_t x = Mix64(seed_ ^ Mix64(salt * 0x9e3779b97f4a7c15ULL));
  x = Mix64(x ^ static_cast<uint64_t>(a));
  return Mix64(x ^ (static_cast<uint64_t>(b) * 0xd1b54a32d192ed03ULL));
}

// Child Unique ID, Gender, Ethnicity, Date of Birth and Age (on `age_on`), as list 1 has them.
std::string Borough::AnnexAChild(int32_t child, int32_t age_on, bool disability) const {
  const Child& c = children_[child];
  std::string out = absl::StrCat(ChildId(child), ",", c.male ? "a) Male" : "b) Female", ",",
                                 std::string(1, static_cast<char>('a' + c.ethnicity)), ") ",
                                 kEthnicities[c.ethnicity], ",", FormatUkDate(c.dob), ",", AgeOn(c.dob, age_on));
  if (disability) absl::StrAppend(&out, ",", YesNo(Disabled(child)));
  return out;
}

// Disabled children: those on short breaks, and a few others.
bool Borough::Disabled(int32_t child) const {
  for (int32_t id : children_[child].periods) {
    if (periods_[id].ShortBreak()) return true;
  }
  return Hash(child, 0, kSaltDisabled) % 1000 < 40;
}

bool Borough::LookedAfterOn(int32_t child, int32_t day) const {
  for (int32_t id : children_[child].periods) {
    if (!periods_[id].ShortBreak() && periods_[id].OpenAt(day)) return true;
  }
  return false;
}

// The child's CIN episodes in the census of `fy`, by referral date.
std::vector<int32_t> Borough::CensusEpisodes(int32_t child, int fy) const {
  std::vector<int32_t> out;
  for (int32_t e : children_[child].episodes) {
    if (episodes_[e].referral <= Fye(fy) && episodes_[e].closure >= Fys(fy)) out.push_back(e);
  }
  std::sort(out.begin(), out.end(), [&](int32_t a, int32_t b) { return episodes_[a].referral < episodes_[b].referral; });
  return out;
}

namespace {
std::string Team(uint64_t h) { return absl::StrCat("Team ", 1 + h % 6); }
std::string Worker(uint64_t h) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "SW%03d", static_cast<int>((h >> 8) % 400) + 1);
  return buf;
}
// A day `spread` days or fewer before `anchor`, not before `floor`.
int32_t Before(int32_t anchor, uint64_t h, int spread, int32_t floor) {
  return std::max(floor, anchor - static_cast<int32_t>(h % static_cast<uint64_t>(spread)));
}
}  // namespace

// List 2: early help assessments, of children whose contact went no further, started
// days after it while no CIN episode of theirs was open.
std::string Borough::EarlyHelpList(int fy) const {
  static constexpr const char* kOrganisations[] = {"Early help team", "School", "Health visitor",
                                                   "Children's centre", "Youth service"};
  const int32_t fye = Fye(fy);
  std::vector<ListRow> rows;
  std::set<std::pair<int32_t, int32_t>> seen;
  for (const Contact& k : contacts_) {
    if (FinancialYearOf(k.day) != fy) continue;
    const uint64_t h = Hash(k.child, k.day, kSaltEarlyHelp);
    if (h % 1000 >= 150) continue;
    const Child& c = children_[k.child];
    const int32_t start = k.day + 2 + static_cast<int32_t>((h >> 10) % 19);
    if (start > fye || !c.AgedUnder18On(start)) continue;
    bool open = false;
    for (int32_t e : c.episodes) open = open || (episodes_[e].referral <= start + 30 && episodes_[e].closure >= k.day);
    if (open || !seen.insert({k.child, start}).second) continue;
    const int32_t done = start + 10 + static_cast<int32_t>((h >> 20) % 50);
    rows.push_back({start, k.child,
                    absl::StrCat(AnnexAChild(k.child, start, false), ",", FormatUkDate(start), ",",
                                 done <= fye ? FormatUkDate(done) : "", ",",
                                 kOrganisations[(h >> 30) % std::size(kOrganisations)], "\n")});
  }
  return Rows({"Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age", "Assessment start date",
               "Assessment completion date", "Organisation completing assessment"},
              std::move(rows));
}

// List 3: referrals dated in the year, as the census has them.
std::string Borough::ReferralsList(int fy) const {
  const int32_t fye = Fye(fy);
  std::vector<ListRow> rows;
  for (int32_t id = 0; id < static_cast<int32_t>(children_.size()); ++id) {
    for (int32_t eid : CensusEpisodes(id, fy)) {
      const Episode& e = episodes_[eid];
      if (FinancialYearOf(e.referral) != fy) continue;
      int in_12m = 0;  // this referral and the child's others of the 12 months before
      for (int32_t other : children_[id].episodes) {
        const int32_t r = episodes_[other].referral;
        in_12m += r <= e.referral && r > ShiftYears(e.referral, -1);
      }
      const uint64_t h = Hash(id, e.referral, kSaltTeam);
      rows.push_back({e.referral, id,
                      absl::StrCat(AnnexAChild(id, e.referral, false), ",", FormatUkDate(e.referral), ",",
                                   kSources[e.source].annex_a, ",", YesNo(e.nfa && e.closure <= fye), ",", in_12m,
                                   ",", Team(h), ",", Worker(h), "\n")});
    }
  }
  return Rows({"Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age", "Date of Referral", "Referral Source",
               "Referral NFA?", "Number of Referrals in Last 12 Months", "Allocated Team", "Allocated Worker"},
              std::move(rows));
}

// List 4: the assessments the census of the year holds (started, or authorised, in it).
std::string Borough::AssessmentsList(int fy) const {
  const int32_t fys = Fys(fy), fye = Fye(fy);
  std::vector<ListRow> rows;
  for (int32_t id = 0; id < static_cast<int32_t>(children_.size()); ++id) {
    for (int32_t eid : CensusEpisodes(id, fy)) {
      const Episode& e = episodes_[eid];
      if (e.asmt_start == kNone || e.asmt_start > fye || (e.asmt_auth <= fye && e.asmt_auth < fys)) continue;
      const bool done = e.asmt_auth <= fye;
      const bool support = e.kind != EpKind::kNfa && e.kind != EpKind::kAfterAssessment;
      const uint64_t h = Hash(id, e.asmt_start, kSaltSeen);
      rows.push_back({e.asmt_start, id,
                      absl::StrCat(AnnexAChild(id, e.asmt_start, true), ",", FormatUkDate(e.asmt_start), ",",
                                   YesNo(h % 1000 < 970), ",", done ? FormatUkDate(e.asmt_auth) : "", ",",
                                   done ? YesNo(support) : "", ",", Team(h >> 12), ",", Worker(h >> 12), "\n")});
    }
  }
  return Rows({"Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age", "Does the Child have a Disability",
               "Continuous Assessment Start Date", "Child Seen During Continuous Assessment",
               "Continuous Assessment Date of Authorisation",
               "Was the child assessed as requiring LA children's social care support?", "Allocated Team",
               "Allocated Worker"},
              std::move(rows));
}

// List 5: the section 47 enquiries the census of the year holds, with their conferences.
std::string Borough::Section47List(int fy) const {
  const int32_t fys = Fys(fy), fye = Fye(fy);
  std::vector<ListRow> rows;
  for (int32_t id = 0; id < static_cast<int32_t>(children_.size()); ++id) {
    const Child& c = children_[id];
    for (int32_t eid : CensusEpisodes(id, fy)) {
      for (int32_t sid : episodes_[eid].s47s) {
        const S47& s = s47s_[sid];
        if (s.removed || s.start > fye || (s.start < fys && s.outcome < fys)) continue;
        const bool decided = s.outcome <= fye;
        bool plan = false;
        for (int32_t p : c.plans) plan = plan || plans_[p].start == s.outcome;
        int enquiries = 0, icpcs = 0;  // in the 12 months up to this enquiry's start
        const int32_t from = ShiftYears(s.start, -1);
        for (int32_t other_e : c.episodes) {
          for (int32_t other : episodes_[other_e].s47s) {
            const S47& o = s47s_[other];
            if (o.removed) continue;
            enquiries += o.start <= s.start && o.start > from;
            icpcs += o.icpc && o.outcome <= s.start && o.outcome > from;
          }
        }
        const uint64_t h = Hash(id, s.start, kSaltTeam);
        rows.push_back({s.start, id,
                        absl::StrCat(AnnexAChild(id, s.start, true), ",", FormatUkDate(s.start), ",",
                                     decided ? YesNo(!s.icpc) : "", ",",
                                     decided && s.icpc ? FormatUkDate(s.outcome) : "", ",",
                                     decided && s.icpc ? YesNo(plan) : "", ",", enquiries, ",", icpcs, ",", Team(h),
                                     ",", Worker(h), "\n")});
      }
    }
  }
  return Rows({"Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age", "Does the Child have a Disability",
               "Strategy discussion initiating Section 47 Enquiry Start Date",
               "Was an Initial Child Protection Conference deemed unnecessary?",
               "Date of Initial Child Protection Conference",
               "Did the Initial Child Protection Conference Result in a Child Protection Plan",
               "Number of Section 47 Enquiries in the last 12 months", "Number of ICPCs in the last 12 months",
               "Allocated Team", "Allocated Worker"},
              std::move(rows));
}

// List 6: every CIN episode open at some time in the year (the census's CINdetails), with
// the case's status on 31 March or at its closure.
std::string Borough::CinList(int fy) const {
  const int32_t fye = Fye(fy);
  std::vector<ListRow> rows;
  for (int32_t id = 0; id < static_cast<int32_t>(children_.size()); ++id) {
    for (int32_t eid : CensusEpisodes(id, fy)) {
      const Episode& e = episodes_[eid];
      const bool closed = e.closure <= fye;
      const int32_t anchor = closed ? e.closure : fye;
      const char* status;
      bool on_plan = false;
      for (int32_t p : e.plans) on_plan = on_plan || (plans_[p].start <= fye && plans_[p].end > fye);
      if (closed) {
        status = "e) Closed episode";
      } else if (LookedAfterOn(id, fye)) {
        status = "a) Looked after child";
      } else if (on_plan) {
        status = "b) Child protection plan";
      } else if ((e.cin_plan_start != kNone && e.cin_plan_start <= fye) || e.asmt_auth <= fye) {
        status = "c) Child in need plan";
      } else {
        status = "d) Open assessment";
      }
      const uint64_t h = Hash(id, e.referral, kSaltLastSeen);
      const std::string reason =
          closed ? absl::StrCat("RC", ReasonForClosure(e) + 1) : std::string();
      rows.push_back({e.referral, id,
                      absl::StrCat(AnnexAChild(id, fye, true), ",", FormatUkDate(e.referral), ",N", e.need + 1, ",",
                                   FormatUkDate(Before(anchor, h, 28, e.referral)), ",",
                                   closed ? FormatUkDate(e.closure) : "", ",", reason, ",", status, ",",
                                   Team(h >> 16), ",", Worker(h >> 16), "\n")});
    }
  }
  return Rows({"Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age", "Does the Child have a Disability",
               "CIN Start Date", "Primary Need Code", "Date Child Was Last Seen", "CIN Closure Date",
               "Reason for Closure", "Case Status", "Allocated Team", "Allocated Worker"},
              std::move(rows));
}

// List 7: child protection plans open at some time in the year, as the census has them.
std::string Borough::CppList(int fy) const {
  const int32_t fys = Fys(fy), fye = Fye(fy);
  std::vector<ListRow> rows;
  for (int32_t id = 0; id < static_cast<int32_t>(children_.size()); ++id) {
    const Child& c = children_[id];
    for (int32_t eid : CensusEpisodes(id, fy)) {
      for (int32_t pid : episodes_[eid].plans) {
        const Plan& p = plans_[pid];
        if (p.start > fye || p.end < fys) continue;
        const bool ended = p.end <= fye;
        const int32_t anchor = ended ? p.end : fye;
        int32_t review = kNone;  // the census's latest review date by the reference date
        for (int32_t r = p.start + 90; r <= fye && r < p.end; r += 182) review = r;
        bool police = false;  // police protection or an EPO in the six months before
        for (int32_t per : c.periods) {
          const Period& q = periods_[per];
          police = police || (q.pp && q.start <= anchor && q.start > anchor - 183);
        }
        const uint64_t h = Hash(id, p.start, kSaltVisit);
        rows.push_back({p.start, id,
                        absl::StrCat(AnnexAChild(id, p.start, true), ",", FormatUkDate(p.start), ",",
                                     kAnnexACategories[p.initial], ",", kAnnexACategories[p.latest], ",",
                                     FormatUkDate(Before(anchor, h, 10, p.start)), ",",
                                     YesNo(Hash(id, p.start, kSaltAlone) % 1000 < 850), ",", UkOrBlank(review), ",",
                                     ended ? FormatUkDate(p.end) : "", ",", police ? "Y" : "N", ",", p.previous, ",",
                                     Team(h >> 16), ",", Worker(h >> 16), "\n")});
      }
    }
  }
  return Rows({"Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age", "Does the Child have a Disability",
               "Child Protection Plan Start Date", "Initial Category of Abuse", "Latest Category of Abuse",
               "Date of the Last Statutory Visit", "Was the Child Seen Alone?", "Date of latest review conference",
               "Child Protection Plan End Date",
               "Subject to Emergency Protection Order or Protected Under Police Powers in Last Six Months (Y/N)",
               "Number of Previous Child Protection Plans", "Allocated Team", "Allocated Worker"},
              std::move(rows));
}

// List 8: one row per child looked after at some time in the year (short breaks are not
// being looked after), for the child's latest period of care in the SSDA903 return, as
// it stood on 31 March or when it ended.
std::string Borough::LookedAfterList(int fy) const {
  const int32_t fye = Fye(fy);
  std::vector<ListRow> rows;
  for (int32_t id = 0; id < static_cast<int32_t>(children_.size()); ++id) {
    const Child& c = children_[id];
    const Period* p = nullptr;
    for (int32_t pid : c.periods) {
      const Period& q = periods_[pid];
      if (!q.ShortBreak() && InReturn(q, fy) && (p == nullptr || q.start > p->start)) p = &q;
    }
    if (p == nullptr) continue;
    const bool ended = p->end <= fye;
    const int32_t ref = ended ? p->end : fye;
    const std::vector<CareEpisode> eps = EpisodesOf(*p);
    size_t cur = 0;
    for (size_t i = 0; i < eps.size(); ++i) {
      if (eps[i].start <= ref) cur = i;
    }
    size_t ls_from = cur, pl_from = cur;
    while (ls_from > 0 && std::strcmp(eps[ls_from - 1].ls, eps[cur].ls) == 0) --ls_from;
    while (pl_from > 0 && eps[pl_from - 1].placement == eps[cur].placement) --pl_from;
    int placements = 0;  // placements held in the 12 months to `ref`
    for (size_t i = 0; i <= cur; ++i) {
      if (i > 0 && eps[i].placement == eps[i - 1].placement) continue;
      size_t j = i;
      while (j + 1 < eps.size() && eps[j + 1].placement == eps[i].placement) ++j;
      const int32_t until = j + 1 < eps.size() ? eps[j + 1].start : p->end;
      placements += eps[i].start <= ref && until > ref - 365;
    }
    bool repeat = false;
    for (int32_t pid : c.periods) {
      const Period& q = periods_[pid];
      repeat = repeat || (&q != p && !q.ShortBreak() && q.end <= p->start && q.end > p->start - 365);
    }
    const int age = AgeOn(c.dob, ref);
    const char* permanence;
    const uint64_t hp = Hash(id, p->start, kSaltPermanence);
    if (p->decision != kNone && p->decision <= ref && (p->decision_ceased == kNone || p->decision_ceased > ref)) {
      permanence = "b) Adoption";
    } else if (age >= 16) {
      permanence = hp % 2 ? "d) Supported living in the community" : "f) Long-term fostering";
    } else {
      static constexpr const char* kPlans[] = {"a) Return to family", "f) Long-term fostering", "c) SGO/CAO",
                                               "f) Long-term fostering", "g) Other"};
      permanence = eps[cur].placement->place[0] == 'K' ? "e) Long-term residential placement"
                                                       : kPlans[hp % std::size(kPlans)];
    }
    const int32_t settled = p->start + 20;  // reviews, IRO and health checks come after the first weeks
    auto after_settling = [&](uint64_t salt, int spread) {
      return ref < settled ? std::string() : FormatUkDate(Before(ref, Hash(id, p->start, salt), spread, settled));
    };
    const std::string& post = eps[cur].placement->post;
    const std::string district = post.substr(0, post.find(' '));
    bool inside = false;
    for (const char* d : kBoroughDistricts) inside = inside || district == d;
    const uint64_t hm = Hash(id, p->start, kSaltMissing), hi = Hash(id, p->start, kSaltInterview);
    const int missing = hm % 1000 < 880 ? 0 : 1 + static_cast<int>((hm >> 10) % 5);
    const int absent = Hash(id, p->start, kSaltAbsent) % 1000 < 900 ? 0 : 1 + static_cast<int>((hm >> 20) % 4);
    const bool offered = missing > 0 && hi % 1000 < 900;
    const uint64_t ht = Hash(id, p->start, kSaltTeam);
    rows.push_back(
        {p->start, id,
         absl::StrCat(AnnexAChild(id, ref, false), ",", kNo, ",", YesNo(Disabled(id)), ",", FormatUkDate(p->start),
                      ",", p->need, ",", YesNo(repeat), ",", FormatUkDate(eps[ls_from].start), ",", eps[cur].ls, ",",
                      after_settling(kSaltReview, 150), ",",
                      FormatUkDate(Before(ref, Hash(id, p->start, kSaltVisit), 42, p->start)), ",", permanence, ",",
                      after_settling(kSaltIro, 120), ",", after_settling(kSaltHealth, 330), ",",
                      age >= 3 ? after_settling(kSaltDental, 360) : std::string(), ",", placements, ",",
                      ended ? FormatUkDate(p->end) : "", ",", ended ? p->rec : "", ",",
                      FormatUkDate(eps[pl_from].start), ",", eps[cur].placement->place, ",",
                      eps[cur].placement->provider ? eps[cur].placement->provider : "", ",", post, ",",
                      inside ? "a) In" : "b) Out", ",", missing, ",", absent, ",",
                      missing > 0 ? YesNo(offered) : "", ",", offered ? YesNo((hi >> 10) % 1000 < 600) : "", ",",
                      Team(ht), ",", Worker(ht), "\n")});
  }
  return Rows(
      {"Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age",
       "Unaccompanied Asylum Seeking Child (UASC) within the Last 12 Months (Y/N)", "Does the Child have a Disability",
       "Date Started to be Looked After", "Child's Category of Need",
       "Is this a second or subsequent period of being a Looked After Child within the last 12 months (Y/N)",
       "Start date of current legal status", "Child's Legal Status", "Date of Latest Statutory Review",
       "Date of Last Social Work Visit", "What is the permanence plan for this child?",
       "Date of Last IRO Visit / Contact to the Child", "Date of Last Health Assessment", "Date of Last Dental Check",
       "Number of Placements in the Last 12 months", "Date Ceased to be Looked After",
       "Reason Ceased to be Looked After", "Start Date of Most Recent Placement", "Placement Type",
       "Placement Provider", "Placement postcode", "Placement Location",
       "Number of Episodes the Child has been 'Missing' from their Placement in the last 12 months",
       "Number of Episodes the Child has been 'Absent' from their Placement in the last 12 months",
       "Was the child offered a Return Interview after their last missing episode (Y/N)?",
       "Did the child accept a Return Interview after their last missing episode (Y/N)?", "Allocated Team",
       "Allocated Worker"},
      std::move(rows));
}

// List 9: the care leavers of the year's OC3 table, the same young people with the same
// contact, activity and accommodation.
std::string Borough::CareLeaversList(int fy) const {
  const int32_t fye = Fye(fy);
  std::vector<const CareLeaverRow*> leavers;
  for (const CareLeaverRow& r : leaver_rows_) {
    if (r.fy == fy) leavers.push_back(&r);
  }
  std::sort(leavers.begin(), leavers.end(),
            [](const CareLeaverRow* a, const CareLeaverRow* b) { return a->child < b->child; });
  std::vector<ListRow> rows;
  for (const CareLeaverRow* r : leavers) {
    const Child& c = children_[r->child];
    const int age = AgeOn(c.dob, fye);
    const char* eligibility =
        age >= 18 ? "b) Former relevant child" : LookedAfterOn(r->child, fye) ? "d) Eligible child" : "a) Relevant child";
    static constexpr std::pair<const char*, const char*> kInTouch[] = {
        {"YES", "a) Yes"}, {"NO", "b) No"}, {"DIED", "c) Died"}, {"REFU", "d) Refused"},
        {"NREQ", "e) Not required"}, {"RHOM", "f) Returned home"}};
    const char* in_touch = "";
    for (const auto& [code, text] : kInTouch) {
      if (std::strcmp(code, r->in_touch) == 0) in_touch = text;
    }
    const bool yes = std::strcmp(r->in_touch, "YES") == 0;
    const bool accommodation = std::strcmp(r->accommodation, "0") != 0;
    const bool activity = std::strcmp(r->activity, "0") != 0;
    const uint64_t h = Hash(r->child, fy, kSaltPathway), ht = Hash(r->child, fy, kSaltTeam);
    rows.push_back(
        {0, r->child,
         absl::StrCat(AnnexAChild(r->child, fye, false), ",", kNo, ",", YesNo(Disabled(r->child)), ",", Team(ht), ",",
                      Worker(ht), ",", absl::StrCat("PA", 1 + (ht >> 30) % 40), ",", eligibility, ",",
                      FormatUkDate(Before(fye, h, 180, Fys(fy))), ",", in_touch, ",",
                      yes ? FormatUkDate(Before(fye, Hash(r->child, fy, kSaltContact), 90, Fys(fy))) : "", ",",
                      accommodation ? std::string(1, r->accommodation[0]) : "", ",",
                      accommodation ? (r->accommodation[1] == '1' ? "a) Suitable" : "b) Unsuitable") : "", ",",
                      activity ? r->activity : "", "\n")});
  }
  return Rows({"Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age",
               "Unaccompanied Asylum Seeking Child (UASC), or formerly UASC if 18 or over (Y/N)",
               "Does the Child have a Disability", "Allocated Team", "Allocated Worker", "Allocated Personal Adviser",
               "Eligibility Category", "Latest Pathway Plan Review Date", "LA in Touch", "Latest Date of Contact",
               "Type of Accommodation", "Suitability of Accommodation", "Activity Status"},
              std::move(rows));
}

// List 10: children with a decision that they should be placed for adoption who are in the
// year's PlacedAdoption table, with the steps taken by 31 March.
std::string Borough::AdoptionList(int fy) const {
  const int32_t fys = Fys(fy), fye = Fye(fy);
  std::vector<ListRow> rows;
  auto by = [&](int32_t d) { return d != kNone && d <= fye ? FormatUkDate(d) : std::string(); };
  for (int32_t id = 0; id < static_cast<int32_t>(children_.size()); ++id) {
    for (int32_t pid : children_[id].periods) {
      const Period& p = periods_[pid];
      if (p.decision == kNone || p.decision > fye || !InReturn(p, fy)) continue;
      if (p.decision_ceased != kNone && p.decision_ceased < fys) continue;
      const bool ceased = p.decision_ceased != kNone && p.decision_ceased <= fye;
      const bool adopted = p.kind == Kind::kAdoption && p.end <= fye;
      rows.push_back({p.decision, id,
                      absl::StrCat(AnnexAChild(id, p.decision, true), ",", FormatUkDate(p.start), ",",
                                   FormatUkDate(p.decision), ",", by(p.po), ",", by(p.match), ",", by(p.ap), ",",
                                   adopted ? FormatUkDate(p.end) : "", ",", ceased ? FormatUkDate(p.decision_ceased) : "",
                                   ",", ceased ? p.ceased_reason : "", ",\n")});
    }
  }
  return Rows({"Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age", "Does the Child have a Disability",
               "Date the Child Entered Care", "Date of Decision that Child Should be Placed for Adoption",
               "Date of Placement Order", "Date of Matching Child and Prospective Adopters", "Date Placed for Adoption",
               "Date of Adoption Order", "Date of Decision that Child Should No Longer be Placed for Adoption",
               "Reason Why Child No Longer Placed for Adoption",
               "Date the child was placed for fostering in FFA or concurrent planning placement"},
              std::move(rows));
}

std::string Borough::AnnexAList(int list, int fy) const {
  switch (list) {
    case 2: return EarlyHelpList(fy);
    case 3: return ReferralsList(fy);
    case 4: return AssessmentsList(fy);
    case 5: return Section47List(fy);
    case 6: return CinList(fy);
    case 7: return CppList(fy);
    case 8: return LookedAfterList(fy);
    case 9: return CareLeaversList(fy);
    case 10: return AdoptionList(fy);
    default: return "";
  }
}

absl::Status IoError(int error, const std::string& what, const std::string& path) {
  return absl::Status(absl::ErrnoToStatusCode(error),
                      absl::StrCat("synth: cannot ", what, " ", path, ": ", std::strerror(error)));
}

absl::Status WriteFile(const std::string& path, const std::string& content) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) return IoError(errno, "open", path);
  const size_t written = std::fwrite(content.data(), 1, content.size(), f);
  const int write_error = written == content.size() ? 0 : errno;
  // fclose flushes; a full disk may only show here.
  const int close_result = std::fclose(f);
  if (write_error != 0) return IoError(write_error, "write", path);
  if (close_result != 0) return IoError(errno, "write", path);
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<SynthSummary> WriteSynthBorough(const SynthOptions& options) {
  if (options.profile != kProfile) {
    return absl::InvalidArgumentError(absl::StrCat("synth: unknown profile '", options.profile,
                                                   "'; the known profile is '", kProfile, "'"));
  }
  if (options.out_dir.empty()) {
    return absl::InvalidArgumentError("synth: out_dir is empty; name the inbox to write into");
  }

  Borough b(options.seed);
  if (absl::Status s = b.Build(); !s.ok()) return s;

  SynthSummary summary;
  for (int fy = kFirstFy; fy <= kLastFy; ++fy) {
    const std::filesystem::path dir = std::filesystem::path(options.out_dir) / kLaCode / std::to_string(fy + 1);
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) {
      return absl::Status(absl::ErrnoToStatusCode(ec.value()),
                          absl::StrCat("synth: cannot create directory ", dir.string(), ": ", ec.message()));
    }
    const std::pair<const char*, std::string> files[] = {
        {kContactsFile, b.ContactsCsv(fy)},        {kCensusFile, b.CensusXml(fy)},
        {"header.csv", b.HeaderCsv(fy)},           {"episodes.csv", b.EpisodesCsv(fy)},
        {"oc3.csv", b.Oc3Csv(fy)},                 {"ad1.csv", b.Ad1Csv(fy)},
        {"placed_adoption.csv", b.PlacedAdoptionCsv(fy)}, {"local-measures.csv", b.LocalMeasuresCsv(fy)},
    };
    for (const auto& [name, content] : files) {
      if (content.empty()) continue;
      if (absl::Status s = WriteFile((dir / name).string(), content); !s.ok()) return s;
      ++summary.files;
    }
    for (const auto& [list, name] : kAnnexAFiles) {
      if (absl::Status s = WriteFile((dir / name).string(), b.AnnexAList(list, fy)); !s.ok()) return s;
      ++summary.files;
    }
  }
  summary.contacts = b.contacts();
  summary.referrals = b.referrals();
  summary.children = b.children();
  summary.care_episodes = b.care_episodes();
  summary.cp_plans = b.cp_plans();
  return summary;
}

namespace {

// A factor between 0.6 and 1.5 fixed by an LA's code (and `salt`): how far the LA's
// need stands from England's for its child population, so an LA keeps its character
// whatever the seed.
double CodeFactor(const char* code, uint64_t salt) {
  const uint64_t h = Mix64(Mix64(std::strtoull(code, nullptr, 10) + 0x51ed270b27a3ULL) ^ Mix64(salt));
  return 0.6 + 0.9 * static_cast<double>(h >> 11) / 9007199254740992.0;
}
double ReferralNeed(const SynthLa& la) { return CodeFactor(la.code, 1); }

// `text` with every date in it (YYYY-MM-DD, as the CIN census writes them, and
// dd/mm/yyyy, as the SSDA903 and Annex A do) `years` later: a file simulated for one year
// relabelled as one of a later year. `years` is a multiple of four, so 29 February
// stays a day. A date is digits in one of those shapes with no digit either side.
std::string ShiftDates(std::string text, int years) {
  auto digits = [&](size_t at, size_t n) {
    for (size_t i = at; i < at + n; ++i) {
      if (text[i] < '0' || text[i] > '9') return false;
    }
    return true;
  };
  auto digit_at = [&](size_t i) { return i < text.size() && text[i] >= '0' && text[i] <= '9'; };
  for (size_t i = 0; i + 10 <= text.size(); ++i) {
    if ((i > 0 && digit_at(i - 1)) || digit_at(i + 10)) continue;
    size_t year_at;
    if (digits(i, 4) && text[i + 4] == '-' && digits(i + 5, 2) && text[i + 7] == '-' && digits(i + 8, 2)) {
      year_at = i;
    } else if (digits(i, 2) && text[i + 2] == '/' && digits(i + 3, 2) && text[i + 5] == '/' && digits(i + 6, 4)) {
      year_at = i + 6;
    } else {
      continue;
    }
    const int year = std::stoi(text.substr(year_at, 4)) + years;
    char buf[8];
    std::snprintf(buf, sizeof buf, "%04d", year);
    text.replace(year_at, 4, buf, 4);
    i += 9;
  }
  return text;
}
// Children in care follow need too, less than closely.
double CareNeed(const SynthLa& la) { return ReferralNeed(la) * (0.75 + 0.5 * (CodeFactor(la.code, 2) - 0.6) / 0.9); }

// England, one year (2015-16 in round figures): referrals, children looked after and on
// a plan at 31 March. Children in need at 31 March (about 400,000) follow from the
// referrals and how long their cases stay open.
constexpr double kEnglandReferrals = 650000, kEnglandLookedAfter = 80000, kEnglandOnPlan = 50000;

}  // namespace

absl::StatusOr<NationalSummary> WriteSynthNational(const NationalOptions& options) {
  const std::vector<SynthLa>& all = SynthLas();
  if (options.out_dir.empty()) {
    return absl::InvalidArgumentError("synth: out_dir is empty; name the inbox to write into");
  }
  if (options.las < 1 || options.las > static_cast<int>(all.size())) {
    return absl::InvalidArgumentError(
        absl::StrCat("synth: --las ", options.las, " is not between 1 and ", all.size(), " (England's LAs)"));
  }
  if (!(options.scale > 0 && options.scale <= 4)) {
    return absl::InvalidArgumentError(absl::StrCat("synth: scale ", options.scale, " is not in (0, 4]"));
  }
  std::vector<int> out_years = options.years;
  if (out_years.empty()) out_years = {kLastFy + 1};
  std::sort(out_years.begin(), out_years.end());
  out_years.erase(std::unique(out_years.begin(), out_years.end()), out_years.end());
  // The years simulated: the ones asked for, or twelve years before them (see kRelabelYears).
  const int shift = out_years.front() > kLastFy + 1 ? kRelabelYears : 0;
  std::vector<int> years;
  for (int cy : out_years) {
    if (cy - shift < kFirstFy + 1 || cy - shift > kLastFy + 1 || cy > kLastRelabelledCy) {
      return absl::InvalidArgumentError(absl::StrCat(
          "synth: collection year ", cy, " is not between ", kFirstFy + 1, " and ", kLastFy + 1, ", nor between ",
          kFirstFy + 1 + kRelabelYears, " and ", kLastRelabelledCy, " (all the years asked for in one of the two)"));
    }
    years.push_back(cy - shift);
  }
  double referral_weight = 0, care_weight = 0;
  for (const SynthLa& la : all) {
    referral_weight += la.children * ReferralNeed(la);
    care_weight += la.children * CareNeed(la);
  }
  std::vector<size_t> chosen;  // spread over the code order: London, the metropolitan areas, the shires
  for (size_t i = 0; i < static_cast<size_t>(options.las); ++i) chosen.push_back(i * all.size() / options.las);

  std::vector<NationalLa> results(chosen.size());
  std::vector<absl::Status> statuses(chosen.size());
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t k = next.fetch_add(1); k < chosen.size(); k = next.fetch_add(1)) {
      const SynthLa& la = all[chosen[k]];
      NationalVolumes v;
      v.first_out_fy = years.front() - 1;
      v.first_fy = std::max(kFirstFy, v.first_out_fy - 2);
      v.referrals = kEnglandReferrals * la.children * ReferralNeed(la) / referral_weight * options.scale;
      v.cpp = kEnglandOnPlan * la.children * ReferralNeed(la) / referral_weight * options.scale;
      v.lac = kEnglandLookedAfter * la.children * CareNeed(la) / care_weight * options.scale;
      // Each LA's own stream: the seed and the code, never the order LAs are built in.
      Borough b(Mix64(options.seed ^ Mix64(std::strtoull(la.code, nullptr, 10) * 0x9e3779b97f4a7c15ULL)));
      b.set_la(la.code);
      b.set_year_shift(shift);
      if (statuses[k] = b.BuildNational(v); !statuses[k].ok()) continue;
      NationalLa& r = results[k];
      r.la = la.code;
      r.name = la.name;
      for (int cy : years) {
        const int fy = cy - 1;
        const std::filesystem::path dir =
            std::filesystem::path(options.out_dir) / la.code / std::to_string(cy + shift);
        std::error_code ec;
        std::filesystem::create_directories(dir, ec);
        if (ec) {
          statuses[k] = absl::Status(absl::ErrnoToStatusCode(ec.value()), absl::StrCat("synth: cannot create directory ",
                                                                                        dir.string(), ": ", ec.message()));
          break;
        }
        std::vector<std::pair<std::string, std::string>> files = {
            {kContactsFile, b.ContactsCsv(fy)},       {kCensusFile, b.CensusXml(fy)},
            {"header.csv", b.HeaderCsv(fy)},          {"episodes.csv", b.EpisodesCsv(fy)},
            {"oc3.csv", b.Oc3Csv(fy)},                {"ad1.csv", b.Ad1Csv(fy)},
            {"placed_adoption.csv", b.PlacedAdoptionCsv(fy)}};
        if (options.annex_a_lists) {
          for (const auto& [list, name] : kAnnexAFiles) files.push_back({name, b.AnnexAList(list, fy)});
        }
        for (auto& [name, content] : files) {
          if (shift != 0) content = ShiftDates(content, shift);
          if (statuses[k] = WriteFile((dir / name).string(), content); !statuses[k].ok()) break;
          ++r.files;
          r.bytes += static_cast<int64_t>(content.size());
        }
        if (!statuses[k].ok()) break;
        r.contacts += b.ContactsIn(fy);
        r.referrals += b.ReferralsIn(fy);
      }
      const int32_t last = Fye(years.back() - 1);
      r.cin_year_end = b.CinOpenOn(last);
      r.lac_year_end = b.LookedAfterCount(last);
      r.cpp_year_end = b.CppOpenOn(last);
    }
  };
  const int threads = std::clamp(options.threads, 1, 64);
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (std::thread& t : pool) t.join();

  NationalSummary summary;
  for (size_t k = 0; k < chosen.size(); ++k) {
    if (!statuses[k].ok()) return statuses[k];
    const NationalLa& r = results[k];
    summary.files += r.files;
    summary.bytes += r.bytes;
    summary.contacts += r.contacts;
    summary.referrals += r.referrals;
    summary.cin_year_end += r.cin_year_end;
    summary.lac_year_end += r.lac_year_end;
    summary.cpp_year_end += r.cpp_year_end;
    summary.las.push_back(r);
  }
  return summary;
}

}  // namespace carestat
