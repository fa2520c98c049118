// DfE local authority codes.
//
// Source: the DfE rule text of CIN census validation rule 1530 (CIN census validation
// rules 2023-24): "characters 2-4 of <UPN> must be a valid post April 1998 LA code or a
// recognised 'pseudo LA' code 001-005, 201-213, 301-320, 330-336, 340-344, 350-359,
// 370-373, 380-384, 390-394, 420, 660-681, 701-708, 800-803, 805-808, 810-813, 815, 816,
// 820-823, 825, 826, 830, 831, 835-839, 840, 841, 845, 846, 850-852, 855-857, 860, 861,
// 865-896, 908, 909, 916, 919, 921, 925, 926, 928, 929, 931, 933, 935-938, 940-941",
// with 942 and 943 (Cumberland; Westmorland and Furness, from April 2023) added in the
// 2023-24 rule set. The LA codes are DfE's published list (Get Information about
// Schools, "LA codes"); the pseudo codes are only for UPNs.
//
// The one copy: SSDA903 rule 633 and CIN census rule 1530 (codes.cc) both read it.
#include "services/ingestion/formats/la_codes.h"

namespace carestat {
namespace {

struct Range {
  int lo, hi;
};

// Real LA codes (current and withdrawn).
constexpr Range kLaCodes[] = {
    {201, 213}, {301, 320}, {330, 336}, {340, 344}, {350, 359}, {370, 373}, {380, 384}, {390, 394},
    {420, 420}, {800, 803}, {805, 808}, {810, 813}, {815, 816}, {820, 823}, {825, 826}, {830, 831},
    {835, 841}, {845, 846}, {850, 852}, {855, 857}, {860, 861}, {865, 896}, {908, 909}, {916, 916},
    {919, 919}, {921, 921}, {925, 926}, {928, 929}, {931, 931}, {933, 933}, {935, 938}, {940, 943},
};

// Pseudo LA codes allowed in a UPN only.
constexpr Range kUpnPseudoCodes[] = {{1, 5}, {660, 681}, {701, 708}};

// The number of a three-digit code, or -1.
int ThreeDigits(std::string_view code) {
  if (code.size() != 3) return -1;
  int n = 0;
  for (char c : code) {
    if (c < '0' || c > '9') return -1;
    n = n * 10 + (c - '0');
  }
  return n;
}

template <size_t N>
bool InRanges(int n, const Range (&ranges)[N]) {
  for (const auto& r : ranges) {
    if (n >= r.lo && n <= r.hi) return true;
  }
  return false;
}

}  // namespace

bool IsDfeLaCode(std::string_view code) {
  const int n = ThreeDigits(code);
  return n >= 0 && InRanges(n, kLaCodes);
}

bool IsDfeLaCodeIn(std::string_view code, int collection_year) {
  if (!IsDfeLaCode(code)) return false;
  const bool new_in_2023 = code == "942" || code == "943";
  return !new_in_2023 || collection_year == 0 || collection_year >= 2024;
}

bool IsDfeUpnPseudoLaCode(std::string_view code) {
  const int n = ThreeDigits(code);
  return n >= 0 && InRanges(n, kUpnPseudoCodes);
}

}  // namespace carestat
