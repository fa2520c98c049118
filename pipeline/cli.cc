// carestat: the command line for analysts and scripts.
//   carestat run --inbox DIR --out DIR [--data DIR]
//   carestat validate FILE... [--la 301] [--collection-year 2016] [--json]
//   carestat indicators --la 301 --period 2015-16 [--json] (--data DIR | --target HOST:PORT)
//   carestat series --la 301 --indicator referrals [--from 2010-11] [--to 2015-16] [--json] (...)
//   carestat report annual --la 301 --year 2015-16 --format html|md|csv|json -o FILE (...)
//   carestat synth --profile barking-and-dagenham --out INBOX [--seed N]
// Exit codes: 0 success, 1 ran but found problems, 2 unusable input or arguments.
#include <charconv>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "carestat/v1/metrics.grpc.pb.h"
#include "carestat/v1/reporting.grpc.pb.h"
#include "pipeline/embedded.h"
#include "pipeline/inbox.h"
#include "pipeline/runner.h"
#include "pipeline/synth.h"
#include "services/common/args.h"
#include "services/common/dates.h"
#include "services/common/log.h"
#include "services/common/server.h"
#include "services/ingestion/check.h"

namespace carestat {
namespace {

constexpr int kOk = 0, kProblems = 1, kUsage = 2;

const char kMainHelp[] =
    "carestat: children's social care returns in, indicators and annual reports out.\n\n"
    "usage: carestat COMMAND [flags]   (carestat COMMAND --help for each)\n\n"
    "  run         ingest an inbox, recompute, write reports (all services in this process)\n"
    "  validate    check return files offline and list their issues\n"
    "  indicators  print every indicator of an LA for a period\n"
    "  series      print one indicator over years\n"
    "  report      build and render the annual report\n"
    "  synth       write a synthetic borough's returns into an inbox\n\n"
    "Exit codes: 0 success, 1 ran but found problems, 2 unusable input or arguments.\n";

int Usage(const std::string& cmd, const std::string& problem) {
  std::fprintf(stderr, "carestat %s: %s (see carestat %s --help)\n", cmd.c_str(), problem.c_str(), cmd.c_str());
  return kUsage;
}

std::string Json(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
  }
  return out + "\"";
}

// Shortest text that reads back as the same double.
std::string Num(double v) {
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

// ---- run ----
int Run(const Args& a) {
  if (a.Has("help")) {
    std::printf("usage: carestat run --inbox DIR --out DIR [--data DIR]\n\n"
                "Runs the ingestion, metrics and reporting services inside this process, ingests\n"
                "every file under INBOX/<LA>/<collection year>/, recomputes the indicators and\n"
                "writes each LA's latest annual report to OUT/<LA>/<year>/ (HTML, Markdown, JSON,\n"
                "CSV). Rejected files get a report in OUT/rejected/. DATA defaults to ./data.\n"
                "Exit: 0 all ingested, 1 some file rejected, 2 could not run.\n");
    return kOk;
  }
  if (auto p = a.Problem({"inbox", "out", "data", "help"})) return Usage("run", *p);
  if (!a.Has("inbox") || !a.Has("out")) return Usage("run", "--inbox DIR and --out DIR are required");
  SetLogQuiet(true);  // run prints one line per file itself
  auto e = Embedded::Start(a.Get("data", "data"));
  if (!e.ok()) {
    std::fprintf(stderr, "carestat run: %s\n", std::string(e.status().message()).c_str());
    return kUsage;
  }
  RunOptions o;
  o.inbox = a.Get("inbox");
  o.out_dir = a.Get("out");
  return RunPipeline((*e)->ingestion(), (*e)->metrics(), (*e)->reporting(), o);
}

// ---- validate ----
int Validate(const Args& a) {
  if (a.Has("help") || a.positional().empty()) {
    std::printf("usage: carestat validate FILE... [--la 301] [--collection-year 2016] [--json]\n\n"
                "Detects each file's format, reads it whole and prints its issues and a summary\n"
                "(children, records per kind, errors, queries). Nothing is stored. LA and year\n"
                "come from the flags or from an inbox path INBOX/<LA>/<year>/FILE.\n"
                "Exit: 0 no errors, 1 errors found, 2 a file is unusable (cannot be read whole).\n");
    return a.Has("help") ? kOk : kUsage;
  }
  if (auto p = a.Problem({"la", "collection-year", "json", "help"})) return Usage("validate", *p);
  int flag_year = 0;
  if (a.Has("collection-year") && !absl::SimpleAtoi(a.Get("collection-year"), &flag_year))
    return Usage("validate", "--collection-year must be a year like 2016");
  const bool json = a.Has("json");
  int worst = kOk;
  std::string out = "{\"files\": [";
  bool first = true;
  for (const auto& path : a.positional()) {
    std::string la = a.Get("la");
    int year = flag_year;
    std::string path_la;
    int path_year = 0;
    if (LaAndYearFromPath(path, &path_la, &path_year)) {
      if (la.empty()) la = path_la;
      if (year == 0) year = path_year;
    }
    auto r = CheckFile(path, path, la, year, nullptr);
    if (!r.ok()) {
      std::fprintf(stderr, "%s\n", std::string(r.status().message()).c_str());
      worst = kUsage;
      continue;
    }
    if (r->fatal) worst = kUsage;
    else if (r->errors > 0 && worst == kOk) worst = kProblems;
    if (json) {
      absl::StrAppend(&out, first ? "" : ", ", "{\"file\": ", Json(path), ", \"format\": ",
                      Json(FormatName(r->format)), ", \"la\": ", Json(r->la), ", \"collection_year\": ",
                      r->collection_year, ", \"usable\": ", r->fatal ? "false" : "true", ", \"children\": ",
                      r->children, ", \"records\": {");
      bool f2 = true;
      for (const auto& [k, n] : r->records) {
        absl::StrAppend(&out, f2 ? "" : ", ", Json(k), ": ", n);
        f2 = false;
      }
      absl::StrAppend(&out, "}, \"errors\": ", r->errors, ", \"queries\": ", r->queries, ", \"issues\": [");
      bool f3 = true;
      for (const auto& i : r->issues) {
        absl::StrAppend(&out, f3 ? "" : ", ", "{\"rule\": ", Json(i.rule()), ", \"severity\": ",
                        Json(i.severity() == v1::ERROR ? "error" : "query"), ", \"message\": ", Json(i.message()),
                        ", \"line\": ", i.line(), ", \"child\": ", Json(i.child()), ", \"field\": ",
                        Json(i.field()), "}");
        f3 = false;
      }
      out += "]}";
      first = false;
    } else {
      std::printf("%s: %s, LA %s, collection year %d%s\n", path.c_str(), FormatName(r->format).c_str(),
                  r->la.empty() ? "?" : r->la.c_str(), r->collection_year,
                  r->fatal ? ": UNUSABLE, nothing of it would be stored" : "");
      if (!r->issues.empty()) {
        std::printf("  %-8s %-12s %-7s %-18s %s\n", "severity", "rule", "line", "field", "message");
        for (const auto& i : r->issues) {
          std::printf("  %-8s %-12s %-7lld %-18s %s\n", i.severity() == v1::ERROR ? "error" : "query",
                      i.rule().c_str(), static_cast<long long>(i.line()), i.field().c_str(), i.message().c_str());
        }
        if (r->issues_dropped > 0) std::printf("  ... and %lld more issues\n", static_cast<long long>(r->issues_dropped));
      }
      std::printf("  children %lld;", static_cast<long long>(r->children));
      for (const auto& [k, n] : r->records) std::printf(" %s %lld;", k.c_str(), static_cast<long long>(n));
      std::printf(" errors %d; queries %d\n", r->errors, r->queries);
    }
  }
  if (json) std::printf("%s]}\n", out.c_str());
  return worst;
}

// ---- services for the read commands: --data DIR (embedded) or --target HOST:PORT ----
struct Backend {
  std::unique_ptr<Embedded> embedded;
  std::shared_ptr<grpc::Channel> channel;
};

absl::StatusOr<Backend> Connect(const Args& a, bool reporting) {
  Backend b;
  if (a.Has("target")) {
    b.channel = DialInsecure(a.Get("target"));
    return b;
  }
  if (!a.Has("data")) return absl::InvalidArgumentError("give --data DIR (as used by run) or --target HOST:PORT");
  auto e = Embedded::Start(a.Get("data"));
  if (!e.ok()) return e.status();
  b.embedded = std::move(*e);
  b.channel = reporting ? b.embedded->reporting() : b.embedded->metrics();
  return b;
}

int Fail(const std::string& cmd, const grpc::Status& s) {
  std::fprintf(stderr, "carestat %s: %s\n", cmd.c_str(), s.error_message().c_str());
  return s.error_code() == grpc::NOT_FOUND || s.error_code() == grpc::INVALID_ARGUMENT ? kUsage : kProblems;
}

std::string PointKey(const v1::IndicatorPoint& p) {
  return p.breakdown().empty() ? p.indicator() : absl::StrCat(p.indicator(), "{", p.breakdown(), "}");
}

int Indicators(const Args& a) {
  if (a.Has("help")) {
    std::printf("usage: carestat indicators --la 301 --period 2015-16 [--json] (--data DIR | --target HOST:PORT)\n"
                "       carestat indicators --list [--json] (--data DIR | --target HOST:PORT)\n\n"
                "Prints every indicator that has a value for the LA and period (a financial year\n"
                "2015-16 or a month 2015-06), unrounded. --list prints the catalogue. --target is\n"
                "a metrics server.\n");
    return kOk;
  }
  if (auto p = a.Problem({"la", "period", "json", "data", "target", "list", "help"})) return Usage("indicators", *p);
  const bool list = a.Has("list");
  if (!list && (!a.Has("la") || !a.Has("period"))) return Usage("indicators", "--la and --period are required");
  SetLogQuiet(true);
  auto b = Connect(a, false);
  if (!b.ok()) return Usage("indicators", std::string(b.status().message()));
  auto stub = v1::Metrics::NewStub(b->channel);
  grpc::ClientContext c;
  c.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
  if (list) {
    v1::ListIndicatorsResponse resp;
    grpc::Status s = stub->ListIndicators(&c, v1::ListIndicatorsRequest(), &resp);
    if (!s.ok()) return Fail("indicators", s);
    for (const auto& d : resp.indicators()) {
      std::printf("%-24s %-14s %-5s %s\n", d.id().c_str(), d.unit().c_str(), d.polarity().c_str(), d.name().c_str());
    }
    return kOk;
  }
  v1::GetValuesRequest req;
  req.set_la(a.Get("la"));
  req.set_period(a.Get("period"));
  v1::GetValuesResponse resp;
  grpc::Status s = stub->GetValues(&c, req, &resp);
  if (!s.ok()) return Fail("indicators", s);
  if (a.Has("json")) {
    std::string out = absl::StrCat("{\"la\": ", Json(req.la()), ", \"period\": ", Json(req.period()), ", \"values\": {");
    bool first = true;
    for (const auto& p : resp.points()) {
      if (!p.has_value()) continue;
      absl::StrAppend(&out, first ? "" : ", ", Json(PointKey(p)), ": ", Num(p.value()));
      first = false;
    }
    std::printf("%s}}\n", out.c_str());
  } else {
    std::printf("%-28s %14s %12s %12s\n", "indicator", "value", "numerator", "denominator");
    for (const auto& p : resp.points()) {
      std::printf("%-28s %14s %12s %12s\n", PointKey(p).c_str(), p.has_value() ? Num(p.value()).c_str() : "n/a",
                  Num(p.numerator()).c_str(), p.denominator() ? Num(p.denominator()).c_str() : "");
    }
  }
  return kOk;
}

int Series(const Args& a) {
  if (a.Has("help")) {
    std::printf("usage: carestat series --la 301 --indicator referrals [--from 2010-11] [--to 2015-16]\n"
                "                       [--breakdown B] [--json] (--data DIR | --target HOST:PORT)\n\n"
                "Prints one indicator by financial year, with comparators where loaded.\n");
    return kOk;
  }
  if (auto p = a.Problem({"la", "indicator", "from", "to", "breakdown", "json", "data", "target", "help"}))
    return Usage("series", *p);
  if (!a.Has("la") || !a.Has("indicator")) return Usage("series", "--la and --indicator are required");
  SetLogQuiet(true);
  auto b = Connect(a, false);
  if (!b.ok()) return Usage("series", std::string(b.status().message()));
  auto stub = v1::Metrics::NewStub(b->channel);
  grpc::ClientContext c;
  c.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
  v1::GetSeriesRequest req;
  req.set_la(a.Get("la"));
  req.set_indicator(a.Get("indicator"));
  req.set_breakdown(a.Get("breakdown"));
  req.set_from(a.Get("from"));
  req.set_to(a.Get("to"));
  req.set_with_comparators(true);
  v1::GetSeriesResponse resp;
  grpc::Status s = stub->GetSeries(&c, req, &resp);
  if (!s.ok()) return Fail("series", s);
  if (a.Has("json")) {
    std::string out = absl::StrCat("{\"la\": ", Json(req.la()), ", \"indicator\": ", Json(req.indicator()),
                                   ", \"points\": [");
    bool first = true;
    for (const auto* list : {&resp.points(), &resp.comparators()}) {
      for (const auto& p : *list) {
        absl::StrAppend(&out, first ? "" : ", ", "{\"entity\": ", Json(p.entity()), ", \"period\": ",
                        Json(FormatPeriod(p.period())), ", \"value\": ", p.has_value() ? Num(p.value()) : "null",
                        ", \"numerator\": ", Num(p.numerator()), ", \"denominator\": ", Num(p.denominator()), "}");
        first = false;
      }
    }
    std::printf("%s]}\n", out.c_str());
  } else {
    std::printf("%-8s %-8s %14s\n", "entity", "period", "value");
    for (const auto* list : {&resp.points(), &resp.comparators()}) {
      for (const auto& p : *list) {
        std::printf("%-8s %-8s %14s\n", p.entity().c_str(), FormatPeriod(p.period()).c_str(),
                    p.has_value() ? Num(p.value()).c_str() : "n/a");
      }
    }
  }
  return kOk;
}

int Report(const Args& a) {
  const bool help = a.Has("help");
  if (help || a.positional().empty()) {
    std::printf("usage: carestat report annual --la 301 --year 2015-16 --format html|md|csv|json -o FILE\n"
                "                      (--data DIR | --target HOST:PORT)\n\n"
                "Builds the annual report from the indicators and writes it in one format.\n"
                "--target is a reporting server.\n");
    return help ? kOk : kUsage;
  }
  if (auto p = a.Problem({"la", "year", "format", "o", "data", "target", "help"})) return Usage("report", *p);
  if (a.positional()[0] != "annual") return Usage("report", "unknown report '" + a.positional()[0] + "': expected annual");
  if (!a.Has("la") || !a.Has("year") || !a.Has("o")) return Usage("report", "--la, --year and -o FILE are required");
  static const std::map<std::string, v1::Format> kFormats = {
      {"html", v1::HTML}, {"md", v1::MARKDOWN}, {"markdown", v1::MARKDOWN}, {"json", v1::JSON}, {"csv", v1::CSV}};
  auto f = kFormats.find(a.Get("format", "html"));
  if (f == kFormats.end()) return Usage("report", "--format must be html, md, csv or json");
  SetLogQuiet(true);
  auto b = Connect(a, true);
  if (!b.ok()) return Usage("report", std::string(b.status().message()));
  auto stub = v1::Reporting::NewStub(b->channel);
  v1::AnnualReport report;
  {
    grpc::ClientContext c;
    c.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
    v1::BuildAnnualReportRequest req;
    req.set_la(a.Get("la"));
    req.set_year(a.Get("year"));
    grpc::Status s = stub->BuildAnnualReport(&c, req, &report);
    if (!s.ok()) return Fail("report", s);
  }
  grpc::ClientContext c;
  c.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
  v1::RenderRequest req;
  *req.mutable_report() = report;
  req.set_format(f->second);
  v1::RenderResponse out;
  grpc::Status s = stub->Render(&c, req, &out);
  if (!s.ok()) return Fail("report", s);
  const std::string path = a.Get("o");
  if (path == "-") {
    std::fwrite(out.content().data(), 1, out.content().size(), stdout);
    return kOk;
  }
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file << out.content();
  if (!file) {
    std::fprintf(stderr, "carestat report: cannot write %s\n", path.c_str());
    return kUsage;
  }
  return kOk;
}

int Synth(const Args& a) {
  if (a.Has("help")) {
    std::printf("usage: carestat synth --profile barking-and-dagenham --out INBOX [--seed N]\n\n"
                "Writes a synthetic borough's returns (Annex A list 1 contacts and CIN census\n"
                "referrals for LA 301, collection years 2011-2016) into INBOX/301/<year>/.\n"
                "No real child is described. Deterministic for a seed.\n");
    return kOk;
  }
  if (auto p = a.Problem({"profile", "out", "seed", "las", "help"})) return Usage("synth", *p);
  if (!a.Has("out")) return Usage("synth", "--out INBOX is required");
  if (a.Has("las")) return Usage("synth", "--las (several LAs) is not available yet: only the one profile");
  SynthOptions o;
  o.profile = a.Get("profile", "barking-and-dagenham");
  o.out_dir = a.Get("out");
  if (a.Has("seed") && !absl::SimpleAtoi(a.Get("seed"), &o.seed)) return Usage("synth", "--seed must be a number");
  auto s = WriteSynthBorough(o);
  if (!s.ok()) {
    std::fprintf(stderr, "carestat synth: %s\n", std::string(s.status().message()).c_str());
    return kUsage;
  }
  std::printf("wrote %lld files to %s: %lld contacts, %lld referrals, %lld children\n",
              static_cast<long long>(s->files), o.out_dir.c_str(), static_cast<long long>(s->contacts),
              static_cast<long long>(s->referrals), static_cast<long long>(s->children));
  return kOk;
}

}  // namespace
}  // namespace carestat

int main(int argc, char** argv) {
  using namespace carestat;
  SetLogComponent("carestat");
  if (argc < 2 || std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h" ||
      std::string(argv[1]) == "help") {
    std::printf("%s", kMainHelp);
    return argc < 2 ? kUsage : kOk;
  }
  const std::string cmd = argv[1];
  Args a(argc, argv, {"help", "json", "list"}, 2);
  if (cmd == "run") return Run(a);
  if (cmd == "validate") return Validate(a);
  if (cmd == "indicators") return Indicators(a);
  if (cmd == "series") return Series(a);
  if (cmd == "report") return Report(a);
  if (cmd == "synth") return Synth(a);
  std::fprintf(stderr, "carestat: unknown command '%s'\n\n%s", cmd.c_str(), kMainHelp);
  return kUsage;
}
