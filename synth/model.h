// File: synth/model.h (internal to synth/)
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
//
// This header is what the files of synth/ share: the code lists, date helpers, the
// model's records and the Borough that holds them. Its building steps are defined in
// children.cc, looked_after.cc, protection.cc and cin_episodes.cc; each return is
// written by its own file (cin_census.cc, ssda903.cc, annex_a.cc, local_measures.cc);
// borough.cc writes the profile's borough and national.cc the national LAs.
#pragma once

#include <algorithm>
#include <array>
#include <climits>
#include <cstdint>
#include <cstring>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "services/common/dates.h"
#include "synth/profile.h"
#include "synth/rng.h"

namespace carestat::synth {

inline constexpr char kContactsFile[] = "annex-a-list1-contacts.csv";
inline constexpr char kCensusFile[] = "cin-census.xml";
// Annex A lists 2 to 10, one CSV each (list 1 is kContactsFile).
inline constexpr std::pair<int, const char*> kAnnexAFiles[] = {
    {2, "annex-a-list2-early-help.csv"},       {3, "annex-a-list3-referrals.csv"},
    {4, "annex-a-list4-assessments.csv"},      {5, "annex-a-list5-section47.csv"},
    {6, "annex-a-list6-children-in-need.csv"}, {7, "annex-a-list7-child-protection.csv"},
    {8, "annex-a-list8-looked-after.csv"},     {9, "annex-a-list9-care-leavers.csv"},
    {10, "annex-a-list10-adoption.csv"},
};


// A national year may also be asked for twelve years on (collection years 2023 to 2027,
// 2022-23 to 2026-27): the LA is simulated in the six years above and its returns are
// relabelled (ShiftDates), every date the same day twelve years later. Twelve is a
// multiple of four, so leap days stay leap days and ages, durations and the census
// year's 1 April to 31 March are exact; weekdays are not kept. What DfE changed in those
// years is written in that year's codes:
inline constexpr int kRelabelYears = 12;
inline constexpr int kLastRelabelledCy = 2027;  // 2026-27, the latest year of DfE's rules held
// CIN census: GenderCurrent 1/2 (and 0, 9) to 2023-24; Sex M/F (and U) from 2024-25.
// SSDA903 SEX: 1/2 to 2023-24; M/F (and U) from 2024-25 (rule 101).
inline constexpr int kSexLettersFromCy = 2025;
// SSDA903 PLACE: H5 and P2 are withdrawn from 2025-26 (rule 146); K3 (supported
// accommodation, valid from 2024-25) is written in their place.
inline constexpr int kNoH5P2FromCy = 2026;
inline constexpr int32_t kNever = 1 << 29;   // an end or closure beyond every reference date
inline constexpr int32_t kNone = INT32_MIN;  // a date that does not exist

// England and Wales bank holidays 2009-2017 (GOV.UK), for working-day timeliness.
inline constexpr const char* kBankHolidays[] = {
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
// Code lists.

// Ofsted's lettered options follow the CIN referral source list without 5D, which
// Annex A of these years did not carry ("q) 6: Police", "s) 8: Other").
struct Source {
  const char* annex_a;
  const char* cin;
};
inline constexpr std::array<Source, 21> kSources = {{
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
inline constexpr uint8_t kPoliceSource = 16;
// Police send the most contacts; fewer of theirs become referrals than schools' do.
inline constexpr std::array<int, 21> kContactSourceWeights = {
    60, 30, 10, 10, 140, 30, 30, 30, 10, 50, 30, 20, 20, 40, 20, 20, 300, 30, 50, 30, 10};
inline constexpr std::array<int, 21> kReferralSourceWeights = {
    70, 20, 10, 10, 170, 30, 30, 40, 10, 60, 40, 20, 20, 70, 30, 30, 220, 30, 40, 10, 10};

// DfE ethnicity codes in the order that gives Ofsted's letters; weights give an east
// London mix.
inline constexpr std::array<const char*, 20> kEthnicities = {
    "WBRI", "WIRI", "WOTH", "WIRT", "WROM", "MWBC", "MWBA", "MWAS", "MOTH", "AIND",
    "APKN", "ABAN", "AOTH", "BCRB", "BAFR", "BOTH", "CHNE", "OOTH", "REFU", "NOBT"};
inline constexpr uint8_t kWbri = 0;
inline constexpr std::array<int, 20> kEthnicityWeights = {400, 8, 80, 3,  5,   40, 20, 10, 35, 20,
                                                   35,  25, 20, 25, 150, 30, 4,  40, 20, 30};

// Age at first contact: unborn-to-infant concerns and teenagers are over-represented.
inline constexpr std::array<int, 18> kAgeWeights = {120, 60, 60, 60, 60, 50, 50, 50, 50,
                                             50,  50, 50, 60, 60, 60, 60, 50, 30};
// Age on entering care of children who leave before 16 (0..15), and of children on a
// child protection plan at its start (0..15).
inline constexpr std::array<int, 16> kCareAgeWeights = {150, 50, 45, 45, 45, 45, 45, 50,
                                                 55,  60, 70, 80, 90, 100, 100, 50};
inline constexpr std::array<int, 16> kCareAgeWeights2015 = {90, 30, 30, 30, 30, 30, 30, 40,
                                                     50, 60, 80, 100, 120, 140, 0, 0};
inline constexpr std::array<int, 16> kPlanAgeWeights = {170, 90, 80, 80, 70, 70, 65, 60,
                                                 55,  55, 50, 50, 45, 35, 20, 10};

inline constexpr std::array<int, 9> kNeedWeights = {450, 60, 40, 120, 160, 40, 10, 40, 80};  // N1..N9
// Category of need of a period of care (SSDA903 CIN, N1..N8).
inline constexpr std::array<int, 8> kCareNeedWeights = {620, 30, 30, 150, 70, 30, 10, 60};

// Closure reasons of episodes that ran past assessment, RC1..RC8 (RC6 is set when the
// child turns 18, not drawn). Not RC2 (died: the census would need a PersonDeathDate,
// rule 8585Q) nor RC8 (closed after assessment: these episodes had a CIN plan, which
// rule 2990 forbids with it); the total stays 1005 so each draw takes the PRNG as before.
inline constexpr std::array<int, 8> kLongClosureWeights = {10, 0, 40, 30, 100, 0, 825, 0};
inline constexpr uint8_t kRc1 = 0, kRc3 = 2, kRc4 = 3, kRc6 = 5, kRc7 = 6, kRc8 = 7;

// How many days before its referral the linking contact came: 0..3.
inline constexpr std::array<int, 4> kContactLeadWeights = {500, 250, 150, 100};

// CIN census assessment factors (21 "no factors identified" stands alone).
inline constexpr std::array<const char*, 23> kFactors = {"1B",  "2B",  "3A",  "3B",  "4B",  "5B",  "6B",  "7A",
                                                  "8B",  "9A",  "10A", "11A", "12A", "13A", "14A", "15A",
                                                  "16A", "17A", "18B", "19B", "22A", "23A", "24A"};

inline constexpr std::array<const char*, 5> kCategories = {"EMO", "NEG", "PHY", "SAB", "MUL"};
inline constexpr std::array<int, 5> kCategoryWeights = {550, 300, 80, 40, 30};
inline constexpr uint8_t kEmo = 0;

inline constexpr const char* kBoroughDistricts[] = {"IG11", "RM8", "RM9", "RM10", "RM6"};
inline constexpr const char* kOtherDistricts[] = {"E6",  "E7",  "E12", "E13",  "E15", "IG1", "IG3", "RM1",
                                           "RM3", "RM7", "RM13", "SS1", "SS14", "CM1", "CM20", "DA1",
                                           "ME4", "E17", "N9",  "CO1",  "LU1", "IP1"};
inline constexpr char kInwardLetters[] = "ABDEFGHJLNPQRSTUWXYZ";

inline constexpr const char* kPlaceChangeReasons[] = {"CARPL", "CHILD", "PLACE", "LAREQ", "CREQB", "ALLEG", "OTHER"};

// ---------------------------------------------------------------------------------------
// Dates.

inline int32_t Fys(int fy) { return FinancialYearStart(fy); }
inline int32_t Fye(int fy) { return FinancialYearEnd(fy); }
inline const int32_t kWindowStart = FinancialYearStart(kFirstFy);
inline const int32_t kWindowEnd = FinancialYearEnd(kLastFy);

inline int32_t ShiftYears(int32_t day, int years) {
  int y, m, d;
  CivilFromDays(day, &y, &m, &d);
  if (m == 2 && d == 29) d = 28;
  return DayNumber(y + years, m, d);
}

// Completed years; a 29 February birthday falls on 1 March in other years.
inline int AgeOn(int32_t dob, int32_t day) {
  int by, bm, bd, y, m, d;
  CivilFromDays(dob, &by, &bm, &bd);
  CivilFromDays(day, &y, &m, &d);
  return y - by - ((m < bm || (m == bm && d < bd)) ? 1 : 0);
}

// The first day on which AgeOn says `age`.
inline int32_t Birthday(int32_t dob, int age) {
  int32_t day = ShiftYears(dob, age);
  // A 29 February child is still a year younger on the 28th (AgeOn's rule).
  if (AgeOn(dob, day) < age) ++day;
  return day;
}
inline int32_t EighteenthBirthday(int32_t dob) { return Birthday(dob, 18); }

inline int Weekday(int32_t day) { return ((day + 3) % 7 + 7) % 7; }  // Monday 0; 1970-01-01 a Thursday
inline bool IsWeekend(int32_t day) { return Weekday(day) >= 5; }

// Month `i` (0 = April) of financial year `fy`: its first and last day.
inline int32_t MonthFirst(int fy, int i) { return i < 9 ? DayNumber(fy, i + 4, 1) : DayNumber(fy + 1, i - 8, 1); }
inline int32_t MonthLast(int fy, int i) { return i < 11 ? MonthFirst(fy, i + 1) - 1 : Fye(fy); }
inline int32_t MonthEndOf(int32_t day) {
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

inline bool InHouseFoster(const Placement& p) {
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

inline std::vector<CareEpisode> EpisodesOf(const Period& p) {
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

inline std::string ChildId(int32_t child) {
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
  // A row of the year's PlacedAdoption table (and so of Annex A list 10): a decision by
  // 31 March, in the year's return, not ceased before the year.
  bool InPlacedAdoption(const Period& p, int fy) const;
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


// The nearest count whose share of `of` rounds to `pct` (the calibrations' percentages).
inline int CountForPct(int pct, int of) { return static_cast<int>((static_cast<int64_t>(pct) * of + 50) / 100); }

// The synthetic returns' shared pieces: a 64-bit mixer for the hashed draws (Annex A
// details, the national LAs' seeds and sizes), and writing a file whole.
inline uint64_t Mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// An I/O failure as a status naming the path: the errno-derived code and its text.
absl::Status IoError(int error, const std::string& what, const std::string& path);
// Writes `content` to `path`, replacing it.
absl::Status WriteFile(const std::string& path, const std::string& content);

}  // namespace carestat::synth
