// carestat-dashboard-bench: how long the dashboard's LA overview and the JSON API take,
// served by the HTTP listener over the embedded services on a national year's data.
//   build-bench/bench/carestat-dashboard-bench [--las 152] [--requests 200] [--data DIR]
// Without --data it writes `carestat synth --las N --years 2016` and runs `carestat run` on
// it first (minutes: every LA's reports are built); --data reuses such a data directory.
// Prints p50, p99 and max per kind of request, sequential over loopback (the round trip,
// so an upper bound on server time) and the CPU per request of the whole process (the
// servers and the client: what a loaded machine's waiting does not inflate). Figures to read, never a pass/fail test
// (docs/PERFORMANCE.md has the targets: overview p99 < 50 ms, API p99 < 5 ms).
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <httplib.h>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "pipeline/embedded.h"
#include "services/common/log.h"
#include "services/reporting/web/web.h"

namespace fs = std::filesystem;

namespace {

// CPU seconds of the whole process (the embedded servers, the listener and this client):
// per request, a figure that a loaded machine's waiting does not inflate.
double CpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_utime.tv_sec + u.ru_stime.tv_sec + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

double Percentile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(q * (v.size() - 1) + 0.5))];
}

int Run(const std::string& command) {
  std::printf("$ %s\n", command.c_str());
  std::fflush(stdout);
  return std::system(command.c_str());
}

}  // namespace

int main(int argc, char** argv) {
  int las = 152, requests = 200;
  std::string data;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--las" && absl::SimpleAtoi(value, &las)) continue;
    if (flag == "--requests" && absl::SimpleAtoi(value, &requests)) continue;
    if (flag == "--data") {
      data = value;
      continue;
    }
    std::fprintf(stderr, "usage: carestat-dashboard-bench [--las 152] [--requests 200] [--data DIR]\n");
    return 2;
  }
  if (argc % 2 == 0) {
    std::fprintf(stderr, "usage: carestat-dashboard-bench [--las 152] [--requests 200] [--data DIR]\n");
    return 2;
  }
  const fs::path self = fs::read_symlink("/proc/self/exe");
  const std::string carestat = (self.parent_path().parent_path() / "pipeline" / "carestat").string();
  if (data.empty()) {
    const char* tmp_env = std::getenv("CARESTAT_BENCH_TMP");
    const fs::path tmp = fs::path(tmp_env ? tmp_env : "/tmp") / absl::StrCat("carestat-dashboard-bench-", ::getpid());
    fs::create_directories(tmp);
    data = (tmp / "data").string();
    if (Run(absl::StrCat(carestat, " synth --las ", las, " --years 2016 --out ", (tmp / "inbox").string(), " >/dev/null")) != 0 ||
        Run(absl::StrCat(carestat, " run --init --inbox ", (tmp / "inbox").string(), " --out ", (tmp / "out").string(),
                         " --data ", data, " >/dev/null 2>&1")) > 256) {
      std::fprintf(stderr, "carestat-dashboard-bench: could not prepare the data under %s\n", tmp.c_str());
      return 1;
    }
  }
  carestat::SetLogQuiet(true);
  auto e = carestat::Embedded::Start(data);
  if (!e.ok()) {
    std::fprintf(stderr, "carestat-dashboard-bench: %s\n", std::string(e.status().message()).c_str());
    return 1;
  }
  carestat::ServerSecurity security;
  security.plaintext = true;
  auto web = carestat::WebServer::Start("127.0.0.1:0", security, (*e)->metrics(), (*e)->reporting());
  if (!web.ok()) {
    std::fprintf(stderr, "carestat-dashboard-bench: %s\n", std::string(web.status().message()).c_str());
    return 1;
  }
  // The LAs with returns: those the data directory's inbox named (codes 201 to 938).
  std::vector<std::string> codes;
  httplib::Client cli("127.0.0.1", (*web)->port());
  cli.set_keep_alive(true);
  cli.set_tcp_nodelay(true);
  for (int code = 100; code < 1000 && static_cast<int>(codes.size()) < las; ++code) {
    auto r = cli.Get(absl::StrCat("/api/v1/returns?la=", code).c_str());
    if (r && r->status == 200) codes.push_back(absl::StrCat(code));
  }
  if (codes.empty()) {
    std::fprintf(stderr, "carestat-dashboard-bench: no LA has returns in %s\n", data.c_str());
    return 1;
  }
  std::printf("%zu LAs loaded; %d sequential requests of each kind over loopback (keep-alive)\n", codes.size(), requests);
  struct Kind {
    std::string name, path;
  };
  const std::vector<Kind> kinds = {
      {"LA overview page", "/la?la=%s"},
      {"indicator page", "/indicator?la=%s&indicator=cpp_rate"},
      {"API series (JSON)", "/api/v1/series?la=%s&indicator=referral_rate"},
      {"API series (CSV)", "/api/v1/series?la=%s&indicator=referral_rate&format=csv"},
      {"API benchmark, one indicator", "/api/v1/benchmark?la=%s&indicator=referral_rate"},
      {"API indicators", "/api/v1/indicators?x=%s"},
  };
  std::printf("%-30s %10s %10s %10s %10s\n", "request", "p50 ms", "p99 ms", "max ms", "CPU ms");
  for (const auto& k : kinds) {
    std::vector<double> ms;
    double cpu = 0;
    for (int i = -5; i < requests; ++i) {   // 5 to warm up
      std::string path = k.path;
      path.replace(path.find("%s"), 2, codes[(i + 5) % codes.size()]);
      if (k.name == "API indicators") path = "/api/v1/indicators";
      const double cpu_start = CpuSeconds();
      const auto start = std::chrono::steady_clock::now();
      auto r = cli.Get(path.c_str());
      const double took = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
      if (i >= 0) cpu += CpuSeconds() - cpu_start;
      if (!r || r->status != 200) {
        std::fprintf(stderr, "%s: %s answered %d\n%s\n", k.name.c_str(), path.c_str(), r ? r->status : -1,
                     r ? r->body.substr(0, 2000).c_str() : "");
        return 1;
      }
      if (i >= 0) ms.push_back(took);
    }
    std::printf("%-30s %10.2f %10.2f %10.2f %10.2f\n", k.name.c_str(), Percentile(ms, 0.5), Percentile(ms, 0.99),
                *std::max_element(ms.begin(), ms.end()), cpu * 1000 / ms.size());
  }
  (*web)->Stop();
  return 0;
}
