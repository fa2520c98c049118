#include "services/ingestion/formats/codes.h"

#include <algorithm>
#include <cstring>
#include <set>
#include <string>
#include <vector>

namespace carestat {
namespace {

// Source: DfE CIN census 2015-16 onwards guide, code sets; the ethnicity codes are
// shared by the CIN census and the SSDA903.
const std::set<std::string>& Set(CodeList list) {
  static const std::set<std::string> kEthnicity = {
      "WBRI", "WIRI", "WOTH", "WIRT", "WROM", "MWBC", "MWBA", "MWAS", "MOTH", "AIND",
      "APKN", "ABAN", "AOTH", "BCRB", "BAFR", "BOTH", "CHNE", "OOTH", "REFU", "NOBT"};
  static const std::set<std::string> kReferralSource = {"1A", "1B", "1C", "1D", "2A", "2B", "3A", "3B",
                                                        "3C", "3D", "3E", "3F", "4",  "5A", "5B", "5C",
                                                        "5D", "6",  "7",  "8",  "9",  "10"};
  static const std::set<std::string> kPrimaryNeed = {"N0", "N1", "N2", "N3", "N4", "N5", "N6", "N7", "N8", "N9"};
  static const std::set<std::string> kReasonForClosure = {"RC1", "RC2", "RC3", "RC4", "RC5",
                                                          "RC6", "RC7", "RC8", "RC9"};
  static const std::set<std::string> kCategoryOfAbuse = {"NEG", "PHY", "SAB", "EMO", "MUL"};
  switch (list) {
    case CodeList::kEthnicity: return kEthnicity;
    case CodeList::kReferralSource: return kReferralSource;
    case CodeList::kPrimaryNeed: return kPrimaryNeed;
    case CodeList::kReasonForClosure: return kReasonForClosure;
    case CodeList::kCategoryOfAbuse: break;
  }
  return kCategoryOfAbuse;
}

// The check letter table of the DfE UPN specification: remainder 0 is A, ..., 22 is Z
// (I, O and S are not used).
constexpr char kCheckLetters[] = "ABCDEFGHJKLMNPQRTUVWXYZ";

// The codes characters 2-4 of a UPN may hold: DfE's CIN census validation rule 1530
// ("characters 2-4 of <UPN> must be a valid post April 1998 LA code or a recognised
// 'pseudo LA' code"), whose text lists 001-005, 201-213, 301-320, 330-336, 340-344,
// 350-359, 370-373, 380-384, 390-394, 420, 660-681, 701-708, 800-803, 805-808,
// 810-813, 815, 816, 820-823, 825, 826, 830, 831, 835-837, 838-839, 840, 841, 845, 846,
// 850-852, 855-857, 860, 861, 865-896, 908, 909, 916, 919, 921, 925, 926, 928, 929, 931,
// 933, 935-938 and 940-941 (old codes included: a UPN keeps the code of the LA that
// allocated it). DfE's 2023-24 rules add 942 and 943 (Cumberland, Westmorland and
// Furness, from April 2023). A UPN never changes, so each code stays valid after.
struct UpnLaRange {
  int first, last;
  int from_collection_year;  // 0: every year
};
constexpr UpnLaRange kUpnLaCodes[] = {
    {1, 5, 0},     {201, 213, 0}, {301, 320, 0}, {330, 336, 0}, {340, 344, 0}, {350, 359, 0},
    {370, 373, 0}, {380, 384, 0}, {390, 394, 0}, {420, 420, 0}, {660, 681, 0}, {701, 708, 0},
    {800, 803, 0}, {805, 808, 0}, {810, 813, 0}, {815, 816, 0}, {820, 823, 0}, {825, 826, 0},
    {830, 831, 0}, {835, 841, 0}, {845, 846, 0}, {850, 852, 0}, {855, 857, 0}, {860, 861, 0},
    {865, 896, 0}, {908, 909, 0}, {916, 916, 0}, {919, 919, 0}, {921, 921, 0}, {925, 926, 0},
    {928, 929, 0}, {931, 931, 0}, {933, 933, 0}, {935, 938, 0}, {940, 941, 0}, {942, 943, 2024},
};

// CIN census rule 4180: until 2023-24 the child's <GenderCurrent> holds 0 (not known),
// 1 (male), 2 (female) or 9 (not specified); from the 2024-25 census (collection year
// 2025) <Sex> (N00783) replaces it with M, F or U ("Sex must be provided and equal M,
// F, or U").
constexpr int kCinSexFromCollectionYear = 2025;

}  // namespace

bool IsCode(CodeList list, const std::string& value) { return Set(list).count(value) > 0; }

bool IsUpnLaCode(const std::string& code, int collection_year) {
  if (code.size() != 3) return false;
  for (char c : code) {
    if (c < '0' || c > '9') return false;
  }
  const int n = (code[0] - '0') * 100 + (code[1] - '0') * 10 + (code[2] - '0');
  for (const UpnLaRange& r : kUpnLaCodes) {
    if (n >= r.first && n <= r.last) return collection_year == 0 || collection_year >= r.from_collection_year;
  }
  return false;
}

std::vector<std::string> UpnProblems(const std::string& raw, int collection_year) {
  // Counted in characters, not bytes: a character outside ASCII (UTF-8) stands as \x01,
  // which no rule takes, so the rule of its position reports it.
  std::string upn;
  for (unsigned char c : raw) {
    if (c < 0x80) upn += static_cast<char>(c);
    else if ((c & 0xC0) != 0x80) upn += '\x01';
  }
  // DfE's census schema holds a UPN in 13 characters; no numbered CIN rule checks the
  // length (1510, 1530 and 1550 are defined on the 13 characters), so it has its own code.
  if (upn.size() != 13) {
    return {"upn-length UPN invalid (" + std::to_string(upn.size()) + " characters where a UPN has 13)"};
  }
  // DfE's rules are independent: a UPN breaking two is reported under both.
  std::vector<std::string> problems;
  auto digit = [&](size_t i) { return upn[i] >= '0' && upn[i] <= '9'; };
  bool digits = true;  // characters 2-12, which the check letter is computed from
  for (size_t i = 1; i < 12; ++i) digits = digits && digit(i);
  bool numeric = true;
  for (size_t i = 4; i < 12; ++i) numeric = numeric && digit(i);
  if (!IsUpnLaCode(upn.substr(1, 3), collection_year)) {
    problems.push_back("1530 UPN invalid (characters 2-4 not a recognised LA code)");
  }
  if (!numeric) problems.push_back("1540 UPN invalid (characters 5-12 not all numeric)");
  int last = -1;
  if (digit(12)) {
    last = upn[12] - '0';
  } else if (const char* at = std::strchr(kCheckLetters, upn[12]); at && upn[12] != '\0') {
    last = static_cast<int>(at - kCheckLetters);  // a temporary UPN ends in a letter
  } else {
    problems.push_back("1550 UPN invalid (character 13 not a recognised value)");
  }
  // 1510 is decidable only when characters 2-13 are what the check letter is made from.
  if (digits && last >= 0) {
    int sum = 0;
    for (size_t i = 1; i < 12; ++i) sum += (upn[i] - '0') * static_cast<int>(i + 1);
    sum += last * 13;
    if (upn[0] != kCheckLetters[sum % 23]) {
      problems.insert(problems.begin(), "1510 UPN invalid (wrong check letter at character 1)");
    }
  }
  return problems;
}

std::string UpnProblem(const std::string& upn, int collection_year) {
  auto problems = UpnProblems(upn, collection_year);
  return problems.empty() ? "" : problems.front();
}

bool IsCinSexCode(const std::string& value, int collection_year) {
  if (collection_year >= kCinSexFromCollectionYear) return value == "M" || value == "F" || value == "U";
  return value == "0" || value == "1" || value == "2" || value == "9";
}

std::string CinSexCodes(int collection_year) {
  return collection_year >= kCinSexFromCollectionYear ? "M, F or U" : "0, 1, 2 or 9";
}

}  // namespace carestat
