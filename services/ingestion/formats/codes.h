// File: codes.h
// The DfE code sets that validation checks coded fields against, and the UPN check.
//   if (!IsCode(CodeList::kEthnicity, "WBRI")) ...
//   std::string p = UpnProblem("A123456789123");   // "1510 UPN invalid (...)" or ""
#pragma once

#include <string>

namespace carestat {

enum class CodeList {
  kEthnicity,         // DfE ethnicity codes (CIN census, SSDA903)
  kReferralSource,    // CIN census source of referral
  kPrimaryNeed,       // CIN census primary need N0..N9
  kReasonForClosure,  // CIN census RC1..RC9
  kCategoryOfAbuse,   // NEG PHY SAB EMO MUL
};

bool IsCode(CodeList list, const std::string& value);

// "" for a valid UPN; otherwise the DfE rule code, a space and the message.
std::string UpnProblem(const std::string& upn);

}  // namespace carestat
