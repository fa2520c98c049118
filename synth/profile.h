// File: synth/profile.h (internal to synth/)
// The "barking-and-dagenham" profile: LA 301's six collection years and the published
// figures its synthetic borough is calibrated to (WriteSynthBorough), and its local
// measures. The national LAs (national.cc) share the six years but none of the figures.
#pragma once

namespace carestat::synth {

inline constexpr char kProfile[] = "barking-and-dagenham";
inline constexpr char kLaCode[] = "301";

inline constexpr int kFirstFy = 2010;  // 2010-11, collection year 2011
inline constexpr int kLastFy = 2015;   // 2015-16, collection year 2016
inline constexpr int kYears = kLastFy - kFirstFy + 1;

// ---------------------------------------------------------------------------------------
// The profile: the seed's figures (001_093648989cbf36ab.txt, via reference/seed-figures.csv)
// and, for the years and figures the seed does not give, plausible values chosen to agree
// with them. Index 0 is 2010-11. -1: not calibrated.

inline constexpr int kContacts[kYears] = {9765, 8683, 8363, 8856, 8515, 11393};
inline constexpr int kReferrals[kYears] = {2704, 1812, 2586, 3126, 4084, 3255};
inline constexpr int kCinOpen[kYears] = {1545, 1714, 2161, 2184, 2326, 2064};

// Looked after. 31 March 2010, then each year end; children starting (RNE S), of whom on
// police protection; children who were looked after on 1 April, left, came back and left
// again within the year (the seed's 457 + 220 - 249 = 428 against its 418 needs ten).
inline constexpr int kLacInitial = 380;
inline constexpr int kLacYearEnd[kYears] = {390, 400, 420, 455, 457, 418};
inline constexpr int kLacStarted[kYears] = {220, 230, 245, 314, 283, 220};
inline constexpr int kLacPolice[kYears] = {90, 95, 103, 134, 69, 54};
inline constexpr int kLacTwice[kYears] = {0, 0, 0, 0, 0, 10};
// Month ends of 2015-16, April first: the highest ever, 476, in June 2015.
inline constexpr int kLacMonthEnds2015[12] = {464, 470, 476, 471, 466, 460, 454, 448, 441, 434, 426, 418};
inline constexpr int kLacPlacements[kYears] = {-1, -1, -1, -1, 320, 331};
inline constexpr int kLacInHouse[kYears] = {-1, -1, -1, -1, -1, 203};
inline constexpr int kLacFemalePct[kYears] = {-1, -1, -1, -1, -1, 49};
inline constexpr int kLacUnder10Pct[kYears] = {-1, -1, -1, -1, 41, 34};
inline constexpr int kLacWbriPct[kYears] = {-1, -1, -1, -1, 47, 50};

// Adoptions and the sum of their A1 days: 585 x 38 for 2012-13, 769 x 28 for 2015-16, and
// 2013-14 + 2014-15 = 34,706 so that 2012-15 averages 647 and 2013-16 721 (child-weighted).
inline constexpr int kAdoptions[kYears] = {24, 30, 38, 18, 32, 28};
inline constexpr int kA1Sum[kYears] = {14400, 18600, 22230, 11520, 23186, 21532};
inline constexpr int kShopa[kYears] = {-1, -1, -1, 46, 14, 30};

// Care leavers: children looked after on their 16th birthday, by financial year of birth
// from 1989-90. OC3 reports them in the years of their 17th to 21st birthdays, so
// 2014-15 counts births 1993-96 at 18+ (154) and 2015-16 births 1994-97 (176).
inline constexpr int kLeaverFirstBirthFy = 1989;
inline constexpr int kLeavers[] = {28, 30, 32, 34, 34, 36, 40, 44, 56, 60, 62};

inline constexpr int kCppInitial = 220;
inline constexpr int kCppYearEnd[kYears] = {240, 270, 300, 330, 353, 253};
inline constexpr int kCppStarted[kYears] = {320, 340, 380, 400, 430, 310};
inline constexpr int kCppEmoPct[kYears] = {-1, -1, -1, 69, 60, 50};

inline constexpr int kS47[kYears] = {-1, -1, -1, -1, 1234, 1184};
inline constexpr int kS47GenericPerMille[kYears] = {220, 220, 230, 230, 230, 320};
inline constexpr int kTimelyPct[kYears] = {-1, -1, -1, -1, 71, 76};

// CIN cases referred before April 2010 and still open then (no list 1 row exists for them).
inline constexpr int kLegacyGeneric = 900;
inline constexpr int kShortBreakChildren = 24;

struct LocalMeasure {
  int fy;
  const char* id;
  const char* value;
  const char* section;
};
inline constexpr LocalMeasure kLocalMeasures[] = {
    {2013, "cp_core_groups_held_pct", "34", "3.7"},
    {2014, "cp_visits_timely_pct", "95.5", "3.7"},
    {2014, "cp_core_groups_held_pct", "86", "3.7"},
    {2015, "agency_sw_rate_pct", "45", "3.14"},
    {2015, "cp_visits_timely_pct", "97", "3.7"},
    {2015, "cp_core_groups_held_pct", "84", "3.7"},
    {2015, "overspend_gbp", "5670000", "8.5"},
};


}  // namespace carestat::synth
