// carestat: the command line for analysts and scripts.
//   carestat run --inbox DIR --out DIR [--data DIR]
//   carestat validate FILE... [--la 301] [--year 2025-26] [--rules 8500,1510] [--json | --format csv|xlsx -o FILE]
//   carestat indicators --la 301 --period 2015-16 [--json] (--data DIR | --target HOST:PORT)
//   carestat series --la 301 --indicator referrals [--from 2010-11] [--to 2015-16] [--json] (...)
//   carestat benchmark --la 301 [--indicator referral_rate] [--year 2015-16] [--json] (...)
//   carestat report annual|self-assessment --la 301 --year 2015-16 --format html|md|csv|json|xlsx|docx [--publish] -o FILE (...)
//   carestat narrative --la 301 --year 2015-16 -o FILE (...)   a draft of the council's narrative file
//   carestat synth --profile barking-and-dagenham --out INBOX [--seed N]
//   carestat synth --las 152 --out INBOX [--seed N] [--years 2016] [--scale F] [--annex-a 1|all]
//   carestat rekey (--data DIR | --ingestion-data DIR) --originals DIR[,DIR] [--dry-run] [--delete-old]
//   carestat verify --data DIR [--manifest PIPELINE_STATE/manifest.jsonl] [--json]
//   carestat init (--data DIR | --ingestion-data DIR | --metrics-data DIR | --reporting-data DIR)...
//   carestat backup --data DIR --to DEST;  carestat restore --from BACKUP --data NEWDIR
//   carestat children --la 301 --indicator cpp_ceased_2y_plus_pct --period 2015-16 [--json] (--data DIR | --target ...)
//   carestat pseudonymise (--data DIR | --ingestion-data DIR) --la 301 < ids.txt
//   carestat forecast --ssda903 DIR [--reference-start D --reference-end D] [--horizon-months 12] [--step-days 1] [--costs FILE] [--adjust FILE] [--json|--csv]
//   carestat health --target HOST:PORT [--service NAME] [--json]
//   carestat rules [--dataset cin|ssda903|annex-a|local-measures] [--year 2025-26] [--json] [--explain CODE]
// Exit codes: 0 success, 1 ran but found problems, 2 unusable input or arguments.
// Each command's flags are Abseil flags (cli_flags.h), read from argv[2] by the servers'
// parser (services/common/flags.h) against that command's own names; --flagfile for any.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <csignal>
#include <thread>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cerrno>
#include <cstring>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>

#include "absl/flags/flag.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/util/json_util.h"
#include "carestat/v1/ingestion.grpc.pb.h"
#include "carestat/v1/metrics.grpc.pb.h"
#include "carestat/v1/reporting.grpc.pb.h"
#include "pipeline/certs.h"
#include "pipeline/children.h"
#include "pipeline/cli_flags.h"
#include "pipeline/embedded.h"
#include "pipeline/forecast_cmd.h"
#include "pipeline/health_cmd.h"
#include "pipeline/inbox.h"
#include "pipeline/ingest_step.h"
#include "pipeline/rekey.h"
#include "pipeline/run_telemetry.h"
#include "pipeline/runner.h"
#include "pipeline/store_ops.h"
#include "synth/synth.h"
#include "pipeline/validate.h"
#include "pipeline/verify.h"
#include "services/common/dates.h"
#include "services/common/flags.h"
#include "services/common/json.h"
#include "services/common/log.h"
#include "services/common/security.h"
#include "services/common/server.h"
#include "services/common/version.h"
#include "services/reporting/web/web.h"
#include "services/ingestion/check.h"
#include "services/ingestion/formats/rules.h"
#include "services/reporting/render/pdf.h"
#include "services/reporting/reports/narrative.h"

namespace carestat {
namespace {

constexpr int kOk = 0, kProblems = 1, kUsage = 2;

const char kMainHelp[] =
    "carestat: children's social care returns in, indicators and annual reports out.\n\n"
    "usage: carestat COMMAND [flags]   (carestat COMMAND --help for each; carestat --version)\n\n"
    "  run         ingest an inbox, recompute, write reports (all services in this process)\n"
    "  pipeline    the scheduled run against running services: settle, archive, quarantine\n"
    "  validate    check return files offline and list their issues\n"
    "  indicators  print every indicator of an LA for a period\n"
    "  series      print one indicator over years\n"
    "  benchmark   an LA against England, its region, its neighbours and every LA (DfE's figures)\n"
    "  children    the children behind a figure, by pseudonym (role case)\n"
    "  pseudonymise  print the pseudonym of each child id read from standard input\n"
    "  report      build and render the annual report or the self-assessment\n"
    "  narrative   write a draft of the council's narrative for a report (docs/NARRATIVE.md)\n"
    "  synth       write a synthetic borough's (or a national year's) returns into an inbox\n"
    "  certs       make a local CA and TLS certificates for the servers and a client\n"
    "  token       make a bearer token for a principal and its tokens-file line\n"
    "  rekey       move stored returns to a new pseudonymisation key, from the originals\n"
    "  verify      check an ingestion store against its ledger and the pipeline's manifest\n"
    "  init        create the stores (and the pseudonymisation key) of a new data directory\n"
    "  backup      a consistent copy of a data directory, beside running servers\n"
    "  restore     put a backup back into a new data directory and check it whole\n"
    "  rules       list the validation rules carestat checks, or explain one\n"
    "  forecast    project looked-after children by placement and their cost (SSDA903 files)\n"
    "  health      whether a server is serving, and why not (exit 0 or 1, for healthchecks)\n\n"
    "Any command reads flags from a file with --flagfile FILE (one --name=value or --switch a\n"
    "line, # for comments), where it stands: flags after it override it.\n"
    "Exit codes: 0 success, 1 ran but found problems, 2 unusable input or arguments.\n";

int Usage(const std::string& cmd, const std::string& problem) {
  std::fprintf(stderr, "carestat %s: %s (see carestat %s --help)\n", cmd.c_str(), problem.c_str(), cmd.c_str());
  return kUsage;
}
int Usage(const std::string& cmd, const absl::Status& problem) { return Usage(cmd, std::string(problem.message())); }

// Shortest text that reads back as the same double.
std::string Num(double v) {
  if (!std::isfinite(v)) return "null";  // JSON has no NaN or Infinity
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

// A value as a table shows it to a reader: at most two decimal places, trailing zeros
// dropped (JSON gives the full value).
std::string Shown(double v) {
  std::string s = absl::StrFormat("%.2f", v);
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s == "-0" ? "0" : s;
}

// ---- run ----
int Run(int argc, char** argv) {
  const CommandLine a =
      ParseCommandFlags(argc, argv, {"inbox", "out", "data", "accept-loss", "serve", "http-listen", "tokens", "audit-log",
                                     "init", "verbose"});
  if (a.help) {
    std::printf("usage: carestat run --inbox DIR --out DIR [--data DIR] [--init] [--accept-loss] [--verbose]\n"
                "                    [--serve [--http-listen 127.0.0.1:PORT] [--tokens FILE [--audit-log FILE]]]\n\n"
                "Runs the ingestion, metrics and reporting services inside this process, ingests\n"
                "every file under INBOX/<LA>/<collection year>/, recomputes the indicators and\n"
                "writes each LA's latest annual report to OUT/<LA>/<year>/ (HTML, Markdown, JSON,\n"
                "CSV). Rejected files get a report in OUT/rejected/. DATA defaults to ./data and\n"
                "must hold the stores of an earlier run: a DATA that does not exist or holds none\n"
                "is refused (a mistyped path would start empty stores with a new pseudonymisation\n"
                "key); --init (or carestat init --data DATA) creates them there on purpose.\n"
                "Prints one summary line at the end (files, records, rule errors and queries, LAs,\n"
                "time), with a progress bar on a terminal; --verbose prints a line per file, per LA\n"
                "recomputed and per report instead of the bar. Problems are always printed (stderr).\n"
                "A store that lost returns it acknowledged is refused, naming them; --accept-loss\n"
                "goes on with what survives (recorded in DATA/ingestion/ledger.jsonl; see verify).\n"
                "Only regular files are read (links, FIFOs and folders are skipped and named). Two\n"
                "files for one return in one folder are both refused. A return the store no longer\n"
                "holds as this run's manifest recorded it is sent again from the inbox.\n"
                "--serve: afterwards, serves the dashboard and the JSON API on this machine\n"
                "(--http-listen, default 127.0.0.1:0, a free port; loopback only, no tokens: the\n"
                "embedded run is open to this machine's users, as its data directory is), prints\n"
                "the URL and serves until Ctrl-C or SIGTERM (docs/DASHBOARD.md).\n"
                "--tokens FILE: the dashboard asks for a token from FILE (made with carestat token)\n"
                "and gives each principal what its roles allow: a principal with the role case\n"
                "sees the children behind a figure. Every request is appended to --audit-log\n"
                "(default DATA/web-audit.jsonl: principal, page, LA, indicator and, for a list of\n"
                "children, how many were given out, never a pseudonym).\n"
                "Exit: 0 all ingested, 1 some file rejected, refused or skipped, 2 could not run\n"
                "(or an LA's reports could not be built: the others are still written).\n");
    return kOk;
  }
  if (!a.problem.ok()) return Usage("run", a.problem);
  if (!a.Has(FLAGS_inbox) || !a.Has(FLAGS_out)) return Usage("run", "--inbox DIR and --out DIR are required");
  const bool serve = absl::GetFlag(FLAGS_serve);
  if (a.Has(FLAGS_http_listen) && !serve) return Usage("run", "--http-listen goes with --serve");
  if (a.Has(FLAGS_tokens) && !serve) return Usage("run", "--tokens goes with --serve");
  if (a.Has(FLAGS_audit_log) && !a.Has(FLAGS_tokens)) {
    return Usage("run", "--audit-log goes with --tokens (an open dashboard names nobody to audit)");
  }
  const std::string http_listen = a.Get(FLAGS_http_listen, "127.0.0.1:0");
  if (serve) {
    if (!IsLoopbackAddress(http_listen)) {
      return Usage("run", "--http-listen " + http_listen +
                              ": the embedded run serves loopback only (127.0.0.1, ::1, localhost), in plaintext; to "
                              "serve other machines run carestat-reporting --http-listen with TLS and tokens "
                              "(docs/DASHBOARD.md)");
    }
    BlockStopSignals();   // before any thread starts: only the wait below takes Ctrl-C
  }
  const std::string data = a.Get(FLAGS_data, "data");
  if (!absl::GetFlag(FLAGS_init)) {
    if (auto s = RequireEmbeddedStores(data, "give --init (or run carestat init --data " + data + ")"); !s.ok()) {
      std::fprintf(stderr, "carestat run: %s\n", std::string(s.message()).c_str());
      return kUsage;
    }
  }
  SetLogQuiet(true);  // run prints its own lines: a summary, and a line per file with --verbose
  IngestorOptions ingestion;
  ingestion.accept_loss = absl::GetFlag(FLAGS_accept_loss);
  auto e = Embedded::Start(data, ingestion);
  if (!e.ok()) {
    std::fprintf(stderr, "carestat run: %s\n", std::string(e.status().message()).c_str());
    return kUsage;
  }
  // The dashboard's tokens and audit log (beside the stores, which exist now) are opened
  // before the run, so that a mistyped path is refused at once, not after every file.
  ServerSecurity security;
  security.plaintext = true;
  if (a.Has(FLAGS_tokens)) {
    security.tokens_file = a.Get(FLAGS_tokens);
    security.audit_log = a.Get(FLAGS_audit_log, data + "/web-audit.jsonl");
    if (absl::Status s = OpenSharedSecurity(&security); !s.ok()) return Usage("run", std::string(s.message()));
  }
  RunOptions o;
  o.ingest.inbox = a.Get(FLAGS_inbox);
  o.out_dir = a.Get(FLAGS_out);
  // The embedded run leaves the inbox as it is; its manifest lives with the data.
  o.ingest.state_dir = data + "/pipeline";
  o.ingest.quarantine_dir = o.out_dir + "/rejected";
  const bool verbose = absl::GetFlag(FLAGS_verbose);
  o.ingest.per_file = o.per_la = verbose;
  o.ingest.progress = !verbose && ::isatty(2);
  o.summary = true;
  const int code = RunPipeline((*e)->ingestion(), (*e)->metrics(), (*e)->reporting(), o);
  if (!absl::GetFlag(FLAGS_serve)) return code;
  WebOptions web_options;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(o.ingest.inbox, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.size() == 3 && std::all_of(name.begin(), name.end(), ::isdigit)) web_options.las.push_back(name);
  }
  std::sort(web_options.las.begin(), web_options.las.end());
  auto web = WebServer::Start(http_listen, security, (*e)->metrics(), (*e)->reporting(), web_options);
  if (!web.ok()) {
    std::fprintf(stderr, "carestat run: %s\n", std::string(web.status().message()).c_str());
    return kUsage;
  }
  std::printf("carestat run: the dashboard is at %s (%sCtrl-C to stop)\n", (*web)->url().c_str(),
              a.Has(FLAGS_tokens) ? "sign in with a token of the tokens file; " : "open to this machine's users; ");
  std::fflush(stdout);
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGTERM);
  sigaddset(&stop, SIGINT);
  int sig = 0;
  sigwait(&stop, &sig);
  (*web)->Stop();
  return code;
}

// ---- pipeline ----
volatile std::sig_atomic_t g_stop = 0;
void OnStopSignal(int) { g_stop = 1; }

int Pipeline(int argc, char** argv) {
  std::set<std::string> known = {"inbox", "out", "ingestion", "metrics", "reporting", "state", "archive",
                                 "quarantine", "settle", "attempts", "loop", "wait", "metrics-listen",
                                 "metrics-file"};
  known.insert(ClientSecurityFlags().begin(), ClientSecurityFlags().end());
  const CommandLine a = ParseCommandFlags(argc, argv, known);
  if (a.help) {
    std::printf("usage: carestat pipeline --inbox DIR --out DIR --ingestion HOST:PORT --metrics HOST:PORT\n"
                "                         --reporting HOST:PORT [--state DIR] [--archive DIR] [--quarantine DIR]\n"
                "                         [--settle SECONDS] [--attempts N] [--loop SECONDS] [--wait]\n"
                "                         [client TLS and token flags]\n\n"
                "The scheduled ingestion: takes the complete files under INBOX/<LA>/<year>/ (not\n"
                "modified for --settle seconds, default 30, or marked FILE.ready after it was written,\n"
                "the marker leaving with the file; regular files only:\n"
                "links, FIFOs and folders are skipped and named), skips a file whose content is\n"
                "already the current version of its own return in ingestion, refuses a return that two\n"
                "files in one folder compete for (both stay in the inbox), uploads each other file\n"
                "(retrying while a service is busy or unavailable; such a file is never quarantined),\n"
                "moves it to the archive or to the quarantine with a report beside it (0600 files in\n"
                "0700 folders), sends again from the archive any return the store no longer holds as\n"
                "the manifest recorded it, recomputes the LAs that changed and writes each LA's\n"
                "reports to OUT (an LA that fails does not stop the others). A lock stops two\n"
                "runs overlapping (--wait waits for it). Defaults: --state OUT/state,\n"
                "--archive OUT/archive, --quarantine OUT/quarantine. --loop repeats the run\n"
                "every N seconds until SIGTERM or SIGINT, which stop it between runs (a run in\n"
                "progress finishes first; the exit code is then the last run's).\n"
                "Exit: 0 all ingested, 1 some file quarantined, refused or skipped, or a lost return\n"
                "whose archived copy is gone, 2 could not run (or an LA's reports were not written).\n"
                "Runs by outcome for Prometheus: --metrics-listen HOST:PORT serves them while this\n"
                "command runs (with --loop; its port on the first line); --metrics-file FILE writes them\n"
                "after each run for node_exporter's textfile collector (FILE ending .prom).\n"
                "--flagfile FILE reads flags from FILE, one per line as --name=value or --switch (# for\n"
                "comments), where it stands: flags after it override it (the systemd unit's\n"
                "/etc/carestat/carestat-pipeline.flags).\n\n%s",
                ClientSecurityHelp().c_str());
    return kOk;
  }
  if (!a.problem.ok()) return Usage("pipeline", a.problem);
  for (const char* f : {"inbox", "out", "ingestion", "metrics", "reporting"}) {
    if (!a.Has(f)) return Usage("pipeline", std::string("--") + f + " is required");
  }
  RunOptions o;
  o.out_dir = a.Get(FLAGS_out);
  o.ingest.inbox = a.Get(FLAGS_inbox);
  // Kept under OUT: a hardened service may write only there and to the inbox.
  const std::string base = o.out_dir;
  o.ingest.state_dir = a.Get(FLAGS_state, base + "/state");
  o.ingest.archive_dir = a.Get(FLAGS_archive, base + "/archive");
  o.ingest.quarantine_dir = a.Get(FLAGS_quarantine, base + "/quarantine");
  o.ingest.move_files = true;
  o.ingest.progress = ::isatty(2);
  o.ingest.per_file = !o.ingest.progress;
  // Abseil has parsed the numbers; the ranges are carestat's.
  o.ingest.settle_seconds = absl::GetFlag(FLAGS_settle);
  o.ingest.max_attempts = absl::GetFlag(FLAGS_attempts);
  const int loop = absl::GetFlag(FLAGS_loop);
  if (o.ingest.settle_seconds < 0 || o.ingest.max_attempts < 1 || loop < 0) {
    return Usage("pipeline", "--settle, --attempts and --loop take whole numbers");
  }
  auto security = ClientSecurityFromFlagsOrEnv(a);
  if (!security.ok()) return Usage("pipeline", std::string(security.status().message()));
  std::shared_ptr<grpc::Channel> channels[3];
  const absl::Flag<std::optional<std::string>>* targets[3] = {&FLAGS_ingestion, &FLAGS_metrics, &FLAGS_reporting};
  for (int i = 0; i < 3; ++i) {
    auto c = Dial(a.Get(*targets[i]), *security);
    if (!c.ok()) return Usage("pipeline", std::string(c.status().message()));
    channels[i] = *c;
  }
  auto lock = RunLock::Acquire(o.ingest.state_dir + "/run.lock", absl::GetFlag(FLAGS_wait));
  if (!lock.ok()) {
    std::fprintf(stderr, "carestat pipeline: %s\n", std::string(lock.status().message()).c_str());
    return kUsage;
  }
  RunTelemetry telemetry;
  if (auto s = telemetry.Start(a.Get(FLAGS_metrics_listen), a.Get(FLAGS_metrics_file)); !s.ok()) {
    return Usage("pipeline", std::string(s.message()));
  }
  if (telemetry.port() != 0) {
    std::printf("carestat pipeline metrics listening on %s:%d\n",
                a.Get(FLAGS_metrics_listen).substr(0, a.Get(FLAGS_metrics_listen).rfind(':')).c_str(), telemetry.port());
    std::fflush(stdout);
  }
  auto run = [&] { return telemetry.Count([&] { return RunPipeline(channels[0], channels[1], channels[2], o); }); };
  if (loop == 0) return run();
  // Looping: SIGTERM or SIGINT stops it between runs (a run in progress finishes first,
  // so no file is left half-handled); the exit code is the last run's.
  std::signal(SIGTERM, OnStopSignal);
  std::signal(SIGINT, OnStopSignal);
  for (;;) {
    int code = run();
    if (g_stop) {
      std::fprintf(stderr, "carestat pipeline: stopped after a run that ended with %d\n", code);
      return code;
    }
    std::fprintf(stderr, "carestat pipeline: run ended with %d; next in %d s\n", code, loop);
    for (int i = 0; i < loop * 10 && !g_stop; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    if (g_stop) {
      std::fprintf(stderr, "carestat pipeline: stopped\n");
      return code;
    }
  }
}

// ---- validate ----
int Validate(int argc, char** argv) {
  const CommandLine a = ParseCommandFlags(
      argc, argv, {"la", "collection-year", "year", "rules", "json", "format", "o", "previous", "postcodes", "providers"});
  if (a.help || a.positional.empty()) {
    std::printf("usage: carestat validate FILE... [--la 301] [--year 2025-26 | --collection-year 2016]\n"
                "                         [--rules 8500,1510] [--json | --format text|json|csv|xlsx [-o FILE]]\n"
                "                         [--previous LAST_YEAR_HEADER.csv,LAST_YEAR_EPISODES.csv,... | auto]\n"
                "                         [--postcodes NSPL.csv] [--providers CHILDRENS_HOMES.xlsx,SCP.xlsx]\n\n"
                "Detects each file's format, reads it whole and writes every issue as it is found,\n"
                "then a summary (children, records per kind, errors, queries, the count of each\n"
                "rule: exact, however many issues). Nothing is stored. LA and year come from the\n"
                "flags or from an inbox path INBOX/<LA>/<year>/FILE; --year (a financial year like\n"
                "2025-26 or a collection year like 2026) overrides the folder's year. --rules reports\n"
                "only the rules listed (an issue that makes a file unreadable is always reported).\n"
                "--format csv or xlsx -o FILE writes one row per issue (child as in the file, rule,\n"
                "severity, message, field, line, file); the workbook has a Summary sheet by rule.\n"
                "--json (or --format json) streams {\"files\": [...], \"summary\": {...}} to stdout.\n"
                "An SSDA903 return's CSV tables are checked together against DfE's rules once all\n"
                "are read; --previous gives last year's tables, for the rules that compare the two\n"
                "(--previous auto: for files in an inbox folder INBOX/<LA>/<year>/, the SSDA903 tables\n"
                "of INBOX/<LA>/<year - 1>/ when it exists).\n"
                "--postcodes (the ONS postcode lookup, NSPL or ONSPD CSV) runs the SSDA903 rules on\n"
                "DfE's placement LA, location and distance; --providers (Ofsted's children's homes and\n"
                "social care providers lists, XLSX or CSV) the rules on Ofsted URNs. Without them those\n"
                "rules do not run, and the output names them.\n"
                "Exit: 0 no errors, 1 errors found, 2 a file is unusable (cannot be read whole) or\n"
                "the output cannot be written.\n");
    return a.help ? kOk : kUsage;
  }
  if (!a.problem.ok()) return Usage("validate", a.problem);
  ValidateOptions o;
  o.files = a.positional;
  o.la = a.Get(FLAGS_la);
  if (a.Has(FLAGS_collection_year) && a.Has(FLAGS_year)) {
    return Usage("validate", "give --year or --collection-year, not both");
  }
  if (a.Has(FLAGS_collection_year)) o.year = absl::GetFlag(FLAGS_collection_year);
  if (a.Has(FLAGS_year)) {
    std::string problem;
    auto y = ParseValidateYear(a.Get(FLAGS_year), &problem);
    if (!y) return Usage("validate", problem);
    o.year = *y;
  }
  if (a.Has(FLAGS_rules)) {
    for (absl::string_view r : absl::StrSplit(a.Get(FLAGS_rules), ',', absl::SkipWhitespace())) {
      o.rules.insert(std::string(absl::StripAsciiWhitespace(r)));
    }
    if (o.rules.empty()) return Usage("validate", "--rules needs rule codes, like --rules 8500,1510");
  }
  if (a.Get(FLAGS_previous) == "auto") {
    o.previous_from_inbox = true;
  } else {
    for (absl::string_view f : absl::StrSplit(a.Get(FLAGS_previous), ',', absl::SkipWhitespace())) {
      o.previous.emplace_back(absl::StripAsciiWhitespace(f));
    }
  }
  if (a.Has(FLAGS_previous) && o.previous.empty() && o.previous_from_inbox)
    return Usage("validate", "--previous needs last year's files, like --previous 2025/header.csv,2025/episodes.csv");
  o.postcodes = std::string(absl::StripAsciiWhitespace(a.Get(FLAGS_postcodes)));
  if (a.Has(FLAGS_postcodes) && o.postcodes.empty())
    return Usage("validate", "--postcodes needs the ONS postcode lookup, like --postcodes NSPL_MAY_2025_UK.csv");
  for (absl::string_view f : absl::StrSplit(a.Get(FLAGS_providers), ',', absl::SkipWhitespace())) {
    o.providers.emplace_back(absl::StripAsciiWhitespace(f));
  }
  if (a.Has(FLAGS_providers) && o.providers.empty())
    return Usage("validate", "--providers needs Ofsted's provider lists, like --providers homes.xlsx,scp.xlsx");
  const std::string format = a.Get(FLAGS_format, absl::GetFlag(FLAGS_json) ? "json" : "text");
  if (absl::GetFlag(FLAGS_json) && format != "json") return Usage("validate", "--json and --format " + format + " disagree");
  if (format == "text") o.output = ValidateOutput::kText;
  else if (format == "json") o.output = ValidateOutput::kJson;
  else if (format == "csv") o.output = ValidateOutput::kCsv;
  else if (format == "xlsx") o.output = ValidateOutput::kXlsx;
  else return Usage("validate", "--format must be text, json, csv or xlsx");
  o.out_path = a.Get(FLAGS_o);
  const bool to_file = o.output == ValidateOutput::kCsv || o.output == ValidateOutput::kXlsx;
  if (to_file && o.out_path.empty()) return Usage("validate", "--format " + format + " needs -o FILE");
  if (!to_file && !o.out_path.empty()) return Usage("validate", "-o FILE is for --format csv or xlsx");
  return RunValidate(o, stdout, stderr);
}

// ---- services for the read commands: --data DIR (embedded) or --target HOST:PORT ----
struct Backend {
  std::unique_ptr<Embedded> embedded;
  std::shared_ptr<grpc::Channel> channel;
};

// --target: TLS verified against --tls-ca (or CARESTAT_TLS_CA; the system's CAs without
// either, plaintext only for a loopback target), a client certificate from
// --tls-client-cert/--tls-client-key (or CARESTAT_TLS_CLIENT_CERT/_KEY), and the bearer
// token from --token-file (or CARESTAT_TOKEN, or CARESTAT_TOKEN_FILE).
absl::StatusOr<Backend> Connect(const CommandLine& a, bool reporting) {
  Backend b;
  if (a.Has(FLAGS_target)) {
    auto security = ClientSecurityFromFlagsOrEnv(a);
    if (!security.ok()) return security.status();
    auto channel = Dial(a.Get(FLAGS_target), *security);
    if (!channel.ok()) return channel.status();
    b.channel = *channel;
    return b;
  }
  if (!a.Has(FLAGS_data)) return absl::InvalidArgumentError("give --data DIR (as used by run) or --target HOST:PORT");
  if (auto s = RequireEmbeddedStores(a.Get(FLAGS_data), "run carestat run --init --data " + a.Get(FLAGS_data) + " first");
      !s.ok()) {
    return s;
  }
  auto e = Embedded::Start(a.Get(FLAGS_data));
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

int Indicators(int argc, char** argv) {
  std::set<std::string> known = {"la", "period", "json", "data", "target", "list"};
  known.insert(ClientSecurityFlags().begin(), ClientSecurityFlags().end());
  const CommandLine a = ParseCommandFlags(argc, argv, known);
  if (a.help) {
    std::printf("usage: carestat indicators --la 301 --period 2015-16 [--json] (--data DIR | --target HOST:PORT)\n"
                "       carestat indicators --list [--json] (--data DIR | --target HOST:PORT)\n\n"
                "Prints every indicator that has a value for the LA and period (a financial year\n"
                "2015-16 or a month 2015-06), unrounded. --list prints the catalogue. --target is\n"
                "a metrics server.\n");
    return kOk;
  }
  if (!a.problem.ok()) return Usage("indicators", a.problem);
  const bool list = absl::GetFlag(FLAGS_list);
  if (!list && (!a.Has(FLAGS_la) || !a.Has(FLAGS_period))) return Usage("indicators", "--la and --period are required");
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
      // The last column: how DfE publishes it (reference/lait_mapping.csv); then whether
      // `series --monthly` and `--rolling` have figures of it.
      std::printf("%-24s %-14s %-5s %s  [DfE: %s]%s%s\n", d.id().c_str(), d.unit().c_str(), d.polarity().c_str(),
                  d.name().c_str(), d.dfe_status().c_str(), d.monthly() ? " [months]" : "",
                  d.rolling() ? " [rolling 12 months]" : "");
    }
    return kOk;
  }
  v1::GetValuesRequest req;
  req.set_la(a.Get(FLAGS_la));
  req.set_period(a.Get(FLAGS_period));
  v1::GetValuesResponse resp;
  grpc::Status s = stub->GetValues(&c, req, &resp);
  if (!s.ok()) return Fail("indicators", s);
  if (absl::GetFlag(FLAGS_json)) {
    Json out = {{"la", req.la()}, {"period", req.period()}, {"values", Json::object()}};
    for (const auto& p : resp.points()) {
      if (p.has_value()) out["values"][PointKey(p)] = JsonNumber(p.value());
    }
    std::printf("%s\n", JsonLine(out).c_str());
  } else {
    std::printf("%-28s %14s %12s %12s\n", "indicator", "value", "numerator", "denominator");
    for (const auto& p : resp.points()) {
      std::printf("%-28s %14s %12s %12s\n", PointKey(p).c_str(), p.has_value() ? Shown(p.value()).c_str() : "n/a",
                  Num(p.numerator()).c_str(), p.denominator() ? Num(p.denominator()).c_str() : "");
    }
  }
  return kOk;
}

int Series(int argc, char** argv) {
  std::set<std::string> known = {"la",   "indicator", "from",   "to",      "breakdown",
                                 "json", "data",      "target", "monthly", "rolling"};
  known.insert(ClientSecurityFlags().begin(), ClientSecurityFlags().end());
  const CommandLine a = ParseCommandFlags(argc, argv, known);
  if (a.help) {
    std::printf("usage: carestat series --la 301 --indicator referrals [--from 2010-11] [--to 2015-16]\n"
                "                       [--breakdown B] [--monthly | --rolling] [--json]\n"
                "                       (--data DIR | --target HOST:PORT)\n\n"
                "Prints one indicator by financial year, with comparators where loaded; --monthly\n"
                "prints its calendar months instead (April of --from to March after --to), for an\n"
                "indicator computed per month; --rolling the rolling 12 months at each of those month\n"
                "ends (period 2014-07 to 2015-06; the one ending in March is the year), for a flow,\n"
                "its rate or a share of events (`carestat indicators --list` says which). An indicator\n"
                "with months but no yearly figure (like lac_month_end) prints its months. No figure\n"
                "at all is an error (exit 1).\n");
    return kOk;
  }
  if (!a.problem.ok()) return Usage("series", a.problem);
  if (absl::GetFlag(FLAGS_monthly) && absl::GetFlag(FLAGS_rolling)) return Usage("series", "give --monthly or --rolling, not both");
  if (!a.Has(FLAGS_la) || !a.Has(FLAGS_indicator)) return Usage("series", "--la and --indicator are required");
  SetLogQuiet(true);
  auto b = Connect(a, false);
  if (!b.ok()) return Usage("series", std::string(b.status().message()));
  auto stub = v1::Metrics::NewStub(b->channel);
  grpc::ClientContext c;
  c.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
  v1::GetSeriesRequest req;
  req.set_la(a.Get(FLAGS_la));
  req.set_indicator(a.Get(FLAGS_indicator));
  req.set_breakdown(a.Get(FLAGS_breakdown));
  req.set_from(a.Get(FLAGS_from));
  req.set_to(a.Get(FLAGS_to));
  req.set_with_comparators(true);
  req.set_monthly(absl::GetFlag(FLAGS_monthly));
  req.set_rolling(absl::GetFlag(FLAGS_rolling));
  v1::GetSeriesResponse resp;
  grpc::Status s = stub->GetSeries(&c, req, &resp);
  if (!s.ok()) return Fail("series", s);
  if (resp.points().empty() && !req.monthly() && !req.rolling()) {
    // An indicator counted only per month (lac_month_end) has no yearly points: its
    // months are the answer, rather than an empty table.
    v1::GetSeriesRequest months = req;
    months.set_monthly(true);
    v1::GetSeriesResponse by_month;
    grpc::ClientContext c2;
    c2.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
    if (stub->GetSeries(&c2, months, &by_month).ok() && !by_month.points().empty()) {
      req = months;
      resp = std::move(by_month);
    }
  }
  if (resp.points().empty()) {
    std::fprintf(stderr, "carestat series: no figure of %s for LA %s%s%s%s%s\n", req.indicator().c_str(),
                 req.la().c_str(), req.monthly() ? " by month" : req.rolling() ? " over rolling 12 months" : "",
                 req.breakdown().empty() ? "" : " (breakdown ",
                 req.breakdown().empty() ? "" : (req.breakdown() + ")").c_str(),
                 req.from().empty() && req.to().empty()
                     ? ""
                     : absl::StrCat(" between ", req.from().empty() ? "the first year" : req.from(), " and ",
                                    req.to().empty() ? "the last" : req.to()).c_str());
    return kProblems;
  }
  if (absl::GetFlag(FLAGS_json)) {
    Json out = {{"la", req.la()}, {"indicator", req.indicator()}, {"by", req.monthly() ? "month" : req.rolling() ? "rolling 12 months" : "year"},
                {"points", Json::array()}};
    for (const auto* list : {&resp.points(), &resp.comparators()}) {
      for (const auto& p : *list) {
        Json point = {{"entity", p.entity()}, {"period", FormatPeriod(p.period())},
                      {"value", p.has_value() ? JsonNumber(p.value()) : Json()},
                      {"numerator", JsonNumber(p.numerator())}, {"denominator", JsonNumber(p.denominator())}};
        // A month's "period" (2011-12) would read back as a year: "month" is what
        // `carestat children --month` takes (with --rolling for a window).
        if (p.period().kind() != v1::Period::FINANCIAL_YEAR) point["month"] = MonthParameter(p.period());
        out["points"].push_back(std::move(point));
      }
    }
    std::printf("%s\n", JsonLine(out).c_str());
  } else {
    const int width = req.rolling() ? 18 : 8;  // "2014-07 to 2015-06"
    std::printf("%-8s %-*s %14s\n", "entity", width, "period", "value");
    for (const auto* list : {&resp.points(), &resp.comparators()}) {
      for (const auto& p : *list) {
        std::printf("%-8s %-*s %14s\n", p.entity().c_str(), width, FormatPeriod(p.period()).c_str(),
                    p.has_value() ? Shown(p.value()).c_str() : "n/a");
      }
    }
  }
  return kOk;
}

// ---- benchmark ----
std::string Ordinal(int n) {
  const int t = n % 100;
  const char* suffix = (t >= 11 && t <= 13) ? "th" : n % 10 == 1 ? "st" : n % 10 == 2 ? "nd" : n % 10 == 3 ? "rd" : "th";
  return absl::StrCat(n, suffix);
}

// ---- children, pseudonymise: child-level, for `case` principals ----
int Children(int argc, char** argv) {
  std::set<std::string> known = {"la", "indicator", "period", "month", "rolling", "breakdown", "json", "data", "target",
                                 "audit-log"};
  known.insert(ClientSecurityFlags().begin(), ClientSecurityFlags().end());
  const CommandLine a = ParseCommandFlags(argc, argv, known);
  if (a.help) {
    std::printf("usage: carestat children --la 301 --indicator cpp_ceased_2y_plus_pct\n"
                "                         (--period 2015-16 | --month 2015-06 [--rolling])\n"
                "                         [--breakdown category=NEG] [--json]\n"
                "                         (--data DIR [--audit-log FILE] | --target HOST:PORT [client flags])\n\n"
                "Lists the children behind a count or a percentage of an LA for a financial year\n"
                "(--period 2015-16), a month of a monthly indicator (--month 2015-06; --month\n"
                "2011-12 is December 2011, which --period 2011-12, the year, cannot name), or the\n"
                "12 months ending with a month of an indicator with rolling figures (--month\n"
                "2015-06 --rolling: July 2014 to June 2015; a child counted in several of its\n"
                "months is listed once where the figure counts children), by pseudonym, with the\n"
                "dates and codes that placed each in the numerator or the denominator: counted by\n"
                "the same computation as the figure, from the records ingestion holds now, so the\n"
                "numerator list has the figure's numerator entries and the denominator list its\n"
                "denominator. The header names the figure, numerator and denominator. Rates per\n"
                "10,000, means of days and local measures have no children behind them and are\n"
                "refused, saying why.\n"
                "--target is a metrics server: the token needs the `case` role, and the server's\n"
                "audit log records the call. With --data (an embedded install) the call is appended\n"
                "to DIR/case-audit.jsonl (or --audit-log FILE) before anything is printed: LA,\n"
                "indicator, period and the number of children, never a pseudonym.\n"
                "`carestat pseudonymise` maps the council's own ids to the pseudonyms shown.\n"
                "Exit: 0 listed, 1 the server refused or failed, 2 bad arguments or no such figure.\n\n%s",
                ClientSecurityHelp().c_str());
    return kOk;
  }
  if (!a.problem.ok()) return Usage("children", a.problem);
  if (!a.Has(FLAGS_la) || !a.Has(FLAGS_indicator)) {
    return Usage("children", "--la and --indicator are required, with --period or --month");
  }
  if (a.Has(FLAGS_period) && a.Get(FLAGS_period).empty()) return Usage("children", "--period needs a value");
  if (a.Has(FLAGS_month) && a.Get(FLAGS_month).empty()) return Usage("children", "--month needs a value");
  if (!a.positional.empty()) {
    return Usage("children", "unexpected '" + a.positional[0] + "': --rolling takes no value: --month 2015-06 --rolling");
  }
  const bool rolling = absl::GetFlag(FLAGS_rolling);
  auto asked = PeriodAsked(a.Get(FLAGS_period), a.Get(FLAGS_month), rolling, {"--period", "--month", "--rolling"});
  if (!asked.ok()) return Usage("children", std::string(asked.status().message()));
  if (a.Has(FLAGS_audit_log) && !a.Has(FLAGS_data)) {
    return Usage("children", "--audit-log is for --data: a metrics server (--target) keeps its own audit log");
  }
  SetLogQuiet(true);
  LocalAudit audit;
  if (a.Has(FLAGS_data)) {
    audit.path = a.Get(FLAGS_audit_log, a.Get(FLAGS_data) + "/case-audit.jsonl");
    audit.method = "/carestat.v1.Metrics/ListChildren";
    audit.la = a.Get(FLAGS_la);
    audit.indicator = a.Get(FLAGS_indicator);
    audit.period = DescribePeriod(*asked);
    if (absl::Status s = OpenLocalAudit(audit.path); !s.ok()) {
      return Usage("children", absl::StrCat(s.message(), ": nothing is listed without an audit line"));
    }
  }
  auto b = Connect(a, false);
  if (!b.ok()) return Usage("children", std::string(b.status().message()));
  auto stub = v1::Metrics::NewStub(b->channel);
  grpc::ClientContext c;
  c.set_deadline(std::chrono::system_clock::now() + std::chrono::minutes(10));
  v1::ListChildrenRequest req;
  req.set_la(a.Get(FLAGS_la));
  req.set_indicator(a.Get(FLAGS_indicator));
  // The period whole, and as text only where the text reads back as it: an older server
  // then refuses a December month or a window rather than list the year.
  *req.mutable_exact_period() = *asked;
  req.set_period(PeriodAsText(*asked));
  req.set_breakdown(a.Get(FLAGS_breakdown));
  v1::ListChildrenResponse resp;
  grpc::Status s = stub->ListChildren(&c, req, &resp);
  if (!audit.path.empty()) {
    audit.code = s.error_code();
    if (s.ok()) audit.children = resp.children_returned();
    if (absl::Status w = WriteLocalAudit(audit); !w.ok()) {
      std::fprintf(stderr, "carestat children: %s: nothing is listed without an audit line\n",
                   std::string(w.message()).c_str());
      return kProblems;
    }
  }
  if (!s.ok()) {
    std::fprintf(stderr, "carestat children: %s\n", s.error_message().c_str());
    return s.error_code() == grpc::NOT_FOUND || s.error_code() == grpc::INVALID_ARGUMENT ||
                   s.error_code() == grpc::FAILED_PRECONDITION
               ? kUsage
               : kProblems;
  }
  const std::string out =
      absl::GetFlag(FLAGS_json) ? ChildrenJson(resp) : ChildrenText(resp, req.la(), DescribePeriod(*asked));
  std::fwrite(out.data(), 1, out.size(), stdout);
  return kOk;
}

int Forecast(int argc, char** argv) {
  std::set<std::string> connect_flags = {"data", "target"};
  connect_flags.insert(ClientSecurityFlags().begin(), ClientSecurityFlags().end());
  return ForecastCommand(argc, argv, connect_flags, [](const CommandLine& a) -> absl::StatusOr<ForecastRpc> {
    SetLogQuiet(true);
    auto b = Connect(a, false);
    if (!b.ok()) return b.status();
    auto backend = std::make_shared<Backend>(*std::move(b));
    return ForecastRpc([backend](const v1::ForecastRequest& req, v1::ForecastResponse* resp) {
      auto stub = v1::Metrics::NewStub(backend->channel);
      grpc::ClientContext c;
      c.set_deadline(std::chrono::system_clock::now() + std::chrono::minutes(30));
      return stub->Forecast(&c, req, resp);
    });
  });
}

int Pseudonymise(int argc, char** argv) {
  const CommandLine a = ParseCommandFlags(argc, argv, {"data", "ingestion-data", "la", "audit-log"});
  if (a.help) {
    std::printf("usage: carestat pseudonymise (--data DIR | --ingestion-data DIR) --la 301 [--audit-log FILE]\n"
                "                             < ids.txt\n\n"
                "Reads the council's own child identifiers, one per line, from standard input and\n"
                "prints each with the pseudonym ingestion stores it under (\"id<TAB>pseudonym\"), using\n"
                "the store's key (DIR/ingestion/hmac.key, or DIR/hmac.key of --ingestion-data): so it\n"
                "runs where ingestion's store is, and the pseudonyms `carestat children` lists can be\n"
                "mapped back to the council's records there. Blanks around an id are trimmed and\n"
                "blank lines skipped. Each run is appended to DIR/case-audit.jsonl (or --audit-log\n"
                "FILE) with the LA and the number of ids, never the ids.\n"
                "Exit: 0 printed, 2 no key, unreadable input or no audit log (nothing printed).\n");
    return kOk;
  }
  if (!a.problem.ok()) return Usage("pseudonymise", a.problem);
  if (a.Has(FLAGS_data) == a.Has(FLAGS_ingestion_data)) {
    return Usage("pseudonymise", "give one of --data DIR or --ingestion-data DIR");
  }
  if (!a.Has(FLAGS_la)) return Usage("pseudonymise", "--la is required: an identifier is pseudonymised within its LA");
  const std::string dir = a.Has(FLAGS_data) ? a.Get(FLAGS_data) + "/ingestion" : a.Get(FLAGS_ingestion_data);
  LocalAudit audit;
  audit.path = a.Get(FLAGS_audit_log, (a.Has(FLAGS_data) ? a.Get(FLAGS_data) : dir) + "/case-audit.jsonl");
  audit.method = "carestat pseudonymise";
  audit.la = a.Get(FLAGS_la);
  if (absl::Status s = OpenLocalAudit(audit.path); !s.ok()) {
    return Usage("pseudonymise", absl::StrCat(s.message(), ": nothing is printed without an audit line"));
  }
  std::ostringstream out;
  auto n = PseudonymiseIds(dir, a.Get(FLAGS_la), std::cin, out);
  audit.code = n.ok() ? grpc::OK : static_cast<int>(n.status().code());
  if (n.ok()) audit.children = *n;
  if (absl::Status w = WriteLocalAudit(audit); !w.ok()) {
    std::fprintf(stderr, "carestat pseudonymise: %s: nothing is printed without an audit line\n",
                 std::string(w.message()).c_str());
    return kUsage;
  }
  if (!n.ok()) {
    std::fprintf(stderr, "carestat pseudonymise: %s\n", std::string(n.status().message()).c_str());
    return kUsage;
  }
  const std::string text = out.str();
  std::fwrite(text.data(), 1, text.size(), stdout);
  return kOk;
}

int BenchmarkCommand(int argc, char** argv) {
  std::set<std::string> known = {"la", "indicator", "year", "json", "data", "target"};
  known.insert(ClientSecurityFlags().begin(), ClientSecurityFlags().end());
  const CommandLine a = ParseCommandFlags(argc, argv, known);
  if (a.help) {
    std::printf(
        "usage: carestat benchmark --la 301 [--indicator referral_rate] [--year 2015-16] [--json]\n"
        "                          (--data DIR | --target HOST:PORT)\n\n"
        "Places the LA among every LA on DfE's published figures (LAIT): its value, England,\n"
        "its region, its statistical neighbours' average (how many of ten had a figure),\n"
        "its rank of N (1 = best; only where DfE gives the indicator a polarity), LAIT's\n"
        "quartile band (A best) and the change from the year before. Beside them the\n"
        "council's own figure computed from its returns, when metrics holds it: the\n"
        "difference from DfE's, or, for a year DfE has not published, where it would rank.\n"
        "Without --indicator every indicator of the catalogue; without --year each\n"
        "indicator's latest year DfE published. A value \"-\" is one DfE did not publish\n"
        "(suppressed or not collected), \"not held\" a year LAIT has no row for, \"not an\n"
        "LA\" a code that was not an LA that year. Where metrics holds other LAs' returns,\n"
        "a note gives the same comparators computed from them (never mixed with DfE's):\n"
        "England and the region only when every one of their LAs is loaded, the\n"
        "neighbours only when all ten are, and the rank among the loaded LAs.\n"
        "--target is a metrics server.\n"
        "Exit: 0 printed, 1 the server failed, 2 an unknown LA, indicator or year.\n");
    return kOk;
  }
  if (!a.problem.ok()) return Usage("benchmark", a.problem);
  if (!a.positional.empty()) return Usage("benchmark", "unexpected argument '" + a.positional.front() + "'");
  if (!a.Has(FLAGS_la) || a.Get(FLAGS_la).empty()) return Usage("benchmark", "--la is required");
  SetLogQuiet(true);
  auto b = Connect(a, false);
  if (!b.ok()) return Usage("benchmark", std::string(b.status().message()));
  auto stub = v1::Metrics::NewStub(b->channel);
  grpc::ClientContext c;
  c.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
  v1::GetBenchmarkRequest req;
  req.set_la(a.Get(FLAGS_la));
  req.set_indicator(a.Get(FLAGS_indicator));
  req.set_year(a.Get(FLAGS_year));
  v1::GetBenchmarkResponse resp;
  grpc::Status s = stub->GetBenchmark(&c, req, &resp);
  if (!s.ok()) return Fail("benchmark", s);
  if (absl::GetFlag(FLAGS_json)) {
    std::string out;
    google::protobuf::util::JsonPrintOptions o;
    o.preserve_proto_field_names = true;
    auto st = MessageJson(resp, o, &out);
    if (!st.ok()) {
      std::fprintf(stderr, "carestat benchmark: %s\n", std::string(st.message()).c_str());
      return kProblems;
    }
    std::printf("%s\n", out.c_str());
    return kOk;
  }
  auto opt = [](bool has, double v) { return has ? Shown(v) : std::string("-"); };
  const std::string name = resp.benchmarks_size() ? resp.benchmarks(0).la_name() : "";
  const std::string region = resp.benchmarks_size() ? resp.benchmarks(0).region_name() : "";
  std::printf("LA %s %s; region %s (%s). DfE's published figures (LAIT); \"computed\" is the council's own.\n\n",
              req.la().c_str(), name.c_str(), region.c_str(),
              resp.benchmarks_size() ? resp.benchmarks(0).region_code().c_str() : "");
  std::printf("%-40s %-7s %9s %9s %9s %14s %9s %2s %-10s %9s %9s\n", "indicator", "year", "value", "England",
              "region", "neighbours", "rank", "Q", "direction", "computed", "diff");
  std::vector<std::string> notes;
  // The comparators computed from the loaded LAs' returns, apart from DfE's.
  auto loaded_note = [&](const v1::LaBenchmark& r) {
    if (!r.has_loaded()) return;
    const auto& l = r.loaded();
    std::string note = absl::StrCat(r.indicator(), " ", r.period(), ": from the returns of the ", l.las_with_figure(),
                                    " loaded LAs with a figure (not DfE's): England ");
    absl::StrAppend(&note, l.has_england() ? Shown(l.england())
                                           : absl::StrCat("not computed (", l.las_with_figure(), " of ", l.las(), " LAs)"));
    absl::StrAppend(&note, ", region ", l.has_region() ? Shown(l.region())
                                                       : absl::StrCat("not computed (", l.region_las_with_figure(),
                                                                      " of ", l.region_las(), " LAs)"));
    absl::StrAppend(&note, ", neighbours ", l.has_neighbours_average()
                                                ? Shown(l.neighbours_average())
                                                : absl::StrCat("not computed (", l.neighbours_with_figure(), " of 10)"));
    if (l.rank()) absl::StrAppend(&note, ", rank ", Ordinal(l.rank()), " of ", l.rank_of(), " loaded");
    if (!l.quartile().empty()) absl::StrAppend(&note, ", quartile ", l.quartile(), " among them");
    notes.push_back(note);
  };
  for (const auto& r : resp.benchmarks()) {
    if (r.status() != "mapped" && r.status() != "DfE release") {
      std::printf("%-40s %s\n", r.indicator().c_str(), r.status().c_str());
      loaded_note(r);
      continue;
    }
    std::string value = r.has_published() ? Shown(r.published())
                        : !r.la_existed()  ? "not an LA"
                        : r.published_text().empty() ? "not held" : r.published_text();
    std::string sn = r.has_neighbours_average()
                         ? absl::StrCat(Shown(r.neighbours_average()), " (", r.neighbours_with_value(), "/",
                                        r.neighbours_listed(), ")")
                         : "-";
    std::string rank = r.rank() ? absl::StrCat(r.rank(), "/", r.rank_of()) : "-";
    std::string dir = r.direction().empty() ? "-" : r.travel().empty() ? r.direction() : r.travel();
    std::string diff = "-";
    for (const auto& rec : r.reconciliation()) {
      if (rec.period() != r.period()) continue;
      diff = Shown(rec.difference());
      if (diff != "0" && diff[0] != '-') diff = "+" + diff;
    }
    std::printf("%-40s %-7s %9s %9s %9s %14s %9s %2s %-10s %9s %9s\n", r.indicator().c_str(), r.period().c_str(),
                value.c_str(), opt(r.has_england(), r.england()).c_str(), opt(r.has_region(), r.region()).c_str(),
                sn.c_str(), rank.c_str(), r.quartile().empty() ? "-" : r.quartile().c_str(), dir.c_str(),
                opt(r.has_computed(), r.computed()).c_str(), diff.c_str());
    if (r.has_placement()) {
      const auto& p = r.placement();
      std::string where = p.rank() ? absl::StrCat("it would rank ", Ordinal(p.rank()), " of ", p.rank_of())
                                   : absl::StrCat("among ", p.rank_of(), " LAs (no rank: DfE gives no polarity)");
      if (!p.quartile().empty()) absl::StrAppend(&where, ", quartile ", p.quartile());
      if (p.outside_range()) absl::StrAppend(&where, " (beyond every published figure)");
      notes.push_back(absl::StrCat(r.indicator(), " ", r.period(), ": the council's ", Shown(r.computed()), ": ",
                                   where, ", on ", p.period(), "'s published figures"));
    }
    loaded_note(r);
    if (!req.indicator().empty()) {
      for (const auto& rec : r.reconciliation()) {
        notes.push_back(absl::StrCat(r.indicator(), " ", rec.period(), ": computed ", Shown(rec.computed()),
                                     ", DfE ", Shown(rec.published()), ", difference ", Shown(rec.difference()),
                                     rec.reason().empty() ? " (agrees within DfE's rounding)" : ": " + rec.reason()));
      }
    }
  }
  if (!notes.empty()) std::printf("\n");
  for (const auto& n : notes) std::printf("%s\n", n.c_str());
  return kOk;
}

// Reads a narrative file and stores it with reporting (PutNarrative), which checks it
// against both reports first: an error names the file, line and heading.
int PutNarrativeFile(v1::Reporting::Stub& stub, const std::string& path, const std::string& la,
                     const std::string& year, const std::string& cmd) {
  auto fd = OpenRegularFile(path);
  if (!fd.ok()) return Usage(cmd, absl::StrCat("--narrative ", path, ": ", fd.status().message()));
  std::string text;
  char buf[65536];
  for (ssize_t n; (n = ::read(fd->get(), buf, sizeof buf)) != 0;) {
    if (n < 0) return Usage(cmd, absl::StrCat("--narrative ", path, ": cannot read it"));
    text.append(buf, static_cast<size_t>(n));
    if (text.size() > (1 << 20)) return Usage(cmd, absl::StrCat("--narrative ", path, ": larger than 1 MiB"));
  }
  v1::PutNarrativeRequest req;
  req.set_la(la);
  req.set_year(year);
  req.set_text(text);
  req.set_file_name(std::filesystem::path(path).filename().string());
  v1::PutNarrativeResponse resp;
  grpc::ClientContext c;
  c.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(120));
  grpc::Status s = stub.PutNarrative(&c, req, &resp);
  if (!s.ok()) return Fail(cmd, s);
  if (resp.stale_sentences() > 0) {
    std::fprintf(stderr, "carestat %s: %d sentence(s) of %s quote a figure that has changed: marked stale in the "
                 "report and listed in its notes\n", cmd.c_str(), resp.stale_sentences(), path.c_str());
  }
  return kOk;
}

int Narrative(int argc, char** argv) {
  const CommandLine a = ParseCommandFlags(
      argc, argv,
      {"la", "year", "o", "data", "target", "force", "tls-ca", "tls-client-cert", "tls-client-key", "token-file"});
  if (a.help) {
    std::printf(
        "usage: carestat narrative --la 301 --year 2015-16 -o FILE [--force]\n"
        "                          (--data DIR | --target HOST:PORT)\n\n"
        "Writes a starting draft of the council's narrative file for the annual report and the\n"
        "self-evaluation: front matter for the Cabinet cover sheet, recommendations and reasons\n"
        "(each TODO to fill), and for each table and figure sentences generated from its figures\n"
        "('The number of contacts received rose by 34%% to 11,393 ...'), each figure marked\n"
        "{{table1/contacts/2015-16 = 11,393}} so a later change marks its sentence stale. Edit it,\n"
        "then: carestat report annual ... --narrative FILE. See docs/NARRATIVE.md.\n"
        "  -o FILE   where to write (- for standard output); an existing FILE is kept unless --force\n");
    return kOk;
  }
  if (!a.problem.ok()) return Usage("narrative", a.problem);
  if (!a.Has(FLAGS_la) || !a.Has(FLAGS_year) || !a.Has(FLAGS_o)) {
    return Usage("narrative", "--la, --year and -o FILE are required");
  }
  SetLogQuiet(true);
  auto b = Connect(a, true);
  if (!b.ok()) return Usage("narrative", std::string(b.status().message()));
  auto stub = v1::Reporting::NewStub(b->channel);
  v1::AnnualReport annual;
  v1::SelfAssessment sa;
  {
    grpc::ClientContext c;
    c.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(120));
    v1::BuildAnnualReportRequest req;
    req.set_la(a.Get(FLAGS_la));
    req.set_year(a.Get(FLAGS_year));
    if (grpc::Status s = stub->BuildAnnualReport(&c, req, &annual); !s.ok()) return Fail("narrative", s);
  }
  {
    grpc::ClientContext c;
    c.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(120));
    v1::BuildSelfAssessmentRequest req;
    req.set_la(a.Get(FLAGS_la));
    req.set_year(a.Get(FLAGS_year));
    if (grpc::Status s = stub->BuildSelfAssessment(&c, req, &sa); !s.ok()) return Fail("narrative", s);
  }
  const std::string draft = DraftNarrative(annual, &sa);
  const std::string path = a.Get(FLAGS_o);
  if (path == "-") {
    std::fwrite(draft.data(), 1, draft.size(), stdout);
    return kOk;
  }
  // An analyst's edited narrative is never overwritten by a fresh draft by accident.
  const int flags = O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC | (absl::GetFlag(FLAGS_force) ? O_TRUNC : O_EXCL);
  const int fd = ::open(path.c_str(), flags, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return Usage("narrative", path + " exists: give --force to replace it with a new draft");
    return Usage("narrative", "cannot write " + path);
  }
  const bool ok = ::write(fd, draft.data(), draft.size()) == static_cast<ssize_t>(draft.size());
  ::close(fd);
  if (!ok) return Usage("narrative", "cannot write " + path);
  return kOk;
}

int Report(int argc, char** argv) {
  // --publish is a switch: it never takes the next word as its value.
  const CommandLine a = ParseCommandFlags(argc, argv, {"la", "year", "format", "o", "data", "target", "publish",
                                                       "tls-ca", "tls-client-cert", "tls-client-key", "token-file",
                                                       "narrative"});
  const std::vector<std::string>& positional = a.positional;
  const bool publish = absl::GetFlag(FLAGS_publish);

  const bool help = a.help;
  if (help || positional.empty()) {
    std::printf(
        "usage: carestat report annual|self-assessment --la 301 --year 2015-16\n"
        "                       --format html|md|csv|json|xlsx|docx [--publish] -o FILE\n"
        "                       [--narrative FILE] (--data DIR | --target HOST:PORT)\n\n"
        "Builds a report from the indicators and writes it in one format.\n"
        "  annual           the Cabinet annual report: Tables 1, 2 and 4, Figures 1-4 and the\n"
        "                   figures its text quotes, with comparators, targets and ratings\n"
        "  self-assessment  the Ofsted annual self-evaluation in ILACS's three judgement areas:\n"
        "                   what we know (strengths, areas for focus, figures to watch), how we\n"
        "                   know it (indicators over three years against comparators and DfE's\n"
        "                   published figures; audit, voices and workforce slots; data quality)\n"
        "                   and the plans for the next 12 months\n"
        "  --format         html (one self-contained file with charts; default), md, json\n"
        "                   (Protobuf JSON), xlsx (a sheet per table), docx (Word: the HTML's\n"
        "                   sections, tables and charts) or csv (a file per table)\n"
        "  --publish        DfE disclosure control: counts 1 to 5, and rates and percentages\n"
        "                   whose numerator is 1 to 5, show as c, with secondary suppression.\n"
        "                   Without it the report is internal and shows every figure.\n"
        "  -o FILE          where to write; - writes to standard output. For csv, -o names a\n"
        "                   directory or a prefix: an existing directory, or a path ending in /,\n"
        "                   gets one file per table (DIR/table1.csv, DIR/facts.csv, ...) and\n"
        "                   DIR/all-tables.csv with every table in one long file (table, row,\n"
        "                   column, value); anything else is a prefix: -o out/annual writes\n"
        "                   out/annual-table1.csv, ... and out/annual.csv (the long file).\n"
        "                   With -o - only the long file is written, to standard output.\n"
        "  --format pdf     the html printed to A4 by headless Chromium on this machine (the\n"
        "                   server renders the html): apt-get install chromium, or name a\n"
        "                   browser in $CARESTAT_CHROMIUM. See docs/PDF.md.\n"
        "  --narrative FILE the council's narrative for the LA and year (cover sheet,\n"
        "                   recommendations, reasons, text beside each table and figure,\n"
        "                   implications; carestat narrative writes a draft): checked, then stored\n"
        "                   by reporting so every later report of the year carries it. A sentence\n"
        "                   quoting a figure that has changed since is marked stale. docs/NARRATIVE.md\n"
        "  --data DIR       run the services in this process on DATA (as carestat run does)\n"
        "  --target H:P     a reporting server (with --tls-ca, --tls-client-cert, --tls-client-key\n"
        "                   and --token-file as for the other commands)\n");
    return help ? kOk : kUsage;
  }
  if (!a.problem.ok()) return Usage("report", a.problem);
  const std::string kind = positional[0];
  if (kind != "annual" && kind != "self-assessment")
    return Usage("report", "unknown report '" + kind + "': expected annual or self-assessment");
  if (positional.size() > 1) return Usage("report", "unexpected argument '" + positional[1] + "'");
  if (!a.Has(FLAGS_la) || !a.Has(FLAGS_year) || !a.Has(FLAGS_o)) {
    return Usage("report", "--la, --year and -o FILE are required");
  }
  // PDF is printed here from the server's HTML (render/pdf.h says why): the service is
  // asked for HTML. Without a browser say so now, before the report is built.
  std::string format = a.Get(FLAGS_format, "html");
  const bool pdf = format == "pdf";
  if (pdf) {
    if (auto c = FindChromium(); !c.ok()) {
      std::fprintf(stderr, "carestat report: %s\n", std::string(c.status().message()).c_str());
      return kProblems;
    }
    format = "html";
  }
  static const std::map<std::string, v1::Format> kFormats = {
      {"html", v1::HTML}, {"md", v1::MARKDOWN}, {"markdown", v1::MARKDOWN}, {"json", v1::JSON},
      {"csv", v1::CSV},   {"xlsx", v1::XLSX}, {"docx", v1::DOCX}};
  auto f = kFormats.find(format);
  if (f == kFormats.end()) return Usage("report", "--format must be html, md, csv, json, xlsx, docx or pdf");
  SetLogQuiet(true);

  // The reporting service: a server at --target, or embedded on --data.
  auto backend = Connect(a, true);
  if (!backend.ok()) return Usage("report", std::string(backend.status().message()));
  std::unique_ptr<Embedded> embedded = std::move(backend->embedded);
  std::shared_ptr<grpc::Channel> channel = backend->channel;
  auto stub = v1::Reporting::NewStub(channel);
  if (a.Has(FLAGS_narrative)) {
    // Stored first, so this report and every later one of the year carry it.
    const int code = PutNarrativeFile(*stub, a.Get(FLAGS_narrative), a.Get(FLAGS_la), a.Get(FLAGS_year), "report");
    if (code != kOk) return code;
  }
  v1::RenderRequest req;
  {
    grpc::ClientContext c;
    c.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(120));
    grpc::Status s;
    if (kind == "annual") {
      v1::BuildAnnualReportRequest build;
      build.set_la(a.Get(FLAGS_la));
      build.set_year(a.Get(FLAGS_year));
      s = stub->BuildAnnualReport(&c, build, req.mutable_report());
    } else {
      v1::BuildSelfAssessmentRequest build;
      build.set_la(a.Get(FLAGS_la));
      build.set_year(a.Get(FLAGS_year));
      s = stub->BuildSelfAssessment(&c, build, req.mutable_self_assessment());
    }
    if (!s.ok()) return Fail("report", s);
  }
  req.set_format(f->second);
  req.set_publish(publish);
  v1::RenderResponse out;
  {
    grpc::ClientContext c;
    c.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(120));
    grpc::Status s = stub->Render(&c, req, &out);
    if (!s.ok()) return Fail("report", s);
  }
  if (pdf) {
    auto printed = HtmlToPdf(out.content());
    if (!printed.ok()) {
      std::fprintf(stderr, "carestat report: %s\n", std::string(printed.status().message()).c_str());
      return kProblems;
    }
    out.set_content(*std::move(printed));
  }
  const std::string path = a.Get(FLAGS_o);
  if (path == "-") {
    std::fwrite(out.content().data(), 1, out.content().size(), stdout);
    return kOk;
  }
  auto write = [](const std::string& file, const std::string& bytes) {
    std::ofstream w(file, std::ios::binary | std::ios::trunc);
    w << bytes;
    w.close();
    if (!w) std::fprintf(stderr, "carestat report: cannot write %s\n", file.c_str());
    return static_cast<bool>(w);
  };
  if (pdf) {
    // Written beside the target and renamed onto it, so a failed write leaves no half a PDF.
    const std::string part = absl::StrCat(path, ".part-", ::getpid());
    if (!write(part, out.content()) || std::rename(part.c_str(), path.c_str()) != 0) {
      std::error_code ec;
      std::filesystem::remove(part, ec);
      std::fprintf(stderr, "carestat report: cannot write %s\n", path.c_str());
      return kUsage;
    }
    return kOk;
  }
  if (f->second != v1::CSV) return write(path, out.content()) ? kOk : kUsage;
  // CSV: a directory or a prefix (see --help).
  std::error_code ec;
  const bool directory = std::filesystem::is_directory(path, ec) || path.back() == '/';
  std::filesystem::create_directories(directory ? std::filesystem::path(path)
                                                : std::filesystem::path(path).parent_path(), ec);
  const std::string base = directory ? (std::filesystem::path(path) / "").string() : path + "-";
  if (!write(directory ? base + "all-tables.csv" : path + ".csv", out.content())) return kUsage;
  for (const auto& file : out.files()) {
    if (!write(base + file.name(), file.content())) return kUsage;
  }
  return kOk;
}

int Synth(int argc, char** argv) {
  const CommandLine a = ParseCommandFlags(argc, argv, {"profile", "out", "seed", "las", "years", "scale", "annex-a", "threads"});
  if (a.help) {
    std::printf("usage: carestat synth --profile barking-and-dagenham --out INBOX [--seed N]\n"
                "       carestat synth --las N --out INBOX [--seed N] [--years 2016|2011-2016|2014,2016|2023-2027]\n"
                "                      [--scale F] [--annex-a 1|all] [--threads N]\n\n"
                "With --profile: a synthetic borough's returns for LA 301, collection years\n"
                "2011-2016, into INBOX/301/<year>/ (CIN census, SSDA903 tables, Annex A lists 1\n"
                "to 10, local measures), calibrated to the figures the council published.\n"
                "With --las: N of England's 152 LAs (all of them for 152) of realistic, varied\n"
                "sizes into INBOX/<LA>/<year>/ (CIN census, SSDA903 tables, Annex A list 1, or\n"
                "lists 1 to 10 with --annex-a all), by default for 2015-16 (--years 2016); at\n"
                "--scale 1 all 152 give about 650,000 referrals, 400,000 children in need and\n"
                "80,000 children looked after. --years takes 2011 to 2016, or 2023 to 2027 (not\n"
                "both): a later year is an LA simulated twelve years earlier with every date moved\n"
                "on twelve years and written with that year's codes (sex M/F from 2024-25, no H5\n"
                "or P2 placements from 2025-26); weekdays are not kept.\n"
                "--threads (default 2) does not change the bytes.\n"
                "No real child is described. Deterministic for a seed.\n");
    return kOk;
  }
  if (!a.problem.ok()) return Usage("synth", a.problem);
  if (!a.Has(FLAGS_out)) return Usage("synth", "--out INBOX is required");
  const uint64_t seed = absl::GetFlag(FLAGS_seed).value_or(1);
  if (a.Has(FLAGS_las)) {
    if (a.Has(FLAGS_profile)) return Usage("synth", "give --profile (one borough) or --las (a national year), not both");
    NationalOptions o;
    o.out_dir = a.Get(FLAGS_out);
    o.seed = seed;
    // Abseil has parsed the numbers; WriteSynthNational checks their ranges.
    o.las = absl::GetFlag(FLAGS_las);
    if (a.Has(FLAGS_scale)) o.scale = absl::GetFlag(FLAGS_scale);
    if (a.Has(FLAGS_threads)) o.threads = absl::GetFlag(FLAGS_threads);
    const std::string lists = a.Get(FLAGS_annex_a, "1");
    if (lists != "1" && lists != "all") return Usage("synth", "--annex-a must be 1 (list 1 only) or all (lists 1 to 10)");
    o.annex_a_lists = lists == "all";
    if (a.Has(FLAGS_years)) {
      o.years.clear();
      for (absl::string_view part : absl::StrSplit(a.Get(FLAGS_years), ',', absl::SkipEmpty())) {
        std::vector<std::string> range = absl::StrSplit(part, absl::MaxSplits('-', 1));
        int from = 0, to = 0;
        if (!absl::SimpleAtoi(range[0], &from) || !absl::SimpleAtoi(range.back(), &to) || to < from) {
          return Usage("synth", "--years takes collection years: 2016, 2011-2016, 2014,2016 or 2023-2027");
        }
        for (int y = from; y <= to && y - from < 100; ++y) o.years.push_back(y);
      }
    }
    auto s = WriteSynthNational(o);
    if (!s.ok()) {
      std::fprintf(stderr, "carestat synth: %s\n", std::string(s.status().message()).c_str());
      return kUsage;
    }
    std::printf("wrote %lld files (%.1f MB) for %zu LAs to %s: %lld contacts, %lld referrals; at the last 31 March "
                "%lld children in need, %lld looked after, %lld on a plan\n",
                static_cast<long long>(s->files), s->bytes / 1e6, s->las.size(), o.out_dir.c_str(),
                static_cast<long long>(s->contacts), static_cast<long long>(s->referrals),
                static_cast<long long>(s->cin_year_end), static_cast<long long>(s->lac_year_end),
                static_cast<long long>(s->cpp_year_end));
    return kOk;
  }
  if (a.Has(FLAGS_years) || a.Has(FLAGS_scale) || a.Has(FLAGS_annex_a) || a.Has(FLAGS_threads)) {
    return Usage("synth", "--years, --scale, --annex-a and --threads go with --las");
  }
  SynthOptions o;
  o.profile = a.Get(FLAGS_profile, "barking-and-dagenham");
  o.out_dir = a.Get(FLAGS_out);
  o.seed = seed;
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

// ---- certs, token ----
int Certs(int argc, char** argv) {
  const CommandLine a = ParseCommandFlags(argc, argv, {"out", "hosts", "principal", "days"});
  if (a.help) {
    std::printf("usage: carestat certs --out DIR [--hosts a.example,10.0.0.5] [--principal NAME] [--days N]\n\n"
                "Makes a local certificate authority (DIR/ca.pem, DIR/ca.key; reused if DIR already has\n"
                "them), a server certificate for localhost, 127.0.0.1, ::1 and --hosts (DIR/server.pem,\n"
                "DIR/server.key) and a client certificate whose subject CN is --principal (default\n"
                "carestat; DIR/client.pem, DIR/client.key). Keys are written with mode 0600. Leaf\n"
                "certificates are valid for --days (default 397), the CA for ten years.\n"
                "Never commit these files; keep ca.key off the servers.\n");
    return kOk;
  }
  if (!a.problem.ok()) return Usage("certs", a.problem);
  if (!a.Has(FLAGS_out)) return Usage("certs", "--out DIR is required");
  CertsOptions o;
  o.out_dir = a.Get(FLAGS_out);
  for (absl::string_view h : absl::StrSplit(a.Get(FLAGS_hosts), ',', absl::SkipEmpty())) o.hosts.emplace_back(h);
  o.principal = a.Get(FLAGS_principal, o.principal);
  if (a.Has(FLAGS_days)) o.days = absl::GetFlag(FLAGS_days);
  auto r = MakeCerts(o);
  if (!r.ok()) {
    std::fprintf(stderr, "carestat certs: %s\n", std::string(r.status().message()).c_str());
    return kUsage;
  }
  if (r->reused_ca) std::printf("reused the CA in %s\n", o.out_dir.c_str());
  for (const auto& f : r->written) std::printf("wrote %s\n", f.c_str());
  const std::string d = o.out_dir;
  std::printf("\nservers:  --tls-cert %s/server.pem --tls-key %s/server.key [--tls-client-ca %s/ca.pem]\n"
              "clients:  --tls-ca %s/ca.pem [--tls-client-cert %s/client.pem --tls-client-key %s/client.key]\n"
              "Never commit these files.\n",
              d.c_str(), d.c_str(), d.c_str(), d.c_str(), d.c_str(), d.c_str());
  return kOk;
}

int Token(int argc, char** argv) {
  const CommandLine a = ParseCommandFlags(argc, argv, {"principal", "roles"});
  if (a.help) {
    std::printf("usage: carestat token --principal NAME --roles ingest,read,admin,service\n\n"
                "Prints a new random bearer token once, and the line to add to the tokens file\n"
                "(--tokens) of each server the principal calls: the file keeps only the token's\n"
                "SHA-256. Roles: ingest (Upload, ListReturns, GetIssues), read (indicators, series,\n"
                "reports, ListReturns, GetIssues without child detail), admin (Recompute,\n"
                "PutReferenceData, PutLocalMeasures and all of read), service (StreamRecords,\n"
                "ListReturns: metrics), case (ListChildren: the children behind a figure, by\n"
                "pseudonym; never implied by another role, give it to named people only).\n"
                "To revoke, append ' revoked' to the line; servers re-read the file within seconds.\n");
    return kOk;
  }
  if (!a.problem.ok()) return Usage("token", a.problem);
  if (!a.Has(FLAGS_principal) || !a.Has(FLAGS_roles)) return Usage("token", "--principal NAME and --roles R[,R] are required");
  auto t = MakeTokenLine(a.Get(FLAGS_principal), a.Get(FLAGS_roles));
  if (!t.ok()) return Usage("token", std::string(t.status().message()));
  std::printf("token (shown once; store it in a file with mode 0600 for --token-file, or in CARESTAT_TOKEN):\n"
              "%s\n\n"
              "line for the tokens file of each server it calls:\n"
              "%s\n",
              t->token.c_str(), t->line.c_str());
  return kOk;
}

int Rekey(int argc, char** argv) {
  const CommandLine a =
      ParseCommandFlags(argc, argv, {"data", "ingestion-data", "originals", "dry-run", "delete-old"});
  if (a.help) {
    std::printf("usage: carestat rekey (--data DIR | --ingestion-data DIR) --originals DIR[,DIR...]\n"
                "                      [--dry-run] [--delete-old]\n\n"
                "Moves stored returns to a new pseudonymisation (HMAC) key. Pseudonyms are one-way, so\n"
                "every stored return is ingested again from its original file, found by its SHA-256\n"
                "under the --originals folders (the pipeline's archive, or the inbox of `carestat run`),\n"
                "into a new directory with a new key. The two are compared return by return (records,\n"
                "children, errors) and indicator by indicator; only when they agree is the new\n"
                "directory swapped in. The old directory, with the old key, is kept beside it as\n"
                "DIR.pre-rekey-<time> for you to delete once checked (--delete-old deletes it).\n"
                "--data DIR is an embedded install (DIR/ingestion; its metrics are recomputed after);\n"
                "--ingestion-data DIR is a stopped ingestion server's data directory. Stop the\n"
                "pipeline and the ingestion service first. --dry-run only checks the originals.\n"
                "Exit: 0 re-keyed (or dry run clean), 1 originals missing or results differ (nothing\n"
                "changed), 2 could not run. See docs/SECURITY.md.\n");
    return kOk;
  }
  if (!a.problem.ok()) return Usage("rekey", a.problem);
  if (a.Has(FLAGS_data) == a.Has(FLAGS_ingestion_data)) return Usage("rekey", "give one of --data DIR or --ingestion-data DIR");
  if (!a.Has(FLAGS_originals)) return Usage("rekey", "--originals DIR[,DIR...] is required");
  RekeyOptions o;
  o.ingestion_dir = a.Has(FLAGS_data) ? a.Get(FLAGS_data) + "/ingestion" : a.Get(FLAGS_ingestion_data);
  for (absl::string_view d : absl::StrSplit(a.Get(FLAGS_originals), ',', absl::SkipEmpty())) o.originals.emplace_back(d);
  o.dry_run = absl::GetFlag(FLAGS_dry_run);
  o.delete_old = absl::GetFlag(FLAGS_delete_old);
  auto r = carestat::Rekey(o);
  if (!r.ok()) {
    std::fprintf(stderr, "carestat rekey: %s\n", std::string(r.status().message()).c_str());
    return kUsage;
  }
  std::printf("%d stored returns\n", r->returns);
  if (!r->missing.empty()) {
    std::printf("no original found for %zu returns; nothing changed:\n", r->missing.size());
    for (const auto& m : r->missing) std::printf("  %s\n", m.c_str());
    return kProblems;
  }
  if (o.dry_run) {
    std::printf("every return's original was found; run again without --dry-run to re-key\n");
    return kOk;
  }
  if (!r->mismatches.empty()) {
    std::printf("re-ingesting under a new key did not give the same results; nothing changed:\n");
    for (const auto& m : r->mismatches) std::printf("  %s\n", m.c_str());
    return kProblems;
  }
  std::printf("re-ingested %d returns under a new key; %d indicator values compared, all equal\n",
              r->returns, r->indicator_points_compared);
  if (r->checks_dropped > 0) {
    std::printf("%d checks of SSDA903 tables together left behind (their children were pseudonyms of the old "
                "key): the next pipeline run makes them again\n",
                r->checks_dropped);
  }
  std::printf("the new key is in use in %s\n", o.ingestion_dir.c_str());
  if (!r->old_dir.empty()) {
    std::printf("the old directory and key are kept in %s: delete it once checked, and note when the\n"
                "last backup holding the old key expires (docs/SECURITY.md)\n", r->old_dir.c_str());
  }
  if (a.Has(FLAGS_data)) {
    auto e = Embedded::Start(a.Get(FLAGS_data));
    if (!e.ok()) {
      std::fprintf(stderr, "carestat rekey: re-keyed, but cannot start to recompute: %s\n",
                   std::string(e.status().message()).c_str());
      return kProblems;
    }
    auto ing = v1::Ingestion::NewStub((*e)->ingestion());
    auto met = v1::Metrics::NewStub((*e)->metrics());
    grpc::ClientContext lc;
    v1::ListReturnsRequest lreq;
    v1::ListReturnsResponse lresp;
    if (auto s = ing->ListReturns(&lc, lreq, &lresp); !s.ok()) return Fail("rekey", s);
    std::set<std::string> las;
    for (const auto& ret : lresp.returns()) las.insert(ret.la());
    for (const auto& la : las) {
      grpc::ClientContext c;
      v1::RecomputeRequest req;
      req.set_la(la);
      v1::RecomputeResponse resp;
      if (auto s = met->Recompute(&c, req, &resp); !s.ok()) return Fail("rekey", s);
    }
    std::printf("recomputed the indicators of %zu LAs\n", las.size());
  }
  return kOk;
}


// ---- verify ----
int Verify(int argc, char** argv) {
  const CommandLine a = ParseCommandFlags(argc, argv, {"data", "manifest", "json"});
  if (a.help) {
    std::printf("usage: carestat verify --data DIR [--manifest PIPELINE_STATE/manifest.jsonl] [--json]\n\n"
                "Checks an ingestion store against what it should hold: reads every stored return's\n"
                "records and counts them by kind against the return's summary; compares the store with\n"
                "the acknowledgement ledger beside it (DIR/ledger.jsonl: every return the server told a\n"
                "client it stored) and, with --manifest, with the pipeline's manifest. Prints each\n"
                "return that is missing, older than acknowledged or damaged, and the file to send again\n"
                "(the manifest names where the file was found). DIR is the ingestion server's --data, or\n"
                "an embedded install's --data (its DIR/pipeline/manifest.jsonl is then read too).\n"
                "The store is opened read-only and may be checked beside a running server, but returns\n"
                "stored during the check may show as not yet in the ledger: stop ingestion for a\n"
                "definitive answer. A store whose write-ahead log is damaged is checked as it would\n"
                "survive the damage.\n"
                "Exit: 0 all whole, 1 something is missing or damaged, 2 could not run.\n");
    return kOk;
  }
  if (!a.problem.ok()) return Usage("verify", a.problem);
  if (!a.Has(FLAGS_data)) return Usage("verify", "--data DIR is required");
  SetLogQuiet(true);
  VerifyOptions o;
  o.data_dir = a.Get(FLAGS_data);
  o.manifest = a.Get(FLAGS_manifest, "");
  auto r = VerifyStore(o);
  if (!r.ok()) {
    std::fprintf(stderr, "carestat verify: %s\n", std::string(r.status().message()).c_str());
    return kUsage;
  }
  if (absl::GetFlag(FLAGS_json)) {
    Json out = {{"data", r->data_dir},           {"manifest", r->manifest},
                {"returns_held", r->returns_held}, {"ledger_returns", r->ledger_returns},
                {"manifest_returns", r->manifest_returns}, {"log_damaged", r->log_damaged},
                {"damage", r->damage},             {"problems", Json::array()}};
    for (const auto& p : r->problems) {
      out["problems"].push_back(
          {{"return_id", p.return_id}, {"problem", p.problem}, {"detail", p.detail}, {"send_again", p.send_again}});
    }
    out["notes"] = r->notes;
    out["whole"] = r->problems.empty();
    std::printf("%s\n", JsonLine(out).c_str());
    return r->problems.empty() ? kOk : kProblems;
  }
  std::printf("%s: %d returns held; the ledger records %d", r->data_dir.c_str(), r->returns_held, r->ledger_returns);
  if (!r->manifest.empty()) std::printf(", the manifest %d", r->manifest_returns);
  std::printf("\n");
  if (r->log_damaged) {
    std::printf("the write-ahead log is damaged: ingestion will not start on this store as it is\n  %s\n"
                "checked as it would survive the damage:\n", r->damage.c_str());
  }
  for (const auto& n : r->notes) std::printf("note: %s\n", n.c_str());
  if (r->problems.empty()) {
    std::printf("every return is whole and holds what was acknowledged\n");
    return kOk;
  }
  std::printf("%zu returns are missing or damaged; send these files again:\n", r->problems.size());
  for (const auto& p : r->problems) {
    std::printf("  %s (%s): %s\n    send again: %s\n", p.return_id.c_str(), p.problem.c_str(), p.detail.c_str(),
                p.send_again.empty() ? "(file not known)" : p.send_again.c_str());
  }
  return kProblems;
}


// ---- init, backup, restore (pipeline/store_ops.h) ----
int Init(int argc, char** argv) {
  const CommandLine a =
      ParseCommandFlags(argc, argv, {"data", "ingestion-data", "metrics-data", "reporting-data"});
  if (a.help) {
    std::printf("usage: carestat init [--data DIR] [--ingestion-data DIR] [--metrics-data DIR] [--reporting-data DIR]\n\n"
                "Creates the stores of a new data directory, on purpose: carestat run, the read commands and\n"
                "the servers refuse a --data that does not exist or holds no store, so that a mistyped or\n"
                "unmounted path never starts an empty store with a new pseudonymisation key.\n"
                "  --data DIR            the stores of carestat run --data DIR (DIR/ingestion, DIR/metrics)\n"
                "  --ingestion-data DIR  carestat-ingestion's store and its key (DIR/store, DIR/hmac.key)\n"
                "  --metrics-data DIR    carestat-metrics' store\n"
                "  --reporting-data DIR  carestat-reporting's directory for narrative files\n"
                "A store that exists is left as it is (init can be run again). Back the key up with the\n"
                "store (carestat backup): without it the store's children cannot be linked to new returns.\n"
                "Exit: 0 created or already there, 2 could not.\n");
    return kOk;
  }
  if (!a.problem.ok()) return Usage("init", a.problem);
  if (!a.positional.empty()) return Usage("init", "unexpected argument '" + a.positional.front() + "'");
  InitRequest r{a.Get(FLAGS_data), a.Get(FLAGS_ingestion_data), a.Get(FLAGS_metrics_data), a.Get(FLAGS_reporting_data)};
  if (r.data.empty() && r.ingestion_data.empty() && r.metrics_data.empty() && r.reporting_data.empty()) {
    return Usage("init", "give --data DIR, or a server's --ingestion-data, --metrics-data or --reporting-data DIR");
  }
  SetLogQuiet(true);
  auto lines = InitStores(r);
  if (!lines.ok()) {
    std::fprintf(stderr, "carestat init: %s\n", std::string(lines.status().message()).c_str());
    return kUsage;
  }
  for (const auto& l : *lines) std::printf("%s\n", l.c_str());
  return kOk;
}

int Backup(int argc, char** argv) {
  const CommandLine a = ParseCommandFlags(argc, argv, {"data", "to"});
  if (a.help) {
    std::printf("usage: carestat backup --data DIR --to DEST\n\n"
                "Copies a data directory (carestat run's --data, or a server's) into the new directory\n"
                "DEST: each RocksDB store under DIR as a RocksDB checkpoint, consistent even while a\n"
                "server writes to it; every other file (the pseudonymisation key hmac.key, the ledger,\n"
                "the pipeline's manifest, narratives) with its permissions; and DEST/SHA256SUMS listing\n"
                "every file (sha256sum -c SHA256SUMS checks it). DEST appears only once whole. Put DEST\n"
                "on another disk: on the same file system the stores' tables are hard links. The backup\n"
                "holds child-level data and the key: keep it as carefully as the store.\n"
                "carestat restore puts it back. deploy/README.md schedules it nightly.\n"
                "Exit: 0 backed up, 2 could not.\n");
    return kOk;
  }
  if (!a.problem.ok()) return Usage("backup", a.problem);
  if (!a.Has(FLAGS_data) || !a.Has(FLAGS_to)) return Usage("backup", "--data DIR and --to DEST are required");
  SetLogQuiet(true);
  auto r = BackupData(a.Get(FLAGS_data), a.Get(FLAGS_to));
  if (!r.ok()) {
    std::fprintf(stderr, "carestat backup: %s\n", std::string(r.status().message()).c_str());
    return kUsage;
  }
  std::printf("backed up %s to %s: %d stores, %d files, %lld bytes\n", a.Get(FLAGS_data).c_str(), a.Get(FLAGS_to).c_str(),
              r->stores, r->files, static_cast<long long>(r->bytes));
  return kOk;
}

int Restore(int argc, char** argv) {
  const CommandLine a = ParseCommandFlags(argc, argv, {"from", "data"});
  if (a.help) {
    std::printf("usage: carestat restore --from BACKUP --data NEWDIR\n\n"
                "Puts a backup made by carestat backup into NEWDIR, which must not exist or be empty (a\n"
                "restore never overwrites a store): copies it with its permissions, checks every file\n"
                "against the backup's SHA256SUMS and every store's checksums, and only then names the\n"
                "directory NEWDIR. Start the server (or carestat run) on NEWDIR, or move it into place\n"
                "with the servers stopped. carestat verify --data NEWDIR then checks the returns against\n"
                "the ledger.\n"
                "Exit: 0 restored and whole, 2 could not (nothing is left at NEWDIR).\n");
    return kOk;
  }
  if (!a.problem.ok()) return Usage("restore", a.problem);
  if (!a.Has(FLAGS_from) || !a.Has(FLAGS_data)) return Usage("restore", "--from BACKUP and --data NEWDIR are required");
  SetLogQuiet(true);
  auto r = RestoreData(a.Get(FLAGS_from), a.Get(FLAGS_data));
  if (!r.ok()) {
    std::fprintf(stderr, "carestat restore: %s\n", std::string(r.status().message()).c_str());
    return kUsage;
  }
  std::printf("restored %s into %s: %d stores, %d files, %lld bytes; every file matches SHA256SUMS and every store "
              "reads whole\n",
              a.Get(FLAGS_from).c_str(), a.Get(FLAGS_data).c_str(), r->stores, r->files, static_cast<long long>(r->bytes));
  return kOk;
}

// ---- rules ----
int Rules(int argc, char** argv) {
  const CommandLine a = ParseCommandFlags(argc, argv, {"dataset", "year", "explain", "json"});
  if (a.help) {
    std::printf("usage: carestat rules [--dataset cin|ssda903|annex-a|local-measures|carestat-local] [--year 2025-26] [--json]\n"
                "       carestat rules --explain CODE [--dataset D] [--year 2025-26] [--json]\n\n"
                "Lists every rule carestat checks: DfE's CIN census and SSDA903 rules by their DfE code\n"
                "and message, and carestat's own checks (Annex A, local measures, and carestat-local:\n"
                "the structure, dates and headers of any return), each with its severity (error or\n"
                "query) and the fields it points at. --year keeps the rules of that collection year\n"
                "(2025-26, or 2026, the year the return ends). --explain prints one rule's full text,\n"
                "fields, the years it applies to and an example that fails it.\n"
                "Exit: 0 listed, 2 an unknown code, dataset or year.\n");
    return kOk;
  }
  if (!a.problem.ok()) return Usage("rules", a.problem);
  if (!a.positional.empty()) return Usage("rules", "unexpected argument '" + a.positional.front() + "'");
  const std::string dataset = a.Get(FLAGS_dataset);
  if (a.Has(FLAGS_dataset)) {
    bool known = false;
    for (std::string_view d : RuleDatasets()) known = known || d == dataset;
    if (!known)
      return Usage("rules", "--dataset '" + dataset +
                                "' is not one of cin, ssda903, annex-a, local-measures, carestat-local");
  }
  int year = 0;
  if (a.Has(FLAGS_year)) {
    auto y = ParseRuleYear(a.Get(FLAGS_year));
    if (!y) return Usage("rules", "--year '" + a.Get(FLAGS_year) + "' is not a collection year like 2025-26 or 2026");
    year = *y;
  }
  if (a.Has(FLAGS_explain) && a.Get(FLAGS_explain).empty()) return Usage("rules", "--explain needs a rule code, like 8866");
  RulesRequest request;
  request.dataset = dataset;
  request.year = year;
  request.explain = a.Get(FLAGS_explain);
  request.json = absl::GetFlag(FLAGS_json);
  std::string out, error;
  const int code = RenderRules(request, &out, &error);
  if (code != 0) {
    std::fprintf(stderr, "carestat rules: %s\n", error.c_str());
    return kUsage;
  }
  std::printf("%s%s", out.c_str(), !out.empty() && out.back() == '\n' ? "" : "\n");
  return kOk;
}

}  // namespace
}  // namespace carestat

int main(int argc, char** argv) {
  using namespace carestat;
  ::umask(077);  // stores, manifests, archives and reports: the owner's alone, whatever the umask
  SetLogComponent("carestat");
  if (argc < 2 || std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h" ||
      std::string(argv[1]) == "help") {
    std::printf("%s", kMainHelp);
    return argc < 2 ? kUsage : kOk;
  }
  const std::string cmd = argv[1];
  if (cmd == "--version" || cmd == "version") {
    std::printf("carestat %s\n", kVersion);
    return kOk;
  }
  // Each command reads its own flags from argv[2] (cli_flags.h): any of them may come
  // from a --flagfile, as the scheduled pipeline's do (deploy/config/carestat-pipeline.flags).
  if (cmd == "run") return Run(argc, argv);
  if (cmd == "pipeline") return Pipeline(argc, argv);
  if (cmd == "validate") return Validate(argc, argv);
  if (cmd == "indicators") return Indicators(argc, argv);
  if (cmd == "series") return Series(argc, argv);
  if (cmd == "benchmark") return BenchmarkCommand(argc, argv);
  if (cmd == "children") return Children(argc, argv);
  if (cmd == "pseudonymise") return Pseudonymise(argc, argv);
  if (cmd == "report") return Report(argc, argv);
  if (cmd == "narrative") return Narrative(argc, argv);
  if (cmd == "synth") return Synth(argc, argv);
  if (cmd == "certs") return Certs(argc, argv);
  if (cmd == "token") return Token(argc, argv);
  if (cmd == "rekey") return Rekey(argc, argv);
  if (cmd == "verify") return Verify(argc, argv);
  if (cmd == "init") return Init(argc, argv);
  if (cmd == "backup") return Backup(argc, argv);
  if (cmd == "restore") return Restore(argc, argv);
  if (cmd == "rules") return Rules(argc, argv);
  if (cmd == "forecast") return Forecast(argc, argv);
  if (cmd == "health") return HealthCommand(argc, argv);
  std::fprintf(stderr, "carestat: unknown command '%s'\n\n%s", cmd.c_str(), kMainHelp);
  return kUsage;
}
