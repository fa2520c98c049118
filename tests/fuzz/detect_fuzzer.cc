// libFuzzer target: format detection (DetectFormat) on a file's first bytes, which reads
// CSV header rows and matches them against the Annex A lists, the SSDA903 tables and the
// local measures columns.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "services/ingestion/formats/format.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  carestat::Detected d = carestat::DetectFormat(std::string_view(reinterpret_cast<const char*>(data), size));
  volatile size_t touched = carestat::FormatName(d.format).size() + d.dataset.size() + d.problem.size() +
                            d.ssda903_table.size() + static_cast<size_t>(d.annex_a_list);
  (void)touched;
  return 0;
}
