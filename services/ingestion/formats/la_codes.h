// File: la_codes.h
// DfE's three-digit local authority codes, current and withdrawn, as the SSDA903 (rule
// 633, LA_PERM) and the CIN census (rule 1530, UPN characters 2-4) check them.
//   if (!IsDfeLaCode("301")) ...
#pragma once

#include <string_view>

namespace carestat {

// True for a DfE code of an English local authority (post-April 1998 codes, including
// codes withdrawn since, e.g. 909 Cumbria, 928 Northamptonshire, 835-837 Dorset, Poole
// and Bournemouth, 820 Bedfordshire, 875 Cheshire, and their successors 942, 943, 940,
// 941, 838, 839, 822, 823, 895, 896). Exactly three digits; no pseudo codes.
bool IsDfeLaCode(std::string_view code);
// The same, for a return of `collection_year` (0: any year): 942 and 943 (Cumberland;
// Westmorland and Furness, from April 2023) are codes from collection year 2024 on.
bool IsDfeLaCodeIn(std::string_view code, int collection_year);

// True for the "pseudo LA" codes DfE allows in characters 2-4 of a UPN besides real LA
// codes (001-005, 660-681, 701-708). Not valid as an LA_PERM.
bool IsDfeUpnPseudoLaCode(std::string_view code);

}  // namespace carestat
