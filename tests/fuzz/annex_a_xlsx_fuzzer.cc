// libFuzzer target: the Annex A workbook (XLSX) reader. ParseFile takes a path, so each
// input is written to a temporary file of this process first (removed at exit).
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "services/ingestion/formats/format.h"
#include "tests/fuzz/fuzz_util.h"

namespace {

std::string& TempPath() {
  static std::string path;
  return path;
}

void RemoveTemp() {
  if (!TempPath().empty()) std::remove(TempPath().c_str());
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  const char* dir = std::getenv("TMPDIR");
  std::string pattern = std::string(dir && *dir ? dir : "/tmp") + "/carestat-fuzz-xlsx-XXXXXX";
  int fd = mkstemp(pattern.data());
  if (fd < 0) {
    std::perror("carestat annex_a_xlsx_fuzzer: mkstemp");
    std::abort();
  }
  close(fd);
  TempPath() = pattern;
  std::atexit(RemoveTemp);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string& path = TempPath();
  FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) std::abort();
  if (size > 0 && std::fwrite(data, 1, size, f) != size) std::abort();
  std::fclose(f);
  carestat::Detected detected;
  detected.format = carestat::Format::kAnnexAXlsx;
  carestat::fuzz::DiscardSink sink;
  (void)carestat::ParseFile(detected, path, "fuzz.xlsx", 0, sink);
  return 0;
}
