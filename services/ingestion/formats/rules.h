// File: rules.h
// The catalogue of every rule carestat checks: DfE's CIN census and SSDA903 rules by their
// DfE codes, carestat's own checks of Annex A and local measures files, and carestat's
// checks that apply to any file (structure, dates, headers). One entry per rule (and per
// span of collection years where DfE changed the rule's text), with DfE's message, the
// fields it points at, the collection years it applies to and an example that fails it.
//   for (const RuleInfo* r : FindRules("8875")) std::cout << r->message;
//   auto cin_2026 = SelectRules("cin", 2026);          // the CIN rules of 2025-26
//   std::string json = RulesJson(cin_2026);             // protobuf's JSON writer
// tests/unit/ingestion/rules_test.cc reads the parsers' sources and fails when a code they
// raise is missing here, or when an entry here is raised nowhere.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace carestat {

enum class RuleSeverity { kError, kQuery, kErrorOrQuery };

struct RuleInfo {
  std::string_view code;     // DfE's code ("8866", "SW04STG1") or carestat's ("date-range")
  std::string_view dataset;  // cin, ssda903, annex-a, local-measures or carestat-local
  RuleSeverity severity;
  std::string_view message;  // DfE's wording for DfE rules; carestat's for its own
  std::string_view fields;   // the fields the rule points at, ", " between them
  int from_year;             // first collection year it applies to (2016 = 2015-16); 0: all
  int to_year;               // last collection year; 0: still applies
  std::string_view example;  // one line: a case that fails it
  std::string_view source;   // "DfE" or "carestat"
};

// The datasets in catalogue order: cin, ssda903, annex-a, local-measures, carestat-local.
const std::vector<std::string_view>& RuleDatasets();
// Every entry, in catalogue order (by dataset, then code).
const std::vector<RuleInfo>& AllRules();
// The entries with this code (several when the code's text changed over the years, or
// when two datasets use one code); empty when carestat has no such rule.
std::vector<const RuleInfo*> FindRules(std::string_view code);
// Entries of `dataset` ("" for all) that apply in `collection_year` (0 for any year).
std::vector<const RuleInfo*> SelectRules(std::string_view dataset, int collection_year);

bool RuleAppliesIn(const RuleInfo& r, int collection_year);
std::vector<std::string> RuleFields(const RuleInfo& r);
std::string_view RuleSeverityName(RuleSeverity s);  // "error", "query", "error or query"
// "all years", "2024-25 onwards", "up to 2023-24", "2023-24 to 2024-25".
std::string RuleYearsText(const RuleInfo& r);
// "2025-26" or "2026" (the collection year, the year the return ends) -> 2026.
std::optional<int> ParseRuleYear(std::string_view text);

// JSON (protobuf's writer): {"rules": [{"code", "dataset", "severity", "message",
// "fields": [...], "years", "from_year", "to_year", "source"[, "example"]}, ...]}.
std::string RulesJson(const std::vector<const RuleInfo*>& rules, bool with_example = false);

// What `carestat rules` prints. `explain` empty: every rule of `dataset` ("" for all) in
// `year` (0 for all), as text grouped by dataset or as RulesJson. `explain` a code: that
// rule's entries with their examples. Returns 0 with the text in *out, or 2 with *error
// naming a code carestat has no rule for (or none in that dataset or year).
struct RulesRequest {
  std::string dataset;
  int year = 0;
  std::string explain;
  bool json = false;
};
int RenderRules(const RulesRequest& request, std::string* out, std::string* error);

}  // namespace carestat
