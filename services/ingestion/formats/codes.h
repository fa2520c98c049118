// File: codes.h
// The DfE code sets that validation checks coded fields against, and the UPN check.
//   if (!IsCode(CodeList::kEthnicity, "WBRI")) ...
//   std::string p = UpnProblem("G301000017830", 2016);   // "" (or "1510 UPN invalid (...)")
#pragma once

#include <string>
#include <vector>

namespace carestat {

enum class CodeList {
  kEthnicity,         // DfE ethnicity codes (CIN census, SSDA903)
  kReferralSource,    // CIN census source of referral
  kPrimaryNeed,       // CIN census primary need N0..N9
  kReasonForClosure,  // CIN census RC1..RC9
  kCategoryOfAbuse,   // NEG PHY SAB EMO MUL
};

bool IsCode(CodeList list, const std::string& value);

// "" for a valid UPN; otherwise the first rule it breaks: the rule code (DfE's 1510,
// 1530, 1540, 1550, or upn-length for a UPN that is not 13 characters), a space and
// the message.
// `collection_year` (2016 for 2015-16; 0 for any) decides which LA codes 1530 takes.
std::string UpnProblem(const std::string& upn, int collection_year = 0);
// Every rule the UPN breaks, each as UpnProblem gives it (1510 first), so a UPN with a
// wrong LA code and a wrong check letter is reported under 1530 and 1510, as DfE does.
std::vector<std::string> UpnProblems(const std::string& upn, int collection_year = 0);

// Characters 2-4 of a UPN: a DfE LA or pseudo-LA code (rule 1530) in that collection year.
bool IsUpnLaCode(const std::string& code, int collection_year = 0);

// CIN census rule 4180: the child's sex code as that collection year's census allows
// it (0, 1, 2, 9 until 2023-24; M, F, U from 2024-25), and those codes as text.
bool IsCinSexCode(const std::string& value, int collection_year);
std::string CinSexCodes(int collection_year);

}  // namespace carestat
