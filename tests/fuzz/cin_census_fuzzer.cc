// libFuzzer target: the CIN census XML parser (ParseCinCensus), fed the input as a stream.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "services/ingestion/formats/cin_census.h"
#include "tests/fuzz/fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  carestat::fuzz::DiscardSink sink;
  (void)carestat::ParseCinCensus(in, "fuzz.xml", sink);
  return 0;
}
