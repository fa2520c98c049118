#include "services/ingestion/formats/codes.h"

#include <algorithm>
#include <cstring>
#include <set>

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

}  // namespace

bool IsCode(CodeList list, const std::string& value) { return Set(list).count(value) > 0; }

std::string UpnProblem(const std::string& upn) {
  if (upn.size() != 13) return "1510 UPN invalid (not 13 characters)";
  for (size_t i = 4; i < 12; ++i) {
    if (upn[i] < '0' || upn[i] > '9') return "1540 UPN invalid (characters 5-12 not all numeric)";
  }
  for (size_t i = 1; i < 4; ++i) {
    if (upn[i] < '0' || upn[i] > '9') return "1530 UPN invalid (characters 2-4 not a recognised LA code)";
  }
  int last = 0;
  if (upn[12] >= '0' && upn[12] <= '9') {
    last = upn[12] - '0';
  } else if (const char* at = std::strchr(kCheckLetters, upn[12]); at && upn[12] != '\0') {
    last = static_cast<int>(at - kCheckLetters);  // a temporary UPN ends in a letter
  } else {
    return "1550 UPN invalid (character 13 not a recognised value)";
  }
  int sum = 0;
  for (size_t i = 1; i < 12; ++i) sum += (upn[i] - '0') * static_cast<int>(i + 1);
  sum += last * 13;
  if (upn[0] != kCheckLetters[sum % 23]) return "1510 UPN invalid (wrong check letter at character 1)";
  return "";
}

}  // namespace carestat
