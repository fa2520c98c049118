// File: rule_tally.h
// A return's validation issues counted by severity and rule, with the first message of
// each: what ingestion stores with the return and what the self-assessment lists. No
// child identifier is carried over.
//   std::vector<v1::RuleTally> t = TallyIssues(issues);   // ordered by severity, rule
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "carestat/v1/ingestion.pb.h"

namespace carestat {

inline std::vector<v1::RuleTally> TallyIssues(const std::vector<v1::ValidationIssue>& issues) {
  std::map<std::pair<std::string, std::string>, v1::RuleTally> by_rule;
  for (const auto& issue : issues) {
    const std::string severity = issue.severity() == v1::ERROR ? "error" : "query";
    v1::RuleTally& t = by_rule[{severity, issue.rule()}];
    if (t.count() == 0) {
      t.set_rule(issue.rule());
      t.set_severity(severity);
      t.set_message(issue.message());
    }
    t.set_count(t.count() + 1);
  }
  std::vector<v1::RuleTally> out;
  for (auto& [key, t] : by_rule) out.push_back(std::move(t));
  return out;
}

}  // namespace carestat
