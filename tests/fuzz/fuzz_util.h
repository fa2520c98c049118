// File: fuzz_util.h
// What the libFuzzer targets share: a sink that discards what a parser reads (after
// touching it, so that a record or issue the parser built badly is read at least once),
// and the mapping of a selector byte onto one of N choices.
//   carestat::fuzz::DiscardSink sink;
//   size_t table = carestat::fuzz::Select(data[0], 12);   // 'a' -> 0, 'b' -> 1, ...
// The only pass condition of every target is that nothing crashes and no sanitizer
// reports: the sink checks nothing.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "services/ingestion/formats/format.h"

namespace carestat::fuzz {

class DiscardSink : public ParseSink {
 public:
  void OnRecord(v1::Record record, const std::string& raw_child_id) override {
    // ByteSizeLong walks every field the parser set.
    bytes_ += record.ByteSizeLong() + raw_child_id.size();
  }
  void OnIssue(v1::ValidationIssue issue, bool fatal) override {
    bytes_ += issue.message().size() + issue.field().size() + issue.path().size() + (fatal ? 1 : 0);
  }
  void OnHeader(const std::string& la, int collection_year, int line) override {
    bytes_ += la.size() + static_cast<size_t>(collection_year != 0) + static_cast<size_t>(line != 0);
  }
  size_t bytes() const { return bytes_; }

 private:
  size_t bytes_ = 0;
};

// A selector byte as one of `n` choices: the letters 'a', 'b', ... name choices 0, 1, ...
// so that seed files stay readable; any other byte is taken modulo `n`.
inline size_t Select(uint8_t b, size_t n) {
  if (b >= 'a' && static_cast<size_t>(b - 'a') < n) return static_cast<size_t>(b - 'a');
  return b % n;
}

}  // namespace carestat::fuzz
