// libFuzzer target: the SSDA903 XML parser (ParseSsda903Xml). The stream is seekable and
// no collection year is given, so the parser also makes its first pass for the latest
// DECOM.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "services/ingestion/formats/ssda903.h"
#include "tests/fuzz/fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  carestat::fuzz::DiscardSink sink;
  (void)carestat::ParseSsda903Xml(in, "fuzz.xml", sink, carestat::Ssda903Options{});
  return 0;
}
