// Builds children row by row and runs one engine rule on them, for the rule tests.
//   RuleCase c("ssda903", 2025);                       // the 2024-25 return
//   auto& h = c.Add("A1", "Header", {{"SEX", "1"}, {"DOB", "01/01/2010"}});
//   c.Add("A1", "Episodes", {{"DECOM", "01/05/2024"}, {"RNE", "S"}});
//   EXPECT_EQ(c.Run("103"), (std::vector<std::string>{"A1 Header ETHNIC"}));
// Run returns "CHILD TABLE FIELD" per finding, in order (a finding on the whole return
// is "- - FIELD"). CIN rows below a CINdetails name it with `parent` (the row returned
// by Add). A rule code the engine does not have for that dataset and year fails the test.
#pragma once

#include <deque>
#include <initializer_list>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "services/common/dates.h"
#include "services/ingestion/validation/engine.h"

namespace carestat::validation::testing {

class RuleCase {
 public:
  RuleCase(std::string dataset, int year, std::string la = "301") {
    ctx_.dataset = std::move(dataset);
    ctx_.year = year;
    if (year) {
      ctx_.period_start = FinancialYearStart(year - 1);
      ctx_.period_end = FinancialYearEnd(year - 1);
    }
    ctx_.la = std::move(la);
  }
  Context& ctx() { return ctx_; }

  // Adds a row to `child`'s `table` (the table is then provided by the return).
  validation::Row& Add(const std::string& child, std::string_view table,
           std::initializer_list<std::pair<std::string_view, std::string>> fields, const validation::Row* parent = nullptr) {
    validation::Row& r = rows_.emplace_back();
    r.table = Intern(table);
    r.line = static_cast<int64_t>(rows_.size()) + 1;
    r.file = "test";
    r.parent = parent;
    for (const auto& [k, v] : fields) r.Set(k, v, r.line);
    if (!children_.count(child)) order_.push_back(child);
    children_[child].push_back(&r);
    ctx_.tables.insert(std::string(table));
    return r;
  }
  // Declares a table provided by the return though no row of it is given.
  void Provide(std::string_view table) { ctx_.tables.insert(std::string(table)); }

  std::vector<std::string> Run(std::string_view code) {
    Engine engine(ctx_, {std::string(code)});
    EXPECT_GT(engine.rule_count(), 0u) << "no rule " << code << " for " << ctx_.dataset << " in " << ctx_.year;
    std::vector<Finding> found;
    for (const std::string& id : order_) {
      ChildData c;
      c.id = id;
      for (const validation::Row* r : children_[id]) c.tables[std::string(r->table)].push_back(r);
      engine.Child(c, &found);
    }
    engine.Finish(&found);
    std::vector<std::string> out;
    details_.clear();
    for (const Finding& f : found) {
      EXPECT_EQ(f.rule->info.code, code);
      details_.push_back(f.detail);
      out.push_back(f.row ? f.child + " " + std::string(f.row->table) + " " + f.field : "- - " + f.field);
    }
    return out;
  }
  // What the last Run's findings said beyond DfE's message, in the order found.
  const std::vector<std::string>& details() const { return details_; }

 private:
  Context ctx_;
  std::vector<std::string> details_;
  std::deque<validation::Row> rows_;
  std::map<std::string, std::vector<const validation::Row*>> children_;
  std::vector<std::string> order_;
};

using Found = std::vector<std::string>;

}  // namespace carestat::validation::testing
