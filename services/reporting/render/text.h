// File: text.h
// Words shared by the Markdown and HTML renderers: headings, periods, the sentence
// that quotes a fact, the notes on rounding and disclosure.
//   FactSentence(fact)  // "Section 47 enquiries: 1,184 in 2015-16, compared with 1,234 in 2014-15 (-50, -4%). ..."
#pragma once

#include <map>
#include <string>
#include <vector>

#include "carestat/v1/reporting.pb.h"

namespace carestat {

std::string YearSlash(const std::string& year);        // "2015-16" -> "2015/16"
std::string PeriodWords(const std::string& year);      // "1 April 2015 to 31 March 2016"
std::string DateWords(int64_t unix_ms);                // "1 May 2024"; "" for 0
std::string LaWords(const std::string& la, const std::string& name);   // "Barking and Dagenham (LA 301)"
std::string StatusWords(bool published);
// The change of a fact in words: "-50, -4%"; "+3 percentage points"; "" when not available.
std::string ChangeWords(const v1::Cell& change, const v1::Cell& change_pct, const std::string& unit);
// The fact with its comparators and DfE's published figures (LAIT): "... England 532,
// London 478, Statistical neighbours 715. DfE's published figures for 2015-16 (LAIT): the
// council 535, England 536, London 478, statistical neighbours 690 (10 of 10 with a
// figure); not ranked (DfE gives no better direction)." An indicator no DfE collection
// holds says "not published by DfE".
std::string FactSentence(const v1::Fact& f);
// Whether a status of lait_mapping.csv is one DfE publishes figures under: LAIT's measure
// ("mapped", with DfE's release figures for earlier years) or DfE's statistical release
// only ("DfE release").
bool DfeFiguresHeld(const std::string& status);
// The distinct gaps of a section's facts (Fact.gap), in order.
std::vector<std::string> FactGaps(const std::vector<const v1::Fact*>& facts);
extern const char kCoverageHeading[];   // "Returns behind these figures"
extern const char kCoverageIntro[];
extern const char kDifferencesHeading[];   // "Figures that differ from those published"
extern const char kYearOnYearHeading[];    // "Year on year"

// How the renderers lay the annual report out: its facts grouped by section in their
// order, its tables and figures by id, where the seed's tables and figures sit among the
// sections, and the year before the report's (the tables' last column but one).
struct AnnualLayout {
  explicit AnnualLayout(const v1::AnnualReport& r);
  std::string previous_year;
  std::vector<std::string> sections;
  std::map<std::string, std::vector<const v1::Fact*>> by_section;
  std::map<std::string, const v1::Table*> tables;
  std::map<std::string, const v1::Figure*> figures;
  // Section -> the table and figure ids printed in it, in order.
  static const std::map<std::string, std::vector<std::string>>& Placed();
};
// What stands in place of a DfE comparator carestat has no figure for, by the indicator's
// status: "not published by DfE" (no DfE collection holds it), "no comparable DfE figure"
// (DfE's nearest measure differs in definition), "not held" (DfE publishes it, in a
// release or year carestat's reference data does not hold); "" for no status (a
// breakdown, a local measure): plain "not available".
std::string NoDfeFigureWords(const std::string& status);
// DfE's published figures of a fact in words ("" when metrics gave none).
std::string PublishedWords(const v1::Fact& f);
// "rank 12 of 152, quartile A", "not ranked (why)" ("not ranked" when brief), "not
// published by DfE"; brief (a table cell) also "not held (not in LAIT)" and "no
// comparable DfE figure"; "" otherwise.
std::string RankWords(const v1::PublishedComparison& d, bool brief = false);
// A fact's comparator for a table column ("ENG", "LON", "SN:"): the comparator metrics
// holds, else DfE's published figure (LAIT) marked with a dagger (published true), else
// "not published by DfE" for an indicator DfE does not publish, else "not available".
struct ShownComparator {
  v1::Cell cell;
  std::string text;
  bool published = false;
};
ShownComparator FactComparator(const v1::Fact& f, const std::string& prefix);
// The same for a self-assessment evidence table's row.
ShownComparator IndicatorComparator(const v1::AssessedIndicator& a, const std::string& prefix);
extern const char kNotPublishedByDfe[];
extern const char kPublishedMarkNote[];   // what the dagger and the DfE rank column mean
std::string ComparatorWords(const google::protobuf::RepeatedPtrField<v1::ComparatorValue>& cs, const std::string& unit);
// A reconciliation row's difference, computed minus published: "+12", "-0.4", "c".
std::string ReconciliationDifference(const v1::Reconciliation& rec);
std::string EvidenceWords(const v1::Finding& f);
// A self-assessment finding as a sentence quoting its figures (the LA's from its cells, so
// a suppressed one reads "c"): "Re-referrals within 12 months: 20% in 2015-16 (25% in
// 2014-15, 27% in 2013-14). Better than Statistical neighbours (22%); improving since 2014-15."
std::string FindingSentence(const v1::Finding& f);
// The self-evaluation's three questions, as headings.
extern const char kWhatDoWeKnow[];
extern const char kHowDoWeKnow[];
extern const char kPlansQuestion[];
extern const char kRoundingNote[];
extern const char kDisclosureNote[];
extern const char kInternalNote[];

}  // namespace carestat
