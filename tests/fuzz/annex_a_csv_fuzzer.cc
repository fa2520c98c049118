// libFuzzer target: the Ofsted Annex A list CSV parser (ParseAnnexAList). The first byte
// selects the list ('a' list 1 ... 'k' list 11; any other byte modulo 11); the rest is
// the CSV.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "services/ingestion/formats/annex_a.h"
#include "tests/fuzz/fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const int list = static_cast<int>(carestat::fuzz::Select(data[0], 11)) + 1;
  std::istringstream in(std::string(reinterpret_cast<const char*>(data) + 1, size - 1));
  carestat::fuzz::DiscardSink sink;
  (void)carestat::ParseAnnexAList(in, list, "fuzz.csv", sink);
  return 0;
}
