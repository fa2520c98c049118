// carestat-bench: the timed benchmarks behind docs/PERFORMANCE.md, printed as one table.
// bench/run builds it (Release) and runs it; it can also be run by hand:
//
//   build-bench/bench/carestat-bench                  # every section
//   build-bench/bench/carestat-bench ingest big       # only these sections
//
// Sections:
//   ingest     per format, a large generated file is checked (parsed and validated:
//              CheckFile) and ingested (also pseudonymised and stored in RocksDB:
//              Ingestor::IngestFile), each in a child process: MB/s, records/s and the
//              child's peak RSS (getrusage ru_maxrss, from wait4).
//   big        a CIN census of CARESTAT_BENCH_BIG_CIN_MB (1024) MB, written by streaming,
//              checked in a child process: peak RSS against the 256 MB target.
//   validate   `carestat validate --format json|csv` (RunValidate) on an SSDA903 table
//              with a tenth of and with CARESTAT_BENCH_VALIDATE_ISSUES (2,000,000) issues,
//              in a child process: peak RSS must stay flat as the issues grow.
//   recompute  MetricsEngine::Recompute of the synthetic borough (LA 301): one LA-year
//              with the records in memory (the engine keeping the RecordSet, then after
//              a return is replaced) and read from the ingestion RocksDB, all years, and
//              through the metrics service (records streamed from ingestion).
//   series     GetSeries over loopback gRPC against a metrics server on 127.0.0.1:0:
//              sequential latency p50/p99, then QPS with several client threads.
//   report     the annual report through a reporting server on 127.0.0.1:0 (over
//              loopback to the metrics server): build, and render in each format.
//   national   a national year (WriteSynthNational, as `carestat synth --las 152`):
//              its generation, then ingest (Ingestor::IngestFile per file) and recompute
//              (MetricsEngine::Recompute per LA) by 2 child processes, each with half the
//              LAs in its own stores: MB/s and records/s per format, peak RSS of each
//              child, and ingest + recompute against the 60 s target.
//   benchmark  national benchmarking (services/metrics/benchmark.h) on DfE's shipped
//              figures: the whole national table (every LA of LAIT x every catalogue
//              indicator, each at its latest published year and at 2015-16) in one thread,
//              against 1 s; then GetBenchmark over loopback gRPC to a metrics server on
//              127.0.0.1:0 (one indicator, and the whole table of an LA): p50/p99, the
//              one-indicator call against p99 < 1 ms.
// Sizes and repetitions come from environment variables (see Config below); the
// defaults finish in a few minutes on 2 cores. Nothing here asserts on time: the table
// says whether each figure meets its target, and the exit code is 0 unless a
// benchmark could not run at all.
#include <spawn.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <malloc.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "bench/gen.h"
#include "carestat/v1/ingestion.grpc.pb.h"
#include "carestat/v1/metrics.grpc.pb.h"
#include "carestat/v1/reporting.grpc.pb.h"
#include "pipeline/embedded.h"
#include "pipeline/inbox.h"
#include "synth/synth.h"
#include "pipeline/validate.h"
#include "services/common/log.h"
#include "services/common/server.h"
#include "services/ingestion/check.h"
#include "services/ingestion/ingestor.h"
#include "services/metrics/benchmark.h"
#include "services/metrics/indicators/catalogue.h"
#include "services/metrics/indicators/record_set.h"
#include "services/metrics/reference/lait.h"
#include "services/metrics/metrics.h"
#include "services/metrics/service.h"
#include "services/reporting/service.h"

extern char** environ;

namespace carestat::bench {
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point a, Clock::time_point b) { return std::chrono::duration<double>(b - a).count(); }


// Heap bytes this process has in use, in MB (glibc mallinfo2: allocated chunks plus
// mmapped blocks), so that memory freed earlier and reused does not hide a new set.
double HeapInUseMb() {
  const struct mallinfo2 m = mallinfo2();
  return static_cast<double>(m.uordblks + m.hblkhd) / (1 << 20);
}

int64_t EnvInt(const char* name, int64_t fallback) {
  const char* v = std::getenv(name);
  if (!v || !*v) return fallback;
  char* end = nullptr;
  long long n = std::strtoll(v, &end, 10);
  if (end == v || *end != '\0' || n < 0) {
    std::fprintf(stderr, "carestat-bench: %s='%s' is not a whole number; using %lld\n", name, v,
                 static_cast<long long>(fallback));
    return fallback;
  }
  return n;
}

// Every size and repetition, from the environment.
struct Config {
  int64_t cin_children = EnvInt("CARESTAT_BENCH_CIN_CHILDREN", 40000);
  int64_t ssda903_children = EnvInt("CARESTAT_BENCH_SSDA903_CHILDREN", 100000);
  int64_t annex_a_rows = EnvInt("CARESTAT_BENCH_ANNEXA_ROWS", 300000);
  int64_t xlsx_rows = EnvInt("CARESTAT_BENCH_XLSX_ROWS", 100000);
  int64_t big_cin_mb = EnvInt("CARESTAT_BENCH_BIG_CIN_MB", 1024);
  int64_t recompute_runs = EnvInt("CARESTAT_BENCH_RECOMPUTE_RUNS", 20);
  int64_t series_calls = EnvInt("CARESTAT_BENCH_SERIES_CALLS", 5000);
  int64_t qps_seconds = EnvInt("CARESTAT_BENCH_QPS_SECONDS", 5);
  int64_t benchmark_runs = EnvInt("CARESTAT_BENCH_BENCHMARK_RUNS", 5);
  int64_t benchmark_calls = EnvInt("CARESTAT_BENCH_BENCHMARK_CALLS", 5000);
  int64_t qps_threads = EnvInt("CARESTAT_BENCH_QPS_THREADS", 4);
  int64_t report_runs = EnvInt("CARESTAT_BENCH_REPORT_RUNS", 20);
  int64_t seed = EnvInt("CARESTAT_BENCH_SEED", 1);
  int64_t national_las = EnvInt("CARESTAT_BENCH_NATIONAL_LAS", 152);
  int64_t national_percent = EnvInt("CARESTAT_BENCH_NATIONAL_PERCENT", 100);  // of England's volumes
  int64_t national_workers = EnvInt("CARESTAT_BENCH_NATIONAL_WORKERS", 2);
  int64_t validate_issues = EnvInt("CARESTAT_BENCH_VALIDATE_ISSUES", 2000000);  // 0 skips
};

// ---------------------------------------------------------------------------------------
// The table.

struct Row {
  std::string benchmark;
  std::string input;
  std::string measured;
  std::string target;  // "" when none
  std::string verdict; // "ok", "MISSED", "skipped", ""
};

std::vector<Row>& Rows() {
  static std::vector<Row> rows;
  return rows;
}

void AddRow(Row r) {
  std::printf("  %-44s %s%s%s\n", r.benchmark.c_str(), r.measured.c_str(), r.target.empty() ? "" : "  target ",
              r.target.c_str());
  std::fflush(stdout);
  Rows().push_back(std::move(r));
}

void Skip(const std::string& benchmark, const std::string& why) {
  AddRow({benchmark, "", "skipped: " + why, "", "skipped"});
}

std::string ReadFirstMatch(const std::string& path, const std::string& key) {
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(key, 0) == 0) {
      auto colon = line.find(':');
      std::string v = colon == std::string::npos ? line : line.substr(colon + 1);
      v.erase(0, v.find_first_not_of(" \t"));
      return v;
    }
  }
  return "";
}

std::string Machine() {
  std::string cpu = ReadFirstMatch("/proc/cpuinfo", "model name");
  std::string mem = ReadFirstMatch("/proc/meminfo", "MemTotal");
  double mem_gib = std::strtod(mem.c_str(), nullptr) / (1024.0 * 1024.0);
  utsname u{};
  uname(&u);
  return absl::StrFormat("%ld CPUs (nproc), %s, %.1f GiB RAM, %s %s, %s",
                         sysconf(_SC_NPROCESSORS_ONLN), cpu.empty() ? "unknown CPU" : cpu, mem_gib, u.sysname,
                         u.release,
#if defined(__clang__)
                         "clang " __clang_version__
#else
                         "g++ " __VERSION__
#endif
  );
}

// The 1, 5 and 15 minute load averages: figures taken on a busy machine are slower.
std::string LoadAverage() {
  std::ifstream in("/proc/loadavg");
  std::string a, b, c;
  in >> a >> b >> c;
  return a.empty() ? "unknown" : absl::StrCat(a, " ", b, " ", c);
}

std::string& StartLoad() {
  static std::string load;
  return load;
}

void PrintTable() {
  const auto& rows = Rows();
  size_t w[4] = {9, 5, 8, 6};
  for (const auto& r : rows) {
    w[0] = std::max(w[0], r.benchmark.size());
    w[1] = std::max(w[1], r.input.size());
    w[2] = std::max(w[2], r.measured.size());
    w[3] = std::max(w[3], r.target.size());
  }
  std::printf("\ncarestat benchmarks\nmachine: %s\nload:    %s at the start, %s at the end (1, 5, 15 min)\nbuild:   %s\n\n",
              Machine().c_str(), StartLoad().c_str(), LoadAverage().c_str(),
#ifdef NDEBUG
              "optimised (NDEBUG)"
#else
              "assertions on (not a Release build: figures are pessimistic)"
#endif
  );
  auto line = [&](const std::string& a, const std::string& b, const std::string& c, const std::string& d,
                  const std::string& e) {
    std::printf("| %-*s | %-*s | %-*s | %-*s | %-7s |\n", static_cast<int>(w[0]), a.c_str(), static_cast<int>(w[1]),
                b.c_str(), static_cast<int>(w[2]), c.c_str(), static_cast<int>(w[3]), d.c_str(), e.c_str());
  };
  line("benchmark", "input", "measured", "target", "result");
  std::printf("|%s|%s|%s|%s|%s|\n", std::string(w[0] + 2, '-').c_str(), std::string(w[1] + 2, '-').c_str(),
              std::string(w[2] + 2, '-').c_str(), std::string(w[3] + 2, '-').c_str(), std::string(9, '-').c_str());
  for (const auto& r : rows) line(r.benchmark, r.input, r.measured, r.target, r.verdict);
  std::fflush(stdout);
}

// ---------------------------------------------------------------------------------------
// Figures.

std::string Mb(double bytes) { return absl::StrFormat("%.1f MB", bytes / 1e6); }
std::string Ms(double seconds) {
  const double ms = seconds * 1e3;
  return ms < 1 ? absl::StrFormat("%.3f ms", ms) : ms < 10 ? absl::StrFormat("%.2f ms", ms)
                                                           : absl::StrFormat("%.1f ms", ms);
}
std::string Count(double n) {
  if (n >= 1e6) return absl::StrFormat("%.2fM", n / 1e6);
  if (n >= 1e4) return absl::StrFormat("%.0fk", n / 1e3);
  return absl::StrFormat("%.0f", n);
}

// Nearest-rank percentile of unsorted samples.
double Percentile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t rank = static_cast<size_t>(std::ceil(q * static_cast<double>(v.size())));
  return v[std::min(v.size() - 1, rank == 0 ? 0 : rank - 1)];
}

std::string Verdict(bool ok) { return ok ? "ok" : "MISSED"; }

// ---------------------------------------------------------------------------------------
// Child processes: `carestat-bench measure check|ingest FILE [DATA_DIR]` prints one line
// of key=value figures; the parent reads it and the child's peak RSS from wait4.

struct ChildResult {
  bool ok = false;
  std::string error;
  std::map<std::string, std::string> values;
  long maxrss_kb = 0;
  double Num(const std::string& k) const {
    auto it = values.find(k);
    return it == values.end() ? 0 : std::strtod(it->second.c_str(), nullptr);
  }
};

ChildResult RunChild(const std::vector<std::string>& args) {
  ChildResult result;
  int fds[2];
  if (pipe(fds) != 0) {
    result.error = "pipe failed";
    return result;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_addclose(&actions, fds[0]);
  posix_spawn_file_actions_addclose(&actions, fds[1]);
  std::vector<std::string> all = {"/proc/self/exe"};
  all.insert(all.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : all) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  int rc = posix_spawn(&pid, "/proc/self/exe", &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(fds[1]);
  if (rc != 0) {
    close(fds[0]);
    result.error = absl::StrCat("cannot start a child process: ", std::strerror(rc));
    return result;
  }
  std::string out;
  char buf[4096];
  for (;;) {
    ssize_t n = read(fds[0], buf, sizeof(buf));
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  close(fds[0]);
  int status = 0;
  rusage usage{};
  wait4(pid, &status, 0, &usage);
  result.maxrss_kb = usage.ru_maxrss;
  for (absl::string_view line : absl::StrSplit(out, '\n')) {
    if (!absl::ConsumePrefix(&line, "RESULT ")) continue;
    for (absl::string_view kv : absl::StrSplit(line, ' ', absl::SkipEmpty())) {
      std::pair<std::string, std::string> p = absl::StrSplit(kv, absl::MaxSplits('=', 1));
      result.values[p.first] = p.second;
    }
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    result.error = WIFSIGNALED(status) ? absl::StrCat("killed by signal ", WTERMSIG(status))
                                       : absl::StrCat("exit ", WEXITSTATUS(status));
    auto e = result.values.find("error");
    if (e != result.values.end()) absl::StrAppend(&result.error, ": ", e->second);
    return result;
  }
  result.ok = !result.values.empty();
  if (!result.ok) result.error = "no RESULT line";
  return result;
}

int MeasureNational(int argc, char** argv);

// The child side.
int Measure(int argc, char** argv) {
  SetLogQuiet(true);
  if (argc < 4) {
    std::fprintf(stderr, "usage: carestat-bench measure check|ingest FILE [DATA_DIR]\n");
    return 2;
  }
  const std::string mode = argv[2], path = argv[3];
  if (mode == "national") return MeasureNational(argc, argv);
  if (mode == "validate" && argc >= 5) {
    // `carestat validate FILE --format json|csv`, its output thrown away.
    ValidateOptions o;
    o.files = {path};
    o.la = "301";
    o.year = 2016;
    o.output = std::string(argv[4]) == "csv" ? ValidateOutput::kCsv : ValidateOutput::kJson;
    o.out_path = "/dev/null";
    FILE* sink = std::fopen("/dev/null", "w");
    auto t0 = Clock::now();
    const int code = RunValidate(o, sink, stderr);
    const double secs = Seconds(t0, Clock::now());
    std::fclose(sink);
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    std::printf("RESULT seconds=%.6f exit=%d maxrss_kb=%ld\n", secs, code, usage.ru_maxrss);
    return 0;
  }
  const std::string name = fs::path(path).filename().string();
  auto fail = [](const std::string& what) {
    std::string w = what;
    std::replace(w.begin(), w.end(), ' ', '_');
    std::printf("RESULT error=%s\n", w.c_str());
    return 1;
  };
  int64_t records = 0, errors = 0, queries = 0;
  bool fatal = false;
  double seconds = 0;
  if (mode == "check") {
    auto t0 = Clock::now();
    auto report = CheckFile(path, name, "", 0, nullptr);
    seconds = Seconds(t0, Clock::now());
    if (!report.ok()) return fail(std::string(report.status().message()));
    records = report->record_total;
    errors = report->errors;
    queries = report->queries;
    fatal = report->fatal;
  } else if (mode == "ingest" && argc >= 5) {
    auto ingestor = Ingestor::Open(argv[4]);
    if (!ingestor.ok()) return fail(std::string(ingestor.status().message()));
    v1::UploadHeader header;
    header.set_la("301");
    header.set_collection_year(2016);
    header.set_file_name(name);
    auto t0 = Clock::now();
    auto resp = (*ingestor)->IngestFile(header, path);
    seconds = Seconds(t0, Clock::now());
    if (!resp.ok()) return fail(std::string(resp.status().message()).substr(0, 200));
    records = resp->records_stored();
    errors = resp->errors();
    queries = resp->queries();
  } else {
    std::fprintf(stderr, "carestat-bench measure: unknown mode '%s'\n", mode.c_str());
    return 2;
  }
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  std::printf("RESULT seconds=%.6f records=%" PRId64 " errors=%" PRId64 " queries=%" PRId64
              " fatal=%d maxrss_kb=%ld\n",
              seconds, records, errors, queries, fatal ? 1 : 0, usage.ru_maxrss);
  return 0;
}

// ---------------------------------------------------------------------------------------
// Sections.

struct Generated {
  std::string format;
  std::string path;
  GenResult gen;
  std::string unit;  // "children" or "rows"
};

void IngestSection(const Config& c, const fs::path& tmp) {
  std::printf("ingest: generating files in %s\n", tmp.c_str());
  struct Spec {
    const char* format;
    const char* file;
    int64_t n;
    const char* unit;
    std::function<absl::StatusOr<GenResult>(const std::string&, const GenOptions&)> gen;
  };
  const std::vector<Spec> specs = {
      {"cin-census-xml", "cin-census.xml", c.cin_children, "children", WriteCinCensus},
      {"ssda903-csv (Episodes)", "episodes.csv", c.ssda903_children, "children", WriteSsda903EpisodesCsv},
      {"ssda903-xml", "ssda903.xml", c.ssda903_children, "children", WriteSsda903Xml},
      {"annex-a-csv (list 1)", "annex-a-list1.csv", c.annex_a_rows, "rows", WriteAnnexAList1Csv},
      {"annex-a-xlsx (list 1)", "annex-a.xlsx", c.xlsx_rows, "rows", WriteAnnexAList1Xlsx},
  };
  for (const Spec& s : specs) {
    if (s.n == 0) continue;
    const std::string path = (tmp / s.file).string();
    GenOptions o;
    o.children = s.n;
    o.seed = static_cast<uint64_t>(c.seed);
    auto t0 = Clock::now();
    auto g = s.gen(path, o);
    if (!g.ok()) {
      Skip(absl::StrCat("ingest ", s.format), std::string(g.status().message()));
      continue;
    }
    std::printf("  generated %s: %s, %s records in %.1f s\n", s.file, Mb(static_cast<double>(g->bytes)).c_str(),
                Count(static_cast<double>(g->records)).c_str(), Seconds(t0, Clock::now()));
    const std::string input = absl::StrCat(Count(static_cast<double>(s.n)), " ", s.unit, ", ",
                                           Mb(static_cast<double>(g->bytes)));
    for (const char* mode : {"check", "ingest"}) {
      std::vector<std::string> args = {"measure", mode, path};
      const std::string data = (tmp / absl::StrCat("data-", s.file)).string();
      if (std::string(mode) == "ingest") args.push_back(data);
      ChildResult r = RunChild(args);
      std::error_code ec;
      fs::remove_all(data, ec);
      const std::string name = absl::StrCat(mode == std::string("check") ? "check  " : "ingest ", s.format);
      if (!r.ok) {
        Skip(name, r.error);
        continue;
      }
      const double secs = std::max(r.Num("seconds"), 1e-9);
      std::string measured =
          absl::StrFormat("%.2f s, %.1f MB/s, %s records/s, peak RSS %.0f MB", secs,
                          static_cast<double>(g->bytes) / 1e6 / secs, Count(r.Num("records") / secs),
                          static_cast<double>(r.maxrss_kb) / 1024.0);
      if (r.Num("errors") > 0 || r.Num("fatal") > 0) {
        absl::StrAppend(&measured, absl::StrFormat(" (%.0f errors%s)", r.Num("errors"),
                                                   r.Num("fatal") > 0 ? ", FATAL" : ""));
      }
      if (static_cast<int64_t>(r.Num("records")) != g->records) {
        absl::StrAppend(&measured, absl::StrFormat(" [%.0f of %" PRId64 " records]", r.Num("records"), g->records));
      }
      AddRow({name, input, measured, "", ""});
    }
    fs::remove(path);
  }
}

void BigSection(const Config& c, const fs::path& tmp) {
  if (c.big_cin_mb == 0) return;
  const std::string name = absl::StrCat("check  cin-census-xml, ", c.big_cin_mb, " MB");
  const std::string path = (tmp / "big-cin-census.xml").string();
  GenOptions o;
  o.target_bytes = c.big_cin_mb << 20;
  o.seed = static_cast<uint64_t>(c.seed) + 1;
  std::printf("big: writing a %" PRId64 " MB CIN census to %s\n", c.big_cin_mb, path.c_str());
  auto t0 = Clock::now();
  auto g = WriteCinCensus(path, o);
  if (!g.ok()) {
    Skip(name, std::string(g.status().message()));
    fs::remove(path);
    return;
  }
  std::printf("  generated: %s, %s children, %s records in %.1f s\n", Mb(static_cast<double>(g->bytes)).c_str(),
              Count(static_cast<double>(g->children)).c_str(), Count(static_cast<double>(g->records)).c_str(),
              Seconds(t0, Clock::now()));
  ChildResult r = RunChild({"measure", "check", path});
  fs::remove(path);
  if (!r.ok) {
    Skip(name, r.error);
    return;
  }
  const double secs = std::max(r.Num("seconds"), 1e-9);
  const double peak_mb = static_cast<double>(r.maxrss_kb) / 1024.0;
  std::string measured = absl::StrFormat("peak RSS %.0f MB (%.1f s, %.1f MB/s, %s records/s)", peak_mb, secs,
                                         static_cast<double>(g->bytes) / 1e6 / secs, Count(r.Num("records") / secs));
  if (r.Num("errors") > 0 || r.Num("fatal") > 0) {
    absl::StrAppend(&measured, absl::StrFormat(" (%.0f errors%s)", r.Num("errors"), r.Num("fatal") > 0 ? ", FATAL" : ""));
  }
  AddRow({"1 GB CIN census: peak memory of CheckFile",
          absl::StrCat(Count(static_cast<double>(g->children)), " children, ", Mb(static_cast<double>(g->bytes))),
          measured, "< 256 MB", Verdict(peak_mb < 256)});
}


// `validate` streams its issues: peak memory must not grow with their number. The same
// SSDA903 header table (one child, every row with sex 9: rule 101) with a tenth and with
// all of CARESTAT_BENCH_VALIDATE_ISSUES rows, through --format json and csv.
void ValidateSection(const Config& c, const fs::path& tmp) {
  if (c.validate_issues <= 0) return;
  std::map<std::string, double> peak;
  for (int64_t n : {c.validate_issues / 10, c.validate_issues}) {
    const std::string path = (tmp / absl::StrCat("validate-", n, ".csv")).string();
    {
      std::ofstream out(path, std::ios::binary);
      out << "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n";
      for (int64_t i = 0; i < n; ++i) out << "C1,9,01/02/2010,WBRI,,,\n";
    }
    const double bytes = static_cast<double>(fs::file_size(path));
    for (const char* format : {"json", "csv"}) {
      const std::string name = absl::StrCat("validate --format ", format, ", ", Count(static_cast<double>(n)), " issues");
      ChildResult r = RunChild({"measure", "validate", path, format});
      if (!r.ok) {
        Skip(name, r.error);
        continue;
      }
      const double mb = static_cast<double>(r.maxrss_kb) / 1024.0;
      peak[absl::StrCat(format, n)] = mb;
      const double secs = std::max(r.Num("seconds"), 1e-9);
      std::string target, verdict;
      if (n == c.validate_issues) {
        const double small = peak[absl::StrCat(format, c.validate_issues / 10)];
        target = "flat: within 16 MB of a tenth as many";
        verdict = Verdict(small > 0 && mb <= small + 16);
      }
      AddRow({name, Mb(bytes),
              absl::StrFormat("peak RSS %.0f MB (%.1f s, %s issues/s)", mb, secs, Count(static_cast<double>(n) / secs)),
              target, verdict});
    }
    fs::remove(path);
  }
}

// ---------------------------------------------------------------------------------------
// National benchmarking: BenchmarkOf over every LA and indicator, and GetBenchmark over
// loopback gRPC (docs/BENCHMARKING.md).

void BenchmarkSection(const Config& c, const fs::path& tmp) {
  auto t0 = Clock::now();
  const Lait& lait = Lait::Shipped();
  AddRow({"benchmark: load DfE's tables (Lait::Shipped)", absl::StrCat(lait.value_count(), " values"),
          absl::StrFormat("%.3f s, once per process", Seconds(t0, Clock::now())), "", ""});
  std::vector<std::string> las;
  for (const auto& [code, v] : lait.LaValues("cin_rate", 2015)) las.push_back(code);
  for (const auto& [code, v] : lait.LaValues("cin_rate", 2024)) {
    if (std::find(las.begin(), las.end(), code) == las.end()) las.push_back(code);
  }
  std::vector<std::pair<std::string, int>> indicators;  // each at its latest year and 2015-16
  for (const auto& d : Catalogue()) {
    int latest = 2015;
    if (!lait.Years(d.id).empty()) latest = lait.Years(d.id).back();
    indicators.emplace_back(d.id, latest);
    if (latest != 2015) indicators.emplace_back(d.id, 2015);
  }
  const int64_t runs = std::max<int64_t>(c.benchmark_runs, 1);
  std::vector<double> secs;
  int64_t cells = 0, ranked = 0;
  for (int64_t r = 0; r < runs; ++r) {
    cells = ranked = 0;
    auto s0 = Clock::now();
    for (const std::string& la : las) {
      for (const auto& [id, fy] : indicators) {
        v1::LaBenchmark b = BenchmarkOf(lait, la, id, fy, {});
        ++cells;
        ranked += b.rank() > 0;
      }
    }
    secs.push_back(Seconds(s0, Clock::now()));
  }
  const double median = Percentile(secs, 0.5);
  AddRow({"benchmark: the whole national table",
          absl::StrFormat("%zu LAs x %zu indicator-years = %" PRId64 " benchmarks (%" PRId64 " ranked)", las.size(),
                          indicators.size(), cells, ranked),
          absl::StrFormat("median %.3f s, min %.3f s (%" PRId64 " runs, 1 thread)", median,
                          *std::min_element(secs.begin(), secs.end()), runs),
          "< 1 s", Verdict(median < 1.0)});

  // GetBenchmark over loopback: a metrics server with an empty store (no computed figures:
  // one RocksDB lookup per indicator finds none).
  auto engine = MetricsEngine::Open((tmp / "benchmark-metrics").string());
  if (!engine.ok()) {
    Skip("GetBenchmark latency", std::string(engine.status().message()));
    return;
  }
  MetricsService service(engine->get(), nullptr);
  int port = 0;
  grpc::ServerBuilder builder;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(&service);
  auto server = builder.BuildAndStart();
  if (!server || port == 0) {
    Skip("GetBenchmark latency", "cannot start a metrics server on 127.0.0.1:0");
    return;
  }
  const std::string where = absl::StrCat("127.0.0.1:", port);
  auto stub = v1::Metrics::NewStub(DialInsecure(where));
  for (bool whole : {false, true}) {
    const std::string name = whole ? "GetBenchmark latency, an LA's whole table" : "GetBenchmark latency (loopback gRPC)";
    v1::GetBenchmarkRequest req;
    req.set_la("301");
    req.set_year("2015-16");
    if (!whole) req.set_indicator("rereferral_12m_pct");
    auto call = [&]() {
      v1::GetBenchmarkResponse resp;
      grpc::ClientContext ctx;
      ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
      return stub->GetBenchmark(&ctx, req, &resp);
    };
    bool failed = false;
    for (int i = 0; i < 200 && !failed; ++i) {  // warm up the channel
      grpc::Status st = call();
      if (!st.ok()) {
        Skip(name, st.error_message());
        failed = true;
      }
    }
    if (failed) continue;
    const int64_t n = std::max<int64_t>(whole ? c.benchmark_calls / 10 : c.benchmark_calls, 10);
    std::vector<double> lat;
    lat.reserve(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) {
      auto s0 = Clock::now();
      grpc::Status st = call();
      lat.push_back(Seconds(s0, Clock::now()));
      if (!st.ok()) {
        Skip(name, st.error_message());
        failed = true;
        break;
      }
    }
    if (failed) continue;
    const double p99 = Percentile(lat, 0.99);
    AddRow({name,
            absl::StrCat("LA 301, 2015-16, ", whole ? absl::StrCat(Catalogue().size(), " indicators") : "rereferral_12m_pct",
                         ", ", where),
            absl::StrFormat("p50 %s, p99 %s, max %s (%" PRId64 " sequential calls)", Ms(Percentile(lat, 0.5)), Ms(p99),
                            Ms(Percentile(lat, 1.0)), n),
            whole ? "" : "p99 < 1 ms", whole ? "" : Verdict(p99 < 0.001)});
  }
  server->Shutdown();
}

// ---------------------------------------------------------------------------------------
// National year: `carestat synth --las 152` (WriteSynthNational), then ingested and
// recomputed by CARESTAT_BENCH_NATIONAL_WORKERS (2) child processes, each holding half
// the LAs (by bytes) in its own ingestion store and metrics engine, as two instances
// would for a region split in two: Ingestor::IngestFile per file, then
// MetricsEngine::Recompute of every LA, as `carestat run` does after an upload.

// The format a national file is read as, by its name (WriteSynthNational's names).
std::string NationalFormat(const std::string& name) {
  if (name == "cin-census.xml") return "cin-census-xml";
  if (name.rfind("annex-a-", 0) == 0) return "annex-a-csv";
  return "ssda903-csv";
}
constexpr const char* kNationalFormats[] = {"cin-census-xml", "ssda903-csv", "annex-a-csv"};

// The child side: `carestat-bench measure national INBOX DATA_DIR LA_LIST_FILE`.
int MeasureNational(int argc, char** argv) {
  if (argc < 6) {
    std::fprintf(stderr, "usage: carestat-bench measure national INBOX DATA_DIR LA_LIST_FILE\n");
    return 2;
  }
  const fs::path inbox = argv[3], data = argv[4];
  std::vector<std::string> las;
  {
    std::ifstream in(argv[5]);
    for (std::string line; std::getline(in, line);) {
      if (!line.empty()) las.push_back(line);
    }
  }
  auto fail = [](const std::string& what) {
    std::string w = what.substr(0, 200);
    std::replace(w.begin(), w.end(), ' ', '_');
    std::printf("RESULT error=%s\n", w.c_str());
    return 1;
  };
  const bool verbose = EnvInt("CARESTAT_BENCH_VERBOSE", 0) != 0;  // each LA's recompute on stderr
  auto ingestor = Ingestor::Open((data / "ingestion").string());
  if (!ingestor.ok()) return fail(std::string(ingestor.status().message()));
  auto engine = MetricsEngine::Open((data / "metrics").string());
  if (!engine.ok()) return fail(std::string(engine.status().message()));
  struct Sums {
    double bytes = 0, records = 0, seconds = 0, files = 0;
  };
  std::map<std::string, Sums> by_format;
  int64_t errors = 0, queries = 0;
  auto t0 = Clock::now();
  for (const std::string& la : las) {
    std::vector<fs::path> files;
    for (const auto& year : fs::directory_iterator(inbox / la)) {
      for (const auto& f : fs::directory_iterator(year.path())) files.push_back(f.path());
    }
    std::sort(files.begin(), files.end());
    for (const fs::path& f : files) {
      v1::UploadHeader header;
      header.set_la(la);
      header.set_collection_year(std::atoi(f.parent_path().filename().c_str()));
      header.set_file_name(f.filename().string());
      auto f0 = Clock::now();
      auto resp = (*ingestor)->IngestFile(header, f.string());
      const double secs = Seconds(f0, Clock::now());
      if (!resp.ok()) return fail(absl::StrCat(f.string(), ": ", resp.status().message()));
      Sums& s = by_format[NationalFormat(f.filename().string())];
      std::error_code ec;
      s.bytes += static_cast<double>(fs::file_size(f, ec));
      s.records += static_cast<double>(resp->records_stored());
      s.seconds += secs;
      s.files += 1;
      errors += resp->errors();
      queries += resp->queries();
    }
  }
  const double ingest_s = Seconds(t0, Clock::now());
  t0 = Clock::now();
  int64_t points = 0, records_read = 0;
  for (const std::string& la : las) {
    auto returns = (*ingestor)->store().ListReturns(la);
    if (!returns.ok()) return fail(std::string(returns.status().message()));
    auto scan = [&](const std::vector<std::string>& only, const std::function<void(const v1::Record&)>& fn) {
      return (*ingestor)->store().ScanRecords(la, {}, only, [&](const v1::Record& r) {
        fn(r);
        return true;
      });
    };
    auto r0 = Clock::now();
    auto resp = (*engine)->Recompute(la, {}, *returns, scan);
    if (!resp.ok()) return fail(absl::StrCat("recompute of LA ", la, ": ", resp.status().message()));
    if (verbose) {
      std::fprintf(stderr, "  recomputed LA %s: %" PRId64 " records in %.2f s\n", la.c_str(), resp->records_read(),
                   Seconds(r0, Clock::now()));
    }
    points += resp->points_written();
    records_read += resp->records_read();
  }
  const double recompute_s = Seconds(t0, Clock::now());
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  std::printf("RESULT ingest_seconds=%.6f recompute_seconds=%.6f points=%" PRId64 " records_read=%" PRId64
              " errors=%" PRId64 " queries=%" PRId64 " las=%zu maxrss_kb=%ld",
              ingest_s, recompute_s, points, records_read, errors, queries, las.size(), usage.ru_maxrss);
  for (const auto& [format, s] : by_format) {
    std::printf(" %s.bytes=%.0f %s.records=%.0f %s.seconds=%.6f %s.files=%.0f", format.c_str(), s.bytes,
                format.c_str(), s.records, format.c_str(), s.seconds, format.c_str(), s.files);
  }
  std::printf("\n");
  return 0;
}

void NationalSection(const Config& c, const fs::path& tmp) {
  const fs::path inbox = tmp / "national-inbox";
  NationalOptions o;
  o.out_dir = inbox.string();
  o.seed = static_cast<uint64_t>(c.seed);
  o.las = static_cast<int>(c.national_las);
  o.scale = static_cast<double>(c.national_percent) / 100.0;
  o.threads = 2;
  std::printf("national: writing %d LAs' 2015-16 returns (synth --las %d) to %s\n", o.las, o.las, inbox.c_str());
  rusage before{};
  getrusage(RUSAGE_SELF, &before);
  auto t0 = Clock::now();
  auto s = WriteSynthNational(o);
  const double gen_s = Seconds(t0, Clock::now());
  rusage after{};
  getrusage(RUSAGE_SELF, &after);
  if (!s.ok()) {
    Skip("national year", std::string(s.status().message()));
    return;
  }
  auto cpu = [](const rusage& u) {
    return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
           static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
  };
  const std::string input = absl::StrCat(s->las.size(), " LAs, 2015-16, ", s->files, " files, ",
                                         Mb(static_cast<double>(s->bytes)));
  AddRow({"national year: generate (synth --las)", input,
          absl::StrFormat("%.1f s wall, %.1f s CPU (2 threads); %s referrals, %s CIN and %s looked after at "
                          "31 March, %s contacts",
                          gen_s, cpu(after) - cpu(before), Count(static_cast<double>(s->referrals)),
                          Count(static_cast<double>(s->cin_year_end)), Count(static_cast<double>(s->lac_year_end)),
                          Count(static_cast<double>(s->contacts))),
          "< 60 s", Verdict(gen_s < 60)});

  // The LAs shared out by bytes, largest first, to the least loaded worker.
  const int workers = static_cast<int>(std::max<int64_t>(c.national_workers, 1));
  std::vector<NationalLa> las = s->las;
  std::stable_sort(las.begin(), las.end(), [](const NationalLa& a, const NationalLa& b) { return a.bytes > b.bytes; });
  std::vector<std::vector<std::string>> shares(static_cast<size_t>(workers));
  std::vector<int64_t> load(static_cast<size_t>(workers), 0);
  for (const NationalLa& la : las) {
    const size_t w = static_cast<size_t>(std::min_element(load.begin(), load.end()) - load.begin());
    shares[w].push_back(la.la);
    load[w] += la.bytes;
  }
  std::vector<ChildResult> results(static_cast<size_t>(workers));
  std::vector<std::thread> threads;
  t0 = Clock::now();
  for (int w = 0; w < workers; ++w) {
    const fs::path list = tmp / absl::StrCat("national-las-", w, ".txt");
    {
      std::ofstream out(list);
      for (const std::string& la : shares[static_cast<size_t>(w)]) out << la << "\n";
    }
    const std::string data = (tmp / absl::StrCat("national-data-", w)).string();
    threads.emplace_back([&results, w, inbox, data, list] {
      results[static_cast<size_t>(w)] = RunChild({"measure", "national", inbox.string(), data, list.string()});
    });
  }
  for (std::thread& t : threads) t.join();
  const double total_s = Seconds(t0, Clock::now());
  std::error_code ec;
  fs::remove_all(inbox, ec);
  for (int w = 0; w < workers; ++w) fs::remove_all(tmp / absl::StrCat("national-data-", w), ec);
  for (const ChildResult& r : results) {
    if (!r.ok) {
      Skip("national year: ingest + recompute", r.error);
      return;
    }
  }
  double ingest_max = 0, recompute_max = 0, points = 0, records_read = 0, errors = 0, peak_sum = 0, peak_max = 0;
  double bytes = 0, records = 0;
  for (const ChildResult& r : results) {
    ingest_max = std::max(ingest_max, r.Num("ingest_seconds"));
    recompute_max = std::max(recompute_max, r.Num("recompute_seconds"));
    points += r.Num("points");
    records_read += r.Num("records_read");
    errors += r.Num("errors");
    const double peak = static_cast<double>(r.maxrss_kb) / 1024.0;
    peak_sum += peak;
    peak_max = std::max(peak_max, peak);
  }
  for (const char* format : kNationalFormats) {
    double b = 0, n = 0, secs = 0, files = 0;
    for (const ChildResult& r : results) {
      b += r.Num(absl::StrCat(format, ".bytes"));
      n += r.Num(absl::StrCat(format, ".records"));
      secs += r.Num(absl::StrCat(format, ".seconds"));
      files += r.Num(absl::StrCat(format, ".files"));
    }
    bytes += b;
    records += n;
    if (files == 0) continue;
    secs = std::max(secs, 1e-9);
    AddRow({absl::StrCat("national year: ingest ", format), absl::StrFormat("%.0f files, %s", files, Mb(b)),
            absl::StrFormat("%.1f s, %.1f MB/s, %s records/s (per worker; %s records)", secs, b / 1e6 / secs,
                            Count(n / secs), Count(n)),
            "", ""});
  }
  AddRow({"national year: ingest, all formats", absl::StrFormat("%d workers, %s", workers, Mb(bytes)),
          absl::StrFormat("%.1f s wall, %.1f MB/s, %s records/s%s", ingest_max, bytes / 1e6 / ingest_max,
                          Count(records / ingest_max),
                          errors > 0 ? absl::StrFormat(" (%.0f ERRORS)", errors) : std::string()),
          "", ""});
  AddRow({"national year: recompute every LA", absl::StrFormat("%zu LAs, %s records", s->las.size(), Count(records_read)),
          absl::StrFormat("%.1f s wall (%d workers), %.0f points", recompute_max, workers, points), "", ""});
  AddRow({"**national year: ingest + recompute**", input,
          absl::StrFormat("**%.1f s** wall; peak RSS %.0f MB per worker (%.0f MB together)", total_s, peak_max,
                          peak_sum),
          "< 60 s", Verdict(total_s < 60)});
}

// The synthetic borough, ingested and recomputed through the embedded services; then the
// engine, a loopback metrics server and a loopback reporting server over its data.
class Borough {
 public:
  absl::Status Prepare(const Config& c, const fs::path& tmp) {
    inbox_ = (tmp / "inbox").string();
    data_ = (tmp / "data").string();
    SynthOptions so;
    so.out_dir = inbox_;
    so.seed = static_cast<uint64_t>(c.seed);
    auto t0 = Clock::now();
    auto summary = WriteSynthBorough(so);
    if (!summary.ok()) return absl::Status(summary.status().code(), absl::StrCat("synth: ", summary.status().message()));
    std::printf("borough: synthetic LA 301 written (%" PRId64 " files, %" PRId64 " children) in %.1f s\n",
                summary->files, summary->children, Seconds(t0, Clock::now()));

    auto e = Embedded::Start(data_);
    if (!e.ok()) return e.status();
    auto ing = v1::Ingestion::NewStub((*e)->ingestion());
    std::vector<std::string> problems;
    auto files = ScanInbox(inbox_, &problems);
    int64_t bytes = 0, records = 0;
    int rejected = 0;
    t0 = Clock::now();
    for (const auto& f : files) {
      auto resp = UploadFile(*ing, f);
      if (!resp.ok()) {
        ++rejected;
        std::printf("  upload of %s rejected: %s\n", f.name.c_str(), std::string(resp.status().message()).c_str());
        continue;
      }
      records += resp->records_stored();
      std::error_code ec;
      bytes += static_cast<int64_t>(fs::file_size(f.path, ec));
    }
    const double upload_s = Seconds(t0, Clock::now());
    AddRow({"ingest synthetic borough (gRPC upload)",
            absl::StrCat(files.size(), " files, ", Mb(static_cast<double>(bytes))),
            absl::StrFormat("%.2f s, %.1f MB/s, %s records/s%s", upload_s, static_cast<double>(bytes) / 1e6 / upload_s,
                            Count(static_cast<double>(records) / upload_s),
                            rejected ? absl::StrCat(", ", rejected, " files REJECTED") : ""),
            "", ""});

    // The metrics service's own Recompute: records streamed from ingestion over gRPC.
    auto met = v1::Metrics::NewStub((*e)->metrics());
    std::vector<double> runs;
    for (int i = 0; i < 3; ++i) {
      v1::RecomputeRequest req;
      req.set_la("301");
      req.add_collection_years(2016);
      v1::RecomputeResponse resp;
      grpc::ClientContext ctx;
      auto s0 = Clock::now();
      grpc::Status s = met->Recompute(&ctx, req, &resp);
      if (!s.ok()) return absl::InternalError(absl::StrCat("metrics Recompute: ", s.error_message()));
      runs.push_back(Seconds(s0, Clock::now()));
      service_records_ = resp.records_read();
    }
    service_recompute_ = runs;
    {
      v1::RecomputeRequest req;
      req.set_la("301");
      v1::RecomputeResponse resp;
      grpc::ClientContext ctx;
      grpc::Status s = met->Recompute(&ctx, req, &resp);  // every year, for the reports
      if (!s.ok()) return absl::InternalError(absl::StrCat("metrics Recompute: ", s.error_message()));
    }
    e->reset();  // stops the servers and closes the stores

    auto ingestor = Ingestor::Open(data_ + "/ingestion");
    if (!ingestor.ok()) return ingestor.status();
    ingestor_ = std::move(*ingestor);
    auto returns = ingestor_->store().ListReturns("301");
    if (!returns.ok()) return returns.status();
    returns_ = *returns;
    absl::Status s = ingestor_->store().ScanRecords("301", {}, [&](const v1::Record& r) {
      records_.push_back(r);
      return true;
    });
    if (!s.ok()) return s;
    auto engine = MetricsEngine::Open(data_ + "/metrics");
    if (!engine.ok()) return engine.status();
    engine_ = std::move(*engine);
    return absl::OkStatus();
  }

  void Recompute(const Config& c) {
    const std::string input = absl::StrCat("LA 301, ", Count(static_cast<double>(records_.size())), " records, ",
                                           returns_.size(), " returns");
    // Records by return, in scan order, so that asking for one return reads it alone
    // (as the store's seek to its keys does).
    std::map<std::string, std::vector<const v1::Record*>> by_return;
    for (const auto& r : records_) by_return[r.return_id()].push_back(&r);
    auto memory_scan = [&](const std::vector<std::string>& only, const std::function<void(const v1::Record&)>& fn) {
      if (only.empty()) {
        for (const auto& r : records_) fn(r);
        return absl::OkStatus();
      }
      for (const auto& id : only) {
        auto it = by_return.find(id);
        if (it == by_return.end()) continue;
        for (const v1::Record* r : it->second) fn(*r);
      }
      return absl::OkStatus();
    };
    auto store_scan = [&](const std::vector<std::string>& only, const std::function<void(const v1::Record&)>& fn) {
      return ingestor_->store().ScanRecords("301", {}, only, [&](const v1::Record& r) {
        fn(r);
        return true;
      });
    };
    // The engine keeps an LA's RecordSet while its returns are unchanged. `kReplaced`:
    // each run sees the 2016 CIN census (the largest return of the year) at a new
    // generation, as after an upload replaces it, so the kept set takes out its old
    // records and reads its new ones alone. `kCold`: nothing is kept, and the set is
    // built from every record `scan` gives.
    enum Mode { kKept, kReplaced, kCold };
    size_t replaced_at = returns_.size() - 1;
    int64_t replaced_records = 0;
    for (size_t i = 0; i < returns_.size(); ++i) {
      if (returns_[i].return_id() == "301/2016/cin-census") replaced_at = i;
    }
    for (const auto& r : records_) replaced_records += r.return_id() == returns_[replaced_at].return_id();
    uint64_t generation = 0;
    auto time_runs = [&](const std::vector<int>& years, const MetricsEngine::RecordScan& scan, int64_t n,
                         int64_t* points, Mode mode = kKept) -> absl::StatusOr<std::vector<double>> {
      std::vector<double> v;
      for (int64_t i = 0; i < n; ++i) {
        std::vector<v1::ReturnInfo> returns = returns_;
        if (mode == kReplaced) {
          returns[replaced_at].set_generation(returns[replaced_at].generation() + ++generation);
        }
        if (mode == kCold) engine_->ForgetRecords();
        auto t0 = Clock::now();
        auto resp = engine_->Recompute("301", years, returns, scan);
        v.push_back(Seconds(t0, Clock::now()));
        if (!resp.ok()) return resp.status();
        *points = resp->points_written();
      }
      return v;
    };
    const int64_t n = std::max<int64_t>(c.recompute_runs, 1);
    int64_t points = 0;
    auto one = time_runs({2016}, memory_scan, n, &points);
    if (!one.ok()) {
      Skip("recompute one LA-year", std::string(one.status().message()));
      return;
    }
    const double p50 = Percentile(*one, 0.5);
    AddRow({"recompute one LA-year (2015-16, records in memory)", input,
            absl::StrFormat("p50 %s, p90 %s, min %s (%" PRId64 " runs, %" PRId64 " points; RecordSet kept)", Ms(p50),
                            Ms(Percentile(*one, 0.9)), Ms(Percentile(*one, 0)), n, points),
            "< 50 ms", Verdict(p50 < 0.050)});
    auto replaced = time_runs({2016}, memory_scan, n, &points, kReplaced);
    if (replaced.ok()) {
      const double p = Percentile(*replaced, 0.5);
      AddRow({"**recompute one LA-year after a return is replaced**", input,
              absl::StrFormat("p50 %s, p90 %s (%s replaced, %s records: taken out of the kept set, read again alone)",
                              Ms(p), Ms(Percentile(*replaced, 0.9)), returns_[replaced_at].return_id(),
                              Count(static_cast<double>(replaced_records))),
              "< 50 ms", Verdict(p < 0.050)});
    }
    auto rebuilt = time_runs({2016}, memory_scan, std::max<int64_t>(n / 2, 1), &points, kCold);
    if (rebuilt.ok()) {
      AddRow({"recompute one LA-year with nothing kept", input,
              absl::StrFormat("p50 %s, p90 %s (RecordSet built from every record in memory)",
                              Ms(Percentile(*rebuilt, 0.5)), Ms(Percentile(*rebuilt, 0.9))),
              "", ""});
    }
    // Where the time goes: the deduplicated RecordSet that a recompute builds first
    // from every record of the LA when its returns changed (and frees after), without
    // the indicator families.
    std::vector<double> sets;
    double held_mb = 0;  // heap the set holds
    for (int64_t i = 0; i < std::max<int64_t>(n / 2, 1); ++i) {
      auto t0 = Clock::now();
      {
        const double before = HeapInUseMb();
        RecordSet set("301");
        for (const auto& r : returns_) set.AddReturn(r);
        for (const auto& r : records_) set.Add(r);
        set.Finalize();
        held_mb = std::max(held_mb, HeapInUseMb() - before);
      }
      sets.push_back(Seconds(t0, Clock::now()));
    }
    AddRow({"  of which: building the RecordSet", input,
            absl::StrFormat("p50 %s (add, deduplicate and free every record); the set holds %.0f MB of heap",
                            Ms(Percentile(sets, 0.5)), held_mb),
            "", ""});
    auto stored = time_runs({2016}, store_scan, std::max<int64_t>(n / 2, 1), &points, kReplaced);
    if (stored.ok()) {
      AddRow({"recompute one LA-year after a return is replaced (its records from RocksDB)", input,
              absl::StrFormat("p50 %s, p90 %s", Ms(Percentile(*stored, 0.5)), Ms(Percentile(*stored, 0.9))), "", ""});
    }
    auto stored_cold = time_runs({2016}, store_scan, std::max<int64_t>(n / 4, 1), &points, kCold);
    if (stored_cold.ok()) {
      AddRow({"recompute one LA-year with nothing kept (every record from RocksDB)", input,
              absl::StrFormat("p50 %s, p90 %s", Ms(Percentile(*stored_cold, 0.5)), Ms(Percentile(*stored_cold, 0.9))),
              "", ""});
    }
    auto moved = time_runs({}, memory_scan, std::max<int64_t>(n / 2, 1), &points, kReplaced);
    if (moved.ok()) {
      AddRow({"recompute after a return is replaced, no year named (the years it moves)", input,
              absl::StrFormat("p50 %s, p90 %s (%" PRId64 " points: its records are unchanged, so its own year alone)",
                              Ms(Percentile(*moved, 0.5)), Ms(Percentile(*moved, 0.9)), points),
              "", ""});
    }
    auto all = time_runs({2011, 2012, 2013, 2014, 2015, 2016}, memory_scan, std::max<int64_t>(n / 4, 1), &points,
                         kReplaced);
    if (all.ok()) {
      AddRow({"recompute all six years after a return is replaced (records in memory)", input,
              absl::StrFormat("p50 %s (%" PRId64 " points)", Ms(Percentile(*all, 0.5)), points), "", ""});
    }
    if (!service_recompute_.empty()) {
      AddRow({"recompute one LA-year via the metrics service",
              absl::StrCat("LA 301, ", Count(static_cast<double>(service_records_)), " records streamed"),
              absl::StrFormat("first %s, p50 %s (%zu runs; in-process gRPC from ingestion; the first reads the records, "
                              "the others keep them)",
                              Ms(service_recompute_.front()), Ms(Percentile(service_recompute_, 0.5)),
                              service_recompute_.size()),
              "", ""});
    }
  }

  absl::Status StartServers() {
    metrics_service_ = std::make_unique<MetricsService>(engine_.get(), nullptr);
    grpc::ServerBuilder mb;
    mb.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &metrics_port_);
    mb.SetMaxReceiveMessageSize(kMaxMessageBytes);
    mb.SetMaxSendMessageSize(kMaxMessageBytes);
    mb.RegisterService(metrics_service_.get());
    metrics_server_ = mb.BuildAndStart();
    if (!metrics_server_ || metrics_port_ == 0) return absl::InternalError("cannot start the metrics server on 127.0.0.1:0");
    metrics_channel_ = DialInsecure(absl::StrCat("127.0.0.1:", metrics_port_));

    reporting_service_ = std::make_unique<ReportingService>(metrics_channel_);
    grpc::ServerBuilder rb;
    rb.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &reporting_port_);
    rb.SetMaxReceiveMessageSize(kMaxMessageBytes);
    rb.SetMaxSendMessageSize(kMaxMessageBytes);
    rb.RegisterService(reporting_service_.get());
    reporting_server_ = rb.BuildAndStart();
    if (!reporting_server_ || reporting_port_ == 0) {
      return absl::InternalError("cannot start the reporting server on 127.0.0.1:0");
    }
    std::printf("servers: metrics on 127.0.0.1:%d, reporting on 127.0.0.1:%d\n", metrics_port_, reporting_port_);
    return absl::OkStatus();
  }

  void Series(const Config& c) {
    auto stub = v1::Metrics::NewStub(metrics_channel_);
    auto call = [&](v1::Metrics::Stub& s, bool comparators, size_t* points) {
      v1::GetSeriesRequest req;
      req.set_la("301");
      // With comparators, a rate: England's and London's series and the neighbours'
      // average, computed from their published figures for the years without one.
      req.set_indicator(comparators ? "referral_rate" : "referrals");
      req.set_from("2010-11");
      req.set_to("2015-16");
      req.set_with_comparators(comparators);
      v1::GetSeriesResponse resp;
      grpc::ClientContext ctx;
      ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
      grpc::Status st = s.GetSeries(&ctx, req, &resp);
      if (points) *points = static_cast<size_t>(resp.points_size() + resp.comparators_size());
      return st;
    };
    const std::string where = absl::StrCat("127.0.0.1:", metrics_port_);
    {
      // The same query in the engine, without gRPC: what the server itself spends.
      std::vector<double> lat;
      const int64_t n = std::max<int64_t>(c.series_calls, 10);
      size_t points = 0;
      bool failed = false;
      for (int64_t i = 0; i < n + 200; ++i) {
        auto t0 = Clock::now();
        auto v = engine_->GetSeries("301", "referrals", "", "2010-11", "2015-16");
        if (i >= 200) lat.push_back(Seconds(t0, Clock::now()));
        if (!v.ok()) {
          Skip("GetSeries in the engine (no gRPC)", std::string(v.status().message()));
          failed = true;
          break;
        }
        points = v->size();
      }
      if (!failed) {
        AddRow({"GetSeries in the engine (no gRPC)", absl::StrCat("referrals 2010-11..2015-16, ", points, " points"),
                absl::StrFormat("p50 %s, p99 %s (%" PRId64 " calls)", Ms(Percentile(lat, 0.5)), Ms(Percentile(lat, 0.99)),
                                n),
                "", ""});
      }
    }
    for (bool comparators : {false, true}) {
      const std::string name =
          comparators ? "GetSeries latency, with comparators (loopback)" : "GetSeries latency (loopback gRPC)";
      size_t points = 0;
      for (int i = 0; i < 200; ++i) {  // warm up the channel and the block cache
        grpc::Status st = call(*stub, comparators, &points);
        if (!st.ok()) {
          Skip(name, st.error_message());
          return;
        }
      }
      std::vector<double> lat;
      const int64_t n = std::max<int64_t>(c.series_calls, 10);
      lat.reserve(static_cast<size_t>(n));
      for (int64_t i = 0; i < n; ++i) {
        auto t0 = Clock::now();
        grpc::Status st = call(*stub, comparators, nullptr);
        lat.push_back(Seconds(t0, Clock::now()));
        if (!st.ok()) {
          Skip(name, st.error_message());
          return;
        }
      }
      const double p99 = Percentile(lat, 0.99);
      AddRow({name,
              absl::StrCat(comparators ? "referral_rate" : "referrals", " 2010-11..2015-16, ", points, " points, ", where),
              absl::StrFormat("p50 %s, p99 %s, max %s (%" PRId64 " sequential calls)", Ms(Percentile(lat, 0.5)),
                              Ms(p99), Ms(Percentile(lat, 1.0)), n),
              comparators ? "" : "p99 < 1 ms", comparators ? "" : Verdict(p99 < 0.001)});
    }
    // Throughput: several client threads, each with its own channel, for a fixed time.
    const int threads = static_cast<int>(std::max<int64_t>(c.qps_threads, 1));
    std::atomic<bool> stop{false};
    std::atomic<int64_t> calls{0}, failures{0};
    std::vector<std::thread> pool;
    auto t0 = Clock::now();
    for (int t = 0; t < threads; ++t) {
      pool.emplace_back([&] {
        auto s = v1::Metrics::NewStub(DialInsecure(where));
        while (!stop.load(std::memory_order_relaxed)) {
          if (call(*s, false, nullptr).ok()) {
            calls.fetch_add(1, std::memory_order_relaxed);
          } else {
            failures.fetch_add(1, std::memory_order_relaxed);
          }
        }
      });
    }
    std::this_thread::sleep_for(std::chrono::seconds(std::max<int64_t>(c.qps_seconds, 1)));
    stop = true;
    for (auto& th : pool) th.join();
    const double secs = Seconds(t0, Clock::now());
    AddRow({"GetSeries throughput (loopback gRPC)", absl::StrCat(threads, " client threads, ", where),
            absl::StrFormat("%.0f QPS (%s calls in %.1f s%s)", static_cast<double>(calls.load()) / secs,
                            Count(static_cast<double>(calls.load())), secs,
                            failures.load() ? absl::StrCat(", ", failures.load(), " FAILED") : ""),
            "", ""});
  }

  void Report(const Config& c) {
    auto rep = v1::Reporting::NewStub(DialInsecure(absl::StrCat("127.0.0.1:", reporting_port_)));
    const int64_t n = std::max<int64_t>(c.report_runs, 1);
    auto build = [&](v1::AnnualReport* report) {
      v1::BuildAnnualReportRequest req;
      req.set_la("301");
      req.set_year("2015-16");
      grpc::ClientContext ctx;
      ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
      return rep->BuildAnnualReport(&ctx, req, report);
    };
    v1::AnnualReport report;
    if (grpc::Status st = build(&report); !st.ok()) {
      Skip("annual report build", absl::StrCat("BuildAnnualReport: ", st.error_message()));
      return;
    }
    std::vector<double> builds;
    for (int64_t i = 0; i < n; ++i) {
      v1::AnnualReport r;
      auto t0 = Clock::now();
      grpc::Status st = build(&r);
      builds.push_back(Seconds(t0, Clock::now()));
      if (!st.ok()) {
        Skip("annual report build", st.error_message());
        return;
      }
    }
    const double build_p50 = Percentile(builds, 0.5);
    AddRow({"annual report: build (BuildAnnualReport)",
            absl::StrCat("LA 301, 2015-16, ", report.ByteSizeLong(), " bytes"),
            absl::StrFormat("p50 %s, p90 %s (%" PRId64 " runs; reporting -> metrics over loopback)", Ms(build_p50),
                            Ms(Percentile(builds, 0.9)), n),
            "", ""});
    struct F {
      v1::Format format;
      const char* name;
    };
    double html_p50 = -1;
    for (F f : {F{v1::HTML, "HTML"}, F{v1::MARKDOWN, "Markdown"}, F{v1::JSON, "JSON"}, F{v1::CSV, "CSV"},
                F{v1::XLSX, "XLSX"}}) {
      const std::string name = absl::StrCat("annual report: render ", f.name);
      std::vector<double> v;
      size_t bytes = 0;
      bool failed = false;
      for (int64_t i = 0; i < n; ++i) {
        v1::RenderRequest req;
        *req.mutable_report() = report;
        req.set_format(f.format);
        v1::RenderResponse resp;
        grpc::ClientContext ctx;
        ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
        auto t0 = Clock::now();
        grpc::Status st = rep->Render(&ctx, req, &resp);
        v.push_back(Seconds(t0, Clock::now()));
        if (!st.ok()) {
          Skip(name, st.error_message());
          failed = true;
          break;
        }
        bytes = resp.content().size();
      }
      if (failed) continue;
      const double p50 = Percentile(v, 0.5);
      if (f.format == v1::HTML) html_p50 = p50;
      AddRow({name, absl::StrCat(bytes, " bytes out"), absl::StrFormat("p50 %s, p90 %s", Ms(p50), Ms(Percentile(v, 0.9))),
              "", ""});
    }
    if (html_p50 >= 0) {
      const double total = build_p50 + html_p50;
      AddRow({"annual report: build + render HTML", "LA 301, 2015-16", absl::StrFormat("p50 %s", Ms(total)),
              "< 100 ms", Verdict(total < 0.100)});
    }
  }

  ~Borough() {
    if (reporting_server_) reporting_server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(5));
    if (metrics_server_) metrics_server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(5));
  }

 private:
  std::string inbox_, data_;
  std::unique_ptr<Ingestor> ingestor_;
  std::unique_ptr<MetricsEngine> engine_;
  std::vector<v1::ReturnInfo> returns_;
  std::vector<v1::Record> records_;
  std::vector<double> service_recompute_;
  int64_t service_records_ = 0;
  std::unique_ptr<MetricsService> metrics_service_;
  std::unique_ptr<ReportingService> reporting_service_;
  std::unique_ptr<grpc::Server> metrics_server_, reporting_server_;
  std::shared_ptr<grpc::Channel> metrics_channel_;
  int metrics_port_ = 0, reporting_port_ = 0;
};

int Main(int argc, char** argv) {
  if (argc >= 2 && std::string(argv[1]) == "measure") return Measure(argc, argv);
  if (argc >= 2 && (std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h")) {
    std::printf(
        "usage: carestat-bench [ingest] [big] [validate] [recompute] [series] [report] [national] [benchmark]\n"
        "Runs the named sections (all when none) and prints one table. Sizes: CARESTAT_BENCH_CIN_CHILDREN,\n"
        "CARESTAT_BENCH_SSDA903_CHILDREN, CARESTAT_BENCH_ANNEXA_ROWS, CARESTAT_BENCH_XLSX_ROWS,\n"
        "CARESTAT_BENCH_BIG_CIN_MB (0 skips), CARESTAT_BENCH_RECOMPUTE_RUNS, CARESTAT_BENCH_SERIES_CALLS,\n"
        "CARESTAT_BENCH_QPS_SECONDS, CARESTAT_BENCH_QPS_THREADS, CARESTAT_BENCH_REPORT_RUNS, CARESTAT_BENCH_SEED,\n"
        "CARESTAT_BENCH_NATIONAL_LAS (152; 0 skips), CARESTAT_BENCH_NATIONAL_PERCENT (100: England's volumes),\n"
        "CARESTAT_BENCH_NATIONAL_WORKERS (2), CARESTAT_BENCH_VALIDATE_ISSUES (2000000; 0 skips),\n"
        "CARESTAT_BENCH_BENCHMARK_RUNS (5), CARESTAT_BENCH_BENCHMARK_CALLS (5000);\n"
        "CARESTAT_BENCH_TMP: where the files are generated (default: $TMPDIR or /tmp); CARESTAT_BENCH_VERBOSE=1\n"
        "keeps the services' log lines.\n");
    return 0;
  }
  std::set<std::string> sections;
  for (int i = 1; i < argc; ++i) sections.insert(argv[i]);
  const std::set<std::string> known = {"ingest", "big",    "validate", "recompute",
                                       "series", "report", "national", "benchmark"};
  for (const auto& s : sections) {
    if (!known.count(s)) {
      std::fprintf(stderr, "carestat-bench: unknown section '%s' (ingest, big, validate, recompute, series, report, national, benchmark)\n",
                   s.c_str());
      return 2;
    }
  }
  auto want = [&](const char* s) { return sections.empty() || sections.count(s) > 0; };
  const Config c;
  // The services' INFO lines would bury the figures; CARESTAT_BENCH_VERBOSE=1 keeps them.
  if (EnvInt("CARESTAT_BENCH_VERBOSE", 0) == 0) SetLogQuiet(true);

  const char* root_env = std::getenv("CARESTAT_BENCH_TMP");
  if (!root_env || !*root_env) root_env = std::getenv("TMPDIR");
  std::string pattern = std::string(root_env && *root_env ? root_env : "/tmp") + "/carestat-bench-XXXXXX";
  if (!mkdtemp(pattern.data())) {
    std::fprintf(stderr, "carestat-bench: cannot create a temporary directory %s: %s\n", pattern.c_str(),
                 std::strerror(errno));
    return 2;
  }
  const fs::path tmp = pattern;
  StartLoad() = LoadAverage();
  std::printf("carestat-bench: working in %s (load average %s)\n", tmp.c_str(), StartLoad().c_str());

  if (want("ingest")) IngestSection(c, tmp);
  if (want("big")) BigSection(c, tmp);
  if (want("validate")) ValidateSection(c, tmp);
  if (want("recompute") || want("series") || want("report")) {
    auto borough = std::make_unique<Borough>();
    absl::Status s = borough->Prepare(c, tmp);
    if (!s.ok()) {
      for (const char* what : {"recompute", "series", "report"}) {
        if (want(what)) Skip(what, absl::StrCat("the synthetic borough could not be prepared: ", s.message()));
      }
    } else {
      if (want("recompute")) borough->Recompute(c);
      if (want("series") || want("report")) {
        if (absl::Status st = borough->StartServers(); !st.ok()) {
          Skip("series/report", std::string(st.message()));
        } else {
          if (want("series")) borough->Series(c);
          if (want("report")) borough->Report(c);
        }
      }
    }
  }
  if (want("national") && c.national_las > 0) NationalSection(c, tmp);
  if (want("benchmark")) BenchmarkSection(c, tmp);
  std::error_code ec;
  fs::remove_all(tmp, ec);
  PrintTable();
  return 0;
}

}  // namespace carestat::bench

int main(int argc, char** argv) { return carestat::bench::Main(argc, argv); }
