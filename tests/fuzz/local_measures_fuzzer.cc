// libFuzzer target: the local measures CSV parser (ParseLocalMeasures).
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "services/ingestion/formats/local_measures.h"
#include "tests/fuzz/fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  carestat::fuzz::DiscardSink sink;
  (void)carestat::ParseLocalMeasures(in, "fuzz.csv", sink);
  return 0;
}
