// File: text.h
// Words shared by the Markdown and HTML renderers: headings, periods, the sentence
// that quotes a fact, the notes on rounding and disclosure.
//   FactSentence(fact)  // "Section 47 enquiries: 1,184 in 2015-16, compared with 1,234 in 2014-15 (-50, -4%). ..."
#pragma once

#include <string>

#include "carestat/v1/reporting.pb.h"

namespace carestat {

std::string YearSlash(const std::string& year);        // "2015-16" -> "2015/16"
std::string PeriodWords(const std::string& year);      // "1 April 2015 to 31 March 2016"
std::string DateWords(int64_t unix_ms);                // "1 May 2024"; "" for 0
std::string LaWords(const std::string& la, const std::string& name);   // "Barking and Dagenham (LA 301)"
std::string StatusWords(bool published);
// The change of a fact in words: "-50, -4%"; "+3 percentage points"; "" when not available.
std::string ChangeWords(const v1::Cell& change, const v1::Cell& change_pct, const std::string& unit);
std::string FactSentence(const v1::Fact& f);
std::string ComparatorWords(const google::protobuf::RepeatedPtrField<v1::ComparatorValue>& cs, const std::string& unit);
std::string EvidenceWords(const v1::Finding& f);
extern const char kRoundingNote[];
extern const char kDisclosureNote[];
extern const char kInternalNote[];

}  // namespace carestat
