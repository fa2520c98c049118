// carestat-microbench: Google Benchmark micro-benchmarks of the parsers on in-memory
// input (no disk, no RocksDB), for work on a parser's per-record cost. bench/run runs
// it when CARESTAT_BENCH_MICRO=1; by hand:
//   build-bench/bench/carestat-microbench --benchmark_filter=Cin
// Bytes/s and items/s (records) are reported per benchmark.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "bench/gen.h"
#include "services/ingestion/formats/annex_a.h"
#include "services/ingestion/formats/cin_census.h"
#include "services/ingestion/formats/format.h"
#include "services/ingestion/formats/ssda903.h"

namespace carestat::bench {
namespace {

class CountingSink : public ParseSink {
 public:
  void OnRecord(v1::Record, const std::string&) override { ++records; }
  void OnIssue(v1::ValidationIssue, bool fatal) override { fatal_issues += fatal; }
  int64_t records = 0;
  int64_t fatal_issues = 0;
};

// The bytes a generator writes, through a temporary file.
std::string Generate(absl::StatusOr<GenResult> (*gen)(const std::string&, const GenOptions&), int64_t n) {
  const char* dir = std::getenv("TMPDIR");
  std::string path = std::string(dir && *dir ? dir : "/tmp") + "/carestat-microbench-" + std::to_string(getpid());
  GenOptions o;
  o.children = n;
  auto r = gen(path, o);
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  std::remove(path.c_str());
  return r.ok() ? s.str() : std::string();
}

template <typename Parse>
void RunParser(benchmark::State& state, const std::string& bytes, Parse parse) {
  int64_t records = 0;
  for (auto _ : state) {
    std::istringstream in(bytes);
    CountingSink sink;
    parse(in, sink);
    records = sink.records;
    if (sink.fatal_issues) state.SkipWithError("the generated input has fatal issues");
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(bytes.size()));
  state.SetItemsProcessed(state.iterations() * records);
}

void BM_ParseCinCensus(benchmark::State& state) {
  static const std::string bytes = Generate(WriteCinCensus, 5000);
  RunParser(state, bytes, [](std::istream& in, ParseSink& sink) { (void)ParseCinCensus(in, "cin.xml", sink); });
}
BENCHMARK(BM_ParseCinCensus)->Unit(benchmark::kMillisecond);

void BM_ParseSsda903EpisodesCsv(benchmark::State& state) {
  static const std::string bytes = Generate(WriteSsda903EpisodesCsv, 10000);
  RunParser(state, bytes, [](std::istream& in, ParseSink& sink) {
    (void)ParseSsda903Csv(in, "episodes", "episodes.csv", sink, Ssda903Options{2016});
  });
}
BENCHMARK(BM_ParseSsda903EpisodesCsv)->Unit(benchmark::kMillisecond);

void BM_ParseSsda903Xml(benchmark::State& state) {
  static const std::string bytes = Generate(WriteSsda903Xml, 5000);
  RunParser(state, bytes, [](std::istream& in, ParseSink& sink) {
    (void)ParseSsda903Xml(in, "903.xml", sink, Ssda903Options{2016});
  });
}
BENCHMARK(BM_ParseSsda903Xml)->Unit(benchmark::kMillisecond);

void BM_ParseAnnexAList1Csv(benchmark::State& state) {
  static const std::string bytes = Generate(WriteAnnexAList1Csv, 20000);
  RunParser(state, bytes, [](std::istream& in, ParseSink& sink) { (void)ParseAnnexAList(in, 1, "list1.csv", sink); });
}
BENCHMARK(BM_ParseAnnexAList1Csv)->Unit(benchmark::kMillisecond);

void BM_DetectFormat(benchmark::State& state) {
  static const std::string head = Generate(WriteAnnexAList1Csv, 2000).substr(0, 64 << 10);
  for (auto _ : state) benchmark::DoNotOptimize(DetectFormat(head));
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(head.size()));
}
BENCHMARK(BM_DetectFormat);

}  // namespace
}  // namespace carestat::bench

BENCHMARK_MAIN();
