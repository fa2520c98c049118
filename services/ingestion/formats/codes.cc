#include "services/ingestion/formats/codes.h"

#include <algorithm>
#include <cstring>
#include <set>
#include <string>
#include <vector>

#include "services/ingestion/formats/la_codes.h"

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

// CIN census rule 4180: until 2023-24 the child's <GenderCurrent> holds 0 (not known),
// 1 (male), 2 (female) or 9 (not specified); from the 2024-25 census (collection year
// 2025) <Sex> (N00783) replaces it with M, F or U ("Sex must be provided and equal M,
// F, or U").
constexpr int kCinSexFromCollectionYear = 2025;

}  // namespace

bool IsCode(CodeList list, const std::string& value) { return Set(list).count(value) > 0; }

bool IsUpnLaCode(const std::string& code, int collection_year) {
  // Rule 1530: characters 2-4 are a post-April-1998 LA code (la_codes.h, old codes
  // included: a UPN keeps the code of the LA that allocated it) or a pseudo LA code.
  return IsDfeUpnPseudoLaCode(code) || IsDfeLaCodeIn(code, collection_year);
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
