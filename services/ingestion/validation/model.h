// File: model.h
// The validation rule engine's view of a return: each child's rows, table by table, with
// every field as the file wrote it, and DfE's rules as functions over one child (or over
// the whole return). The CIN census parser and the SSDA903 parser fill it; the rules
// live in cin_rules_*.cc and ssda903_rules_*.cc, one function each, registered with
// their catalogue entry (code, severity, DfE's message, fields, years, example).
//
//   // A rule: flags each Episodes row whose RNE is blank.
//   void Rule_103x(const Context& ctx, const ChildData& child, Hits& hits) {
//     for (const Row* ep : child.Rows("Episodes"))
//       if (Blank(ep->Get("RNE"))) hits.Add(ep, "RNE");
//   }
//   // registered in its batch: defs->push_back({Info{"103x", "ssda903", kError, "...",
//   //   "RNE", 0, 0, "an episode with no RNE"}, Rule_103x});
//
// Tables: SSDA903 by DfE's table names (Header, Episodes, Reviews, UASC, OC2, OC3, AD1,
// PlacedAdoption, PrevPerm, Missing, SWEpisodes, DoLo; the previous year's as
// Header_last, Episodes_last, ... when loaded). CIN: Child (the ChildIdentifiers,
// ChildCharacteristics and Disabilities elements), CINdetails, Assessments (with every
// AssessmentFactors), CINPlanDates, Section47, ChildProtectionPlans (with every
// CPPreviewDate); a row below CINdetails names its CINdetails row as `parent`.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "services/ingestion/formats/rules.h"

namespace carestat::validation {

class ReferenceData;  // reference_data.h: postcode lookup and Ofsted's provider lists

// One field of a row as the file gives it (trimmed). An element or column that is
// present but empty has value "".
struct Item {
  std::string_view name;  // interned: lives as long as the program
  std::string value;
  int64_t line = 0;
};

struct Row {
  std::string_view table;  // "Episodes", "CINdetails", ...
  int64_t line = 0;
  std::string_view file;   // the file the row came from (SSDA903 tables are separate files);
                           // its owner (the parser, the collector) outlives the row
  std::vector<Item> items;
  const Row* parent = nullptr;  // CIN: the CINdetails row a row below it lies in
  void* record = nullptr;       // the parser's record for this row, flagged on an error

  // The first value of `name`, "" when absent.
  const std::string& Get(std::string_view name) const;
  // Whether the element is present at all (a CIN element, even empty). SSDA903 rows keep
  // no blank cells, so there Has is "given and not blank" (the XML HEADER's UASC is kept
  // even blank).
  bool Has(std::string_view name) const;
  // Every value of `name` (a repeated element: Disability, AssessmentFactors, CPPreviewDate).
  std::vector<const Item*> All(std::string_view name) const;
  // The line of `name`'s element, else the row's.
  int64_t LineOf(std::string_view name) const;
  void Set(std::string_view name, std::string value, int64_t line);  // appends
};

// The names of fields and tables, interned so that Item and Row can hold views. Names
// past the first 4096 distinct ones are not interned (returns "").
std::string_view Intern(std::string_view name);

// One child: its rows, table by table, in file order.
struct ChildData {
  std::string id;  // as in the file (LAchildID, CHILD); may be "" (CIN rule 8500)
  std::map<std::string, std::vector<const Row*>, std::less<>> tables;

  const std::vector<const Row*>& Rows(std::string_view table) const;
  const Row* First(std::string_view table) const;  // nullptr when none
  // The rows of `table` whose parent is `parent` (CIN: the assessments of one CINdetails).
  std::vector<const Row*> Within(std::string_view table, const Row* parent) const;
};

struct Context {
  std::string dataset;        // "cin" or "ssda903"
  int year = 0;               // collection year: 2026 for 2025-26 (0: not known)
  int32_t period_start = 0;   // 1 April of the collection year (days since 1970-01-01)
  int32_t period_end = 0;     // 31 March that ends it (CIN: the ReferenceDate)
  std::string la;             // the LA's three-digit code when known
  std::set<std::string, std::less<>> tables;  // the tables this return provides
  std::string file;           // what a finding on the whole return names as its file
  // Reference data a return does not hold (validate --postcodes, --providers); nullptr
  // when none is given. A rule that needs it runs only when it is loaded (RuleDef::needs).
  const ReferenceData* reference = nullptr;
  bool HasTable(std::string_view t) const { return tables.count(t) > 0; }
};

// What a rule finds. A hit on a row names the field it points at; a hit with no row
// is on the whole return (2887Q-style counts).
struct Hit {
  const Row* row = nullptr;
  std::string field;
  std::string detail;  // what was found, added to DfE's message; never a child's identifier
};

class Hits {
 public:
  void Add(const Row* row, std::string_view field, std::string detail = "") {
    hits_.push_back(Hit{row, std::string(field), std::move(detail)});
  }
  void AddReturn(std::string_view field, std::string detail) {
    hits_.push_back(Hit{nullptr, std::string(field), std::move(detail)});
  }
  std::vector<Hit>& all() { return hits_; }

 private:
  std::vector<Hit> hits_;
};

using ChildRuleFn = void (*)(const Context& ctx, const ChildData& child, Hits& hits);

// A rule over the whole return (duplicates across children, counts): sees each child in
// turn, may report on that child's rows then, and may report on the return at the end.
// It must not keep a Row pointer past OnChild: a CIN census and an SSDA903 XML return
// are checked child by child and each child's rows are let go once checked. What it
// keeps must stay small per child (a count, a hash): memory must not grow with the file
// beyond that.
class ReturnRule {
 public:
  virtual ~ReturnRule() = default;
  virtual void OnChild(const Context& ctx, const ChildData& child, Hits& hits) = 0;
  virtual void Finish(const Context& ctx, Hits& hits) {}
};

struct RuleDef {
  RuleInfo info;                 // the catalogue entry (info.source "DfE")
  ChildRuleFn child = nullptr;   // one of child and make_return is set
  std::function<std::unique_ptr<ReturnRule>()> make_return;
  uint8_t needs = 0;             // reference data it needs (reference_data.h kNeeds*)
};

// Every rule the engine runs, in catalogue order. Batches are listed in registry.cc.
const std::vector<RuleDef>& EngineRules();
// The rules of `dataset` applying in `year` (year 0: those still applying now).
std::vector<const RuleDef*> EngineRulesFor(std::string_view dataset, int year);

// ---------------------------------------------------------------------------------------
// Helpers for rules.

bool Blank(std::string_view v);
// DD/MM/YYYY (SSDA903) or YYYY-MM-DD (CIN), also with a time after the date; nullopt when
// blank or not a real date.
std::optional<int32_t> ParseDay(std::string_view v);
// The row's field as a date (nullopt when absent, blank or not a date).
std::optional<int32_t> Day(const Row* row, std::string_view name);
// Age in whole years on `on` of a child born `dob`.
int AgeOn(int32_t dob, int32_t on);
// The rows whose `field` is a date, in date order (file order among equal dates); rows
// without a readable date are left out.
std::vector<const Row*> InDateOrder(const std::vector<const Row*>& rows, std::string_view field);
// Day of the week, 0 Monday .. 6 Sunday.
int Weekday(int32_t day);
// "01/04/2025" as the SSDA903 writes it, "2025-04-01" for CIN.
std::string ShowDay(const Context& ctx, int32_t day);
bool OneOf(std::string_view v, std::initializer_list<std::string_view> codes);
// Upper-cased and trimmed.
std::string Upper(std::string_view v);
// A CIN child's sex code and the element that holds it: the census names it GenderCurrent
// to 2023-24 and Sex from 2024-25, and files of either year use either name. The year
// decides which codes are valid (4180), not the element's name.
// The element of the year (Sex from 2024-25, collection year 2025) when present, else
// the other one.
const std::string& SexOf(const Row* child_row, int year);
std::string_view SexField(const Row* child_row, int year);

// Batch registration (each in its own file, listed in registry.cc).
using Batch = void (*)(std::vector<RuleDef>* defs);

}  // namespace carestat::validation
