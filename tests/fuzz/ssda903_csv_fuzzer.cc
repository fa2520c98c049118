// libFuzzer target: the SSDA903 CSV table parser (ParseSsda903Csv). The first byte
// selects the table ('a' header, 'b' episodes, 'c' reviews, 'd' uasc, 'e' oc2, 'f' oc3,
// 'g' ad1, 'h' placed_adoption, 'i' prev_perm, 'j' missing, 'k' sw_episodes, 'l' dolo;
// any other byte modulo 12) and, for bytes from 'A' to 'L' instead, the same tables
// parsed with the collection year 2016 given rather than inferred; the rest is the CSV.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "services/ingestion/formats/ssda903.h"
#include "tests/fuzz/fuzz_util.h"

namespace {
constexpr const char* kTables[] = {"header",  "episodes",        "reviews",   "uasc",
                                   "oc2",     "oc3",             "ad1",       "placed_adoption",
                                   "prev_perm", "missing",       "sw_episodes", "dolo"};
constexpr size_t kCount = sizeof(kTables) / sizeof(kTables[0]);
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  carestat::Ssda903Options options;
  size_t table;
  if (data[0] >= 'A' && data[0] < 'A' + kCount) {
    table = static_cast<size_t>(data[0] - 'A');
    options.collection_year = 2016;
  } else {
    table = carestat::fuzz::Select(data[0], kCount);
  }
  std::istringstream in(std::string(reinterpret_cast<const char*>(data) + 1, size - 1));
  carestat::fuzz::DiscardSink sink;
  (void)carestat::ParseSsda903Csv(in, kTables[table], "fuzz.csv", sink, options);
  return 0;
}
