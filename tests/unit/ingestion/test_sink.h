// File: test_sink.h
// A ParseSink for tests: keeps every record, issue and header it is given.
//   CollectingSink sink;
//   ParseAnnexAList(stream, 1, "list1.csv", sink);
//   EXPECT_EQ(sink.records.size(), 3u);
#pragma once

#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "services/ingestion/formats/format.h"

namespace carestat {

struct CollectingSink : ParseSink {
  std::vector<std::pair<v1::Record, std::string>> records;
  std::vector<v1::ValidationIssue> issues;
  int fatal = 0;
  std::string header_la;
  int header_year = 0;
  // Off: the parser's own rules only, not the rule engine's DfE rules (for tests of
  // how a parser reads a file, on data that is not a whole valid return).
  bool engine_rules = true;

  bool WantsEngineRules() const override { return engine_rules; }

  void OnRecord(v1::Record r, const std::string& child) override { records.emplace_back(std::move(r), child); }
  void OnIssue(v1::ValidationIssue i, bool is_fatal) override {
    fatal += is_fatal;
    issues.push_back(std::move(i));
  }
  void OnHeader(const std::string& la, int year, int) override {
    header_la = la;
    header_year = year;
  }
  bool HasRule(const std::string& rule) const {
    for (const auto& i : issues) {
      if (i.rule() == rule) return true;
    }
    return false;
  }
  std::string AllMessages() const {
    std::string out;
    for (const auto& i : issues) out += i.message() + "\n";
    return out;
  }
};

// Writes `content` to a new file under the test temp dir and returns its path.
inline std::string WriteTemp(const std::string& name, const std::string& content) {
  static int n = 0;
  std::string path = testing::TempDir() + "/" + std::to_string(::getpid()) + "_" + std::to_string(++n) + "_" + name;
  std::ofstream(path, std::ios::binary) << content;
  return path;
}

}  // namespace carestat
