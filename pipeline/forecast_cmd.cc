#include "pipeline/forecast_cmd.h"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <cstdio>
#include <sstream>
#include <string>
#include <utility>

#include "services/common/json.h"
#include "absl/flags/flag.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "pipeline/cli_flags.h"
#include "services/common/csv.h"
#include "services/common/dates.h"
#include "services/common/text.h"
#include "google/protobuf/util/json_util.h"
#include "services/metrics/forecast/demand.h"
#include "services/metrics/forecast/run.h"

namespace carestat {
namespace {

using namespace forecast;

constexpr int kOk = 0, kProblems = 1, kUsage = 2;
// The categories shown: NOT_IN_CARE only collects leavers.
constexpr int kShown[] = {kFostering, kResidential, kSupported, kOther};

const char kHelp[] =
    "usage: carestat forecast (--ssda903 DIR | --la LA (--data DIR | --target HOST:PORT))\n"
    "                         [--reference-start D --reference-end D] [--horizon-months 12]\n"
    "                         [--step-days 1] [--costs FILE] [--adjust FILE] [--runs 200] [--seed 18]\n"
    "                         [--json | --csv]\n"
    "       carestat forecast (--ssda903 DIR | --la LA ...) --backtest [--step-days 1] [--json | --csv]\n\n"
    "--ssda903 DIR reads SSDA903 CSV folders, DIR/<year>/*.csv, without a store; --la LA\n"
    "reads the LA's stored SSDA903 returns (every collection year held) through the metrics\n"
    "service's Forecast RPC, embedded with --data DIR (as used by run) or a server with\n"
    "--target (TLS and token flags as for series). The same files give the same figures.\n"
    "--la all forecasts every LA with SSDA903 returns in one call: a line per LA (--csv: every\n"
    "LA's rows behind an la column); an LA the model refuses is named on stderr (exit 1).\n"
    "With --json the answer is the Forecast RPC's ForecastResponse in protobuf's JSON.\n"
"Projects the looked-after population by placement category (fostering, residential,\n"
    "supported, other) and what it costs, with the demand model of docs/FORECAST.md:\n"
    "learned from SSDA903 Header and Episodes tables of several years (other tables and\n"
    "files are ignored), over a reference window (default: the last 6\n"
    "months of data), projected --horizon-months from the window's end in steps of\n"
    "--step-days (1 to 180). Prints the actual stock at the window's month ends, then the\n"
    "projection at each month end with its cost per day (population x weekly cost / 7),\n"
    "and the cost of the whole horizon and of the next financial year.\n"
    "--costs FILE: CSV category,weekly_cost[,proportion] (optionally a line column; a\n"
    "category's cost is the proportion-weighted mean of its lines); default: fostering\n"
    "166.67 (friend/relative 100, in-house 150, agency 250), residential, supported and\n"
    "other 1000 a week.\n"
    "--adjust FILE: CSV from,to,age,per_month: an extra monthly rate of moving from one\n"
    "category to another in an age bracket (BIRTH_TO_ONE, ONE_TO_FIVE, FIVE_TO_TEN,\n"
    "TEN_TO_SIXTEEN, SIXTEEN_TO_EIGHTEEN), per child: 0.05 moves one child in twenty a\n"
    "month; added as per_month / 30 to the daily rate, as the reference model does.\n"
    "The band around the children in care (and each category in --json and --csv) is the\n"
    "5th to 95th percentile of --runs simulations of whole children moving with the\n"
    "model's probabilities and Poisson entrants, from --seed: the same output every run.\n"
    "--backtest: learns from the 6 months before each 31 March and 30 September that has\n"
    "6 months of returns before it (the first return's year starts the complete stock;\n"
    "folders are named by collection year) and 6 months of data after, projects 6 and 12 months, compares with\n"
    "the stock that followed and reports the mean absolute percentage error and the bias\n"
    "(mean signed percentage error) per category.\n"
    "Dates are 2016-03-31 or 31/03/2016.\n"
    "Exit: 0 printed, 2 unusable files or arguments (the message names the file, line and field).\n";

int Usage(const std::string& problem) {
  std::fprintf(stderr, "carestat forecast: %s (see carestat forecast --help)\n", problem.c_str());
  return kUsage;
}

std::string Fixed(double v, int places) { return absl::StrFormat("%.*f", places, v); }

// The four categories and the children in care, in the order every table prints them.
double Of(const v1::CategoryValues& v, int c) {
  switch (c) {
    case kFostering: return v.fostering();
    case kResidential: return v.residential();
    case kSupported: return v.supported();
    case kOther: return v.other();
    default: return v.in_care();
  }
}

void PrintJson(const v1::ForecastResponse& r) {
  google::protobuf::util::JsonPrintOptions o;
  o.preserve_proto_field_names = true;
  o.always_print_primitive_fields = true;
  o.add_whitespace = true;
  std::string out;
  (void)MessageJson(r, o, &out);
  std::fputs(out.c_str(), stdout);
}

// Every LA of an all-LA forecast: its rows behind an "la" column, one heading.
void PrintCsv(const v1::LaForecast& f, bool with_la = false, bool heading = true) {
  std::ostringstream s;
  CsvWriter w(s);
  std::vector<std::string> head = {"date", "kind"};
  if (with_la) head.insert(head.begin(), "la");
  for (int c : kShown) head.push_back(CategoryName(c));
  head.push_back("in_care");
  for (int c : kShown) head.push_back(absl::StrCat("daily_cost_", CategoryName(c)));
  head.push_back("daily_cost_total");
  head.push_back("in_care_low");
  head.push_back("in_care_high");
  for (int c : kShown) {
    head.push_back(absl::StrCat(CategoryName(c), "_low"));
    head.push_back(absl::StrCat(CategoryName(c), "_high"));
  }
  if (heading) w.Row(head);
  for (const auto& p : f.points()) {
    std::vector<std::string> row = {p.date(), p.kind()};
    if (with_la) row.insert(row.begin(), f.la());
    for (int c : kShown) row.push_back(Fixed(Of(p.children(), c), 2));
    row.push_back(Fixed(p.children().in_care(), 2));
    for (int c : kShown) row.push_back(Fixed(Of(p.daily_cost(), c), 2));
    row.push_back(Fixed(p.daily_cost().in_care(), 2));
    // The actual stock (or a projection without a band) has no band: its bounds are itself.
    const bool band = p.has_band_lower();
    auto bound = [&](int c, bool upper) {
      return Fixed(band ? Of(upper ? p.band_upper() : p.band_lower(), c) : Of(p.children(), c), 1);
    };
    row.push_back(bound(kNotInCare, false));
    row.push_back(bound(kNotInCare, true));
    for (int c : kShown) {
      row.push_back(bound(c, false));
      row.push_back(bound(c, true));
    }
    w.Row(row);
  }
  std::fputs(s.str().c_str(), stdout);
}

void PrintText(const v1::LaForecast& f) {
  std::printf("Looked-after children: demand and cost forecast from %s\n", f.source().c_str());
  std::printf("Episodes %s to %s; rates learned from %s to %s; projected %d months in %d-day steps.\n",
              f.data_start().c_str(), f.data_end().c_str(), f.reference_start().c_str(), f.reference_end().c_str(),
              f.horizon_months(), f.step_days());
  std::printf("Weekly cost: fostering %s, residential %s, supported %s, other %s.\n\n",
              Fixed(f.weekly_cost().fostering(), 2).c_str(), Fixed(f.weekly_cost().residential(), 2).c_str(),
              Fixed(f.weekly_cost().supported(), 2).c_str(), Fixed(f.weekly_cost().other(), 2).c_str());
  const double width = 100 * (f.band_upper_quantile() - f.band_lower_quantile());
  std::printf("%-10s %-9s %9s %11s %9s %7s %8s %13s %12s\n", "date", "", "fostering", "residential", "supported",
              "other", "in care", f.band_runs() ? absl::StrFormat("%.0f%% band", width).c_str() : "", "cost/day");
  for (const auto& p : f.points()) {
    std::printf("%-10s %-9s %9.1f %11.1f %9.1f %7.1f %8.1f %13s %12s\n", p.date().c_str(), p.kind().c_str(),
                p.children().fostering(), p.children().residential(), p.children().supported(),
                p.children().other(), p.children().in_care(),
                p.has_band_lower()
                    ? absl::StrFormat("%.0f-%.0f", p.band_lower().in_care(), p.band_upper().in_care()).c_str()
                    : "",
                Fixed(p.daily_cost().in_care(), 0).c_str());
  }
  const auto& hc = f.horizon_cost();
  std::printf("\nCost of the %d months projected: fostering %s, residential %s, supported %s, other %s; total %s.\n",
              f.horizon_months(), Fixed(hc.fostering(), 0).c_str(), Fixed(hc.residential(), 0).c_str(),
              Fixed(hc.supported(), 0).c_str(), Fixed(hc.other(), 0).c_str(), Fixed(hc.in_care(), 0).c_str());
  if (!f.cost_year().empty()) {
    const auto& y = f.cost_year_cost();
    std::printf("Cost of %s: fostering %s, residential %s, supported %s, other %s; total %s.\n", f.cost_year().c_str(),
                Fixed(y.fostering(), 0).c_str(), Fixed(y.residential(), 0).c_str(), Fixed(y.supported(), 0).c_str(),
                Fixed(y.other(), 0).c_str(), Fixed(y.in_care(), 0).c_str());
  }
  if (f.band_runs())
    std::printf("The band: the %.0fth to %.0fth percentile of %d simulations of whole children (seed %llu).\n",
                100 * f.band_lower_quantile(), 100 * f.band_upper_quantile(), f.band_runs(),
                static_cast<unsigned long long>(f.band_seed()));
  if (f.infinite_ratio_days())
    std::printf("Note: %d day(s) in the window had a move out of a state with no children the day before (an "
                "episode starting and ending the same day); those ratios count 0.\n",
                f.infinite_ratio_days());
}

// One line per LA of an all-LA forecast: the children in care at the data's end and at
// the horizon with its band, and the next financial year's cost.
int PrintAll(const v1::ForecastResponse& r, bool csv) {
  int refused = 0;
  if (csv) {
    bool heading = true;
    for (const auto& f : r.forecasts()) {
      if (!f.error().empty()) continue;
      PrintCsv(f, true, heading);
      heading = false;
    }
  } else {
    std::printf("Looked-after children: demand and cost forecast for every LA with SSDA903 returns (%d)\n\n",
                r.forecasts_size());
    std::printf("%-5s %-10s %8s %-10s %9s %13s %-8s %14s\n", "LA", "data end", "in care", "horizon", "projected",
                "band", "year", "year's cost");
    for (const auto& f : r.forecasts()) {
      if (!f.error().empty()) continue;
      const v1::ForecastPoint* last_actual = nullptr;
      const v1::ForecastPoint* last = nullptr;
      for (const auto& p : f.points()) (p.kind() == "actual" ? last_actual : last) = &p;
      if (!last_actual || !last) continue;
      std::printf("%-5s %-10s %8.0f %-10s %9.1f %13s %-8s %14s\n", f.la().c_str(), f.data_end().c_str(),
                  last_actual->children().in_care(), last->date().c_str(), last->children().in_care(),
                  last->has_band_lower()
                      ? absl::StrFormat("%.0f-%.0f", last->band_lower().in_care(), last->band_upper().in_care()).c_str()
                      : "",
                  f.cost_year().c_str(), f.cost_year().empty() ? "" : Fixed(f.cost_year_cost().in_care(), 0).c_str());
    }
  }
  for (const auto& f : r.forecasts()) {
    if (f.error().empty()) continue;
    ++refused;
    std::fprintf(stderr, "carestat forecast: LA %s: %s\n", f.la().c_str(), f.error().c_str());
  }
  return refused ? kProblems : kOk;
}

std::string Pct(double v) { return std::isnan(v) ? std::string("-") : absl::StrFormat("%.1f", v); }

void PrintBacktest(const v1::LaForecast& f, bool csv) {
  const int cols[] = {kFostering, kResidential, kSupported, kOther, kNotInCare};
  auto name = [](int c) { return c == kNotInCare ? std::string("in_care") : std::string(CategoryName(c)); };
  if (csv) {
    std::ostringstream s;
    CsvWriter w(s);
    w.Row({"origin", "horizon_months", "target", "category", "projected", "actual"});
    for (const auto& p : f.backtest())
      for (int c : cols)
        w.Row({p.origin(), absl::StrCat(p.horizon_months()), p.target(), name(c), Fixed(Of(p.projected(), c), 2),
               Fixed(Of(p.actual(), c), 0)});
    std::fputs(s.str().c_str(), stdout);
    return;
  }
  std::printf("Backtest: rates learned from the %d months before each origin, projected and compared with the stock\n"
              "that followed (today's files: later corrections to old episodes are in the history).\n\n",
              f.backtest_window_months());
  std::printf("%-10s %3s %-10s %21s %21s %21s %21s %21s\n", "origin", "+m", "target", "fostering", "residential",
              "supported", "other", "in care");
  for (const auto& p : f.backtest()) {
    std::printf("%-10s %3d %-10s", p.origin().c_str(), p.horizon_months(), p.target().c_str());
    for (int c : cols)
      std::printf(" %21s", absl::StrFormat("%.1f vs %.0f", Of(p.projected(), c), Of(p.actual(), c)).c_str());
    std::printf("\n");
  }
  std::printf("\nError (%%): mean absolute percentage error / bias (+ too high)\n");
  for (const auto& e : f.backtest_errors()) {
    std::printf("%2d months (%d origins):", e.horizon_months(), e.origins());
    for (int c : cols)
      std::printf("  %s %s/%s", name(c).c_str(), Pct(Of(e.mape(), c)).c_str(), Pct(Of(e.bias(), c)).c_str());
    std::printf("\n");
  }
}

}  // namespace

int ForecastCommand(int argc, char** argv, const std::set<std::string>& connect_flags, const ForecastConnect& connect) {
  std::set<std::string> known = {"ssda903", "la", "reference-start", "reference-end", "horizon-months", "step-days",
                                 "costs", "adjust", "json", "csv", "backtest", "runs", "seed"};
  known.insert(connect_flags.begin(), connect_flags.end());
  const CommandLine a = ParseCommandFlags(argc, argv, known);
  if (a.help) {
    std::fputs(kHelp, stdout);
    return kOk;
  }
  if (!a.problem.ok()) return Usage(std::string(a.problem.message()));
  if (!a.positional.empty()) return Usage("unexpected argument '" + a.positional.front() + "'");
  const bool folder = a.Has(FLAGS_ssda903);
  if (folder == a.Has(FLAGS_la))
    return Usage("give --ssda903 DIR (SSDA903 CSV folders) or --la LA with --data DIR or --target HOST:PORT "
                 "(the stored returns)");
  if (folder && a.Get(FLAGS_ssda903).empty()) return Usage("--ssda903 needs a folder");
  if (folder) {
    for (const auto& f : connect_flags)
      if (a.Has(f)) return Usage(absl::StrCat("--", f, " is for --la: --ssda903 reads the files, not a store"));
  }
  if (absl::GetFlag(FLAGS_json) && absl::GetFlag(FLAGS_csv)) return Usage("give --json or --csv, not both");
  v1::ForecastRequest req;
  const bool all = a.Get(FLAGS_la) == "all";
  if (all && absl::GetFlag(FLAGS_backtest)) return Usage("--backtest is for one LA at a time");
  req.set_la(all ? "" : a.Get(FLAGS_la));
  using StringFlag = absl::Flag<std::optional<std::string>>;
  for (const auto& [f, flag] : {std::pair<std::string, const StringFlag*>{"reference-start", &FLAGS_reference_start},
                                {"reference-end", &FLAGS_reference_end}}) {
    if (!a.Has(*flag)) continue;
    auto d = ParseAnyDate(a.Get(*flag));
    if (!d) return Usage(absl::StrCat("--", f, " '", a.Get(*flag), "' is not a date like 2016-03-31"));
    (f == "reference-start" ? req.mutable_reference_start() : req.mutable_reference_end())->assign(FormatIsoDate(*d));
  }
  // Abseil has parsed the numbers; the ranges are the model's.
  req.set_horizon_months(absl::GetFlag(FLAGS_horizon_months));
  req.set_step_days(absl::GetFlag(FLAGS_step_days));
  if (req.horizon_months() < 1 || req.horizon_months() > 120)
    return Usage(absl::StrCat("horizon of ", req.horizon_months(), " months: give 1 to 120"));
  if (req.step_days() < 1 || req.step_days() > 180)
    return Usage(absl::StrCat("step of ", req.step_days(), " days: give 1 to 180"));
  for (const auto& [f, flag] : {std::pair<std::string, const StringFlag*>{"costs", &FLAGS_costs},
                                {"adjust", &FLAGS_adjust}}) {
    if (!a.Has(*flag)) continue;
    const std::string path = a.Get(*flag);
    std::ifstream in(path, std::ios::binary);
    if (!in) return Usage(absl::StrCat("--", f, " ", path, ": cannot be read"));
    std::ostringstream text;
    text << in.rdbuf();
    // Checked here, so that the error names the file.
    std::istringstream check(text.str());
    absl::Status s = f == "costs" ? ReadCosts(check, path).status() : ReadAdjustments(check, path).status();
    if (!s.ok()) return Usage(absl::StrCat("--", f, " ", s.message()));
    (f == "costs" ? req.mutable_costs_csv() : req.mutable_adjust_csv())->assign(text.str());
  }
  const int runs = absl::GetFlag(FLAGS_runs);
  if (runs < 2 || runs > 100000)
    return Usage("--runs takes a whole number of simulations from 2 to 100000, like 200");
  req.set_runs(runs);
  const uint64_t seed = absl::GetFlag(FLAGS_seed).value_or(18);
  req.set_seed(seed);
  const bool backtest = absl::GetFlag(FLAGS_backtest);
  if (backtest) {
    for (const char* f : {"reference-start", "reference-end", "horizon-months", "costs", "adjust", "runs", "seed"})
      if (a.Has(f))
        return Usage(absl::StrCat("--backtest chooses its own windows and horizons (6 and 12 months): --", f,
                                  " is for a forecast"));
    req.set_backtest(true);
    req.set_runs(-1);  // the backtest alone: no band to simulate
  }
  v1::ForecastResponse resp;
  if (folder) {
    const std::string dir = a.Get(FLAGS_ssda903);
    auto h = ReadSsda903Folder(dir);
    if (!h.ok()) return Usage(std::string(h.status().message()));
    auto f = ForecastLa(std::filesystem::path(dir).lexically_normal().filename().string(), dir, *h, req);
    if (!f.ok()) return Usage(std::string(f.status().message()));
    *resp.add_forecasts() = *std::move(f);
  } else {
    auto rpc = connect(a);
    if (!rpc.ok()) return Usage(std::string(rpc.status().message()));
    grpc::Status s = (*rpc)(req, &resp);
    if (!s.ok()) {
      std::fprintf(stderr, "carestat forecast: LA %s: %s\n", req.la().c_str(), s.error_message().c_str());
      return s.error_code() == grpc::INVALID_ARGUMENT || s.error_code() == grpc::NOT_FOUND ||
                     s.error_code() == grpc::FAILED_PRECONDITION
                 ? kUsage
                 : kProblems;
    }
    if (all) {
      if (absl::GetFlag(FLAGS_json)) {
        PrintJson(resp);
        for (const auto& f : resp.forecasts())
          if (!f.error().empty()) return kProblems;
        return kOk;
      }
      return PrintAll(resp, absl::GetFlag(FLAGS_csv));
    }
    if (resp.forecasts_size() != 1) {
      std::fprintf(stderr, "carestat forecast: LA %s: the metrics server gave %d forecasts\n", req.la().c_str(),
                   resp.forecasts_size());
      return kProblems;
    }
  }
  const v1::LaForecast& f = resp.forecasts(0);
  if (backtest && !f.backtest_error().empty()) return Usage(f.backtest_error());
  if (absl::GetFlag(FLAGS_json)) {
    if (backtest) {
      // The backtest alone, as it was asked for.
      v1::ForecastResponse only;
      auto* b = only.add_forecasts();
      b->set_la(f.la());
      b->set_source(f.source());
      b->set_backtest_window_months(f.backtest_window_months());
      *b->mutable_backtest() = f.backtest();
      *b->mutable_backtest_errors() = f.backtest_errors();
      PrintJson(only);
    } else {
      PrintJson(resp);
    }
  } else if (backtest) {
    PrintBacktest(f, absl::GetFlag(FLAGS_csv));
  } else if (absl::GetFlag(FLAGS_csv)) {
    PrintCsv(f);
  } else {
    PrintText(f);
  }
  return kOk;
}

}  // namespace carestat
