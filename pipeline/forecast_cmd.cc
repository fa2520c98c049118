#include "pipeline/forecast_cmd.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "services/common/csv.h"
#include "services/common/dates.h"
#include "services/common/json.h"
#include "services/metrics/forecast/demand.h"

namespace carestat {
namespace {

using namespace forecast;

constexpr int kOk = 0, kProblems = 1, kUsage = 2;
// The categories shown: NOT_IN_CARE only collects leavers.
constexpr int kShown[] = {kFostering, kResidential, kSupported, kOther};

const char kHelp[] =
    "usage: carestat forecast --ssda903 DIR [--reference-start D --reference-end D]\n"
    "                         [--horizon-months 12] [--step-days 1] [--costs FILE] [--adjust FILE]\n"
    "                         [--runs 200] [--seed 18] [--json | --csv]\n"
    "       carestat forecast --ssda903 DIR --backtest [--step-days 1] [--json | --csv]\n\n"
    "Projects the looked-after population by placement category (fostering, residential,\n"
    "supported, other) and what it costs, with the demand model of docs/FORECAST.md:\n"
    "learned from SSDA903 Header and Episodes tables of several years, DIR/<year>/*.csv\n"
    "(other tables and files are ignored), over a reference window (default: the last 6\n"
    "months of data), projected --horizon-months from the window's end in steps of\n"
    "--step-days (1 to 180). Prints the actual stock at the window's month ends, then the\n"
    "projection at each month end with its cost per day (population x weekly cost / 7),\n"
    "and the cost of the whole horizon.\n"
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

// A figure to `places` decimals, the value the table prints: null when there is none.
Json Rounded(double v, int places) {
  return std::isnan(v) ? Json() : JsonNumber(std::strtod(Fixed(v, places).c_str(), nullptr));
}

// `doc` (an object) for a reader: each list of points one point a line, the rest as
// JsonLine writes it.
std::string Listed(const Json& doc) {
  std::string out = "{";
  bool listed_before = false;
  for (const auto& [key, value] : doc.items()) {
    const bool listed = value.is_array() && !value.empty() && value.front().is_object();
    if (out.size() > 1) out += listed || listed_before ? ",\n " : ", ";
    out += JsonQuote(key) + ": ";
    if (listed) {
      for (size_t i = 0; i < value.size(); ++i) out += (i ? ",\n  " : "[\n  ") + JsonLine(value[i]);
      out += "]";
    } else {
      out += JsonLine(value);
    }
    listed_before = listed;
  }
  return out + "}\n";
}

Json CategoriesJson(const Population& p, const Costs* costs) {
  Json out = Json::object();
  for (int c : kShown) out[CategoryName(c)] = costs ? Rounded(DailyCost(p, *costs, c), 2) : Rounded(CategoryTotal(p, c), 4);
  return out;
}

Json StatesJson(const Population& p) {
  Json out = Json::object();
  for (int s = 0; s < kStates; ++s) {
    if (CategoryOfState(s) == kNotInCare || p[s] == 0) continue;
    out[StateName(s)] = Rounded(p[s], 4);
  }
  return out;
}

// {"in_care": [low, high], "FOSTERING": [low, high], ...}
Json BandJson(const Band& b) {
  Json out = {{"in_care", {Rounded(b.lower[kNotInCare], 1), Rounded(b.upper[kNotInCare], 1)}}};
  for (int c : kShown) out[CategoryName(c)] = {Rounded(b.lower[c], 1), Rounded(b.upper[c], 1)};
  return out;
}

double TotalDailyCost(const Population& p, const Costs& c) {
  double t = 0;
  for (int k : kShown) t += DailyCost(p, c, k);
  return t;
}

// The cost of the whole horizon: each step's daily cost for the days of the step.
std::array<double, kCategories> HorizonCost(const ForecastResult& r) {
  std::array<double, kCategories> t{};
  for (const auto& s : r.steps)
    for (int c : kShown) t[c] += DailyCost(s.population, r.costs, c) * r.step_days;
  return t;
}

void PrintJson(const ForecastResult& r, const std::vector<Band>& bands, const std::string& source) {
  Json doc = {{"source", source},
              {"data_start", FormatIsoDate(r.data_start)},
              {"data_end", FormatIsoDate(r.data_end)},
              {"reference_start", FormatIsoDate(r.reference_start)},
              {"reference_end", FormatIsoDate(r.reference_end)},
              {"horizon_months", r.horizon_months},
              {"step_days", r.step_days},
              {"weekly_costs", Json::object()}};
  for (int c : kShown) doc["weekly_costs"][CategoryName(c)] = Rounded(r.costs.weekly[c], 2);
  doc["infinite_ratio_days"] = r.infinite_ratio_days;
  doc["history"] = Json::array();
  for (const auto& h : r.history) {
    doc["history"].push_back({{"date", FormatIsoDate(h.date)},
                              {"in_care", Rounded(InCare(h.population), 4)},
                              {"categories", CategoriesJson(h.population, nullptr)},
                              {"states", StatesJson(h.population)}});
  }
  doc["projection"] = Json::array();
  for (size_t i = 0; i < r.month_ends.size(); ++i) {
    const auto& m = r.month_ends[i];
    doc["projection"].push_back({{"date", FormatIsoDate(m.date)},
                                 {"in_care", Rounded(InCare(m.population), 4)},
                                 {"categories", CategoriesJson(m.population, nullptr)},
                                 {"daily_cost", CategoriesJson(m.population, &r.costs)},
                                 {"daily_cost_total", Rounded(TotalDailyCost(m.population, r.costs), 2)},
                                 {"band", BandJson(bands[i])},
                                 {"states", StatesJson(m.population)}});
  }
  const auto hc = HorizonCost(r);
  doc["horizon_cost"] = Json::object();
  double total = 0;
  for (int c : kShown) {
    doc["horizon_cost"][CategoryName(c)] = Rounded(hc[c], 2);
    total += hc[c];
  }
  doc["horizon_cost_total"] = Rounded(total, 2);
  std::fputs(Listed(doc).c_str(), stdout);
}

void PrintCsv(const ForecastResult& r, const std::vector<Band>& bands) {
  std::ostringstream s;
  CsvWriter w(s);
  std::vector<std::string> head = {"date", "kind"};
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
  w.Row(head);
  auto row = [&](const ForecastRow& x, const char* kind, const Band* band) {
    std::vector<std::string> f = {FormatIsoDate(x.date), kind};
    for (int c : kShown) f.push_back(Fixed(CategoryTotal(x.population, c), 2));
    f.push_back(Fixed(InCare(x.population), 2));
    for (int c : kShown) f.push_back(Fixed(DailyCost(x.population, r.costs, c), 2));
    f.push_back(Fixed(TotalDailyCost(x.population, r.costs), 2));
    // The actual stock has no band: its bounds are the stock itself.
    auto bound = [&](int c, bool upper) {
      if (band) return Fixed(upper ? band->upper[c] : band->lower[c], 1);
      return Fixed(c == kNotInCare ? InCare(x.population) : CategoryTotal(x.population, c), 1);
    };
    f.push_back(bound(kNotInCare, false));
    f.push_back(bound(kNotInCare, true));
    for (int c : kShown) {
      f.push_back(bound(c, false));
      f.push_back(bound(c, true));
    }
    w.Row(f);
  };
  for (const auto& h : r.history) row(h, "actual", nullptr);
  for (size_t i = 0; i < r.month_ends.size(); ++i) row(r.month_ends[i], "projected", &bands[i]);
  std::fputs(s.str().c_str(), stdout);
}

void PrintText(const ForecastResult& r, const std::vector<Band>& bands, const BandOptions& bo, const std::string& source) {
  std::printf("Looked-after children: demand and cost forecast from %s\n", source.c_str());
  std::printf("Episodes %s to %s; rates learned from %s to %s; projected %d months in %d-day steps.\n",
              FormatIsoDate(r.data_start).c_str(), FormatIsoDate(r.data_end).c_str(),
              FormatIsoDate(r.reference_start).c_str(), FormatIsoDate(r.reference_end).c_str(), r.horizon_months,
              r.step_days);
  std::printf("Weekly cost: fostering %s, residential %s, supported %s, other %s.\n\n",
              Fixed(r.costs.weekly[kFostering], 2).c_str(), Fixed(r.costs.weekly[kResidential], 2).c_str(),
              Fixed(r.costs.weekly[kSupported], 2).c_str(), Fixed(r.costs.weekly[kOther], 2).c_str());
  std::printf("%-10s %-9s %9s %11s %9s %7s %8s %13s %12s\n", "date", "", "fostering", "residential", "supported",
              "other", "in care", absl::StrFormat("%.0f%% band", 100 * (bo.upper_quantile - bo.lower_quantile)).c_str(),
              "cost/day");
  auto row = [&](const ForecastRow& x, const char* kind, const Band* band) {
    std::printf("%-10s %-9s %9.1f %11.1f %9.1f %7.1f %8.1f %13s %12s\n", FormatIsoDate(x.date).c_str(), kind,
                CategoryTotal(x.population, kFostering), CategoryTotal(x.population, kResidential),
                CategoryTotal(x.population, kSupported), CategoryTotal(x.population, kOther), InCare(x.population),
                band ? absl::StrFormat("%.0f-%.0f", band->lower[kNotInCare], band->upper[kNotInCare]).c_str() : "",
                Fixed(TotalDailyCost(x.population, r.costs), 0).c_str());
  };
  for (const auto& h : r.history) row(h, "actual", nullptr);
  for (size_t i = 0; i < r.month_ends.size(); ++i) row(r.month_ends[i], "projected", &bands[i]);
  const auto hc = HorizonCost(r);
  double total = 0;
  for (int c : kShown) total += hc[c];
  std::printf("\nCost of the %d months projected: fostering %s, residential %s, supported %s, other %s; total %s.\n",
              r.horizon_months, Fixed(hc[kFostering], 0).c_str(), Fixed(hc[kResidential], 0).c_str(),
              Fixed(hc[kSupported], 0).c_str(), Fixed(hc[kOther], 0).c_str(), Fixed(total, 0).c_str());
  std::printf("The band: the %.0fth to %.0fth percentile of %d simulations of whole children (seed %llu).\n",
              100 * bo.lower_quantile, 100 * bo.upper_quantile, bo.runs, static_cast<unsigned long long>(bo.seed));
  if (r.infinite_ratio_days)
    std::printf("Note: %d day(s) in the window had a move out of a state with no children the day before (an "
                "episode starting and ending the same day); those ratios count 0.\n",
                r.infinite_ratio_days);
}

std::string Pct(double v) { return std::isnan(v) ? std::string("-") : absl::StrFormat("%.1f", v); }

int PrintBacktest(const BacktestResult& b, const BacktestOptions& o, bool json, bool csv) {
  const int cols[] = {kFostering, kResidential, kSupported, kOther, kNotInCare};
  auto name = [](int c) { return c == kNotInCare ? std::string("in_care") : std::string(CategoryName(c)); };
  if (json) {
    Json doc = {{"window_months", o.window_months}, {"points", Json::array()}, {"errors", Json::array()}};
    for (const auto& p : b.points) {
      Json point = {{"origin", FormatIsoDate(p.origin)}, {"horizon_months", p.horizon_months},
                    {"target", FormatIsoDate(p.target)}};
      for (int c : cols) point[name(c)] = {{"projected", Rounded(p.projected[c], 2)}, {"actual", Rounded(p.actual[c], 0)}};
      doc["points"].push_back(point);
    }
    for (const auto& e : b.errors) {
      Json error = {{"horizon_months", e.horizon_months}, {"points", e.points}};
      for (int c : cols) error[name(c)] = {{"mape", Rounded(e.mape[c], 2)}, {"bias", Rounded(e.bias[c], 2)}};
      doc["errors"].push_back(error);
    }
    std::fputs(Listed(doc).c_str(), stdout);
    return kOk;
  }
  if (csv) {
    std::ostringstream s;
    CsvWriter w(s);
    w.Row({"origin", "horizon_months", "target", "category", "projected", "actual"});
    for (const auto& p : b.points)
      for (int c : cols)
        w.Row({FormatIsoDate(p.origin), absl::StrCat(p.horizon_months), FormatIsoDate(p.target), name(c),
               Fixed(p.projected[c], 2), Fixed(p.actual[c], 0)});
    std::fputs(s.str().c_str(), stdout);
    return kOk;
  }
  std::printf("Backtest: rates learned from the %d months before each origin, projected and compared with the stock\n"
              "that followed (today's files: later corrections to old episodes are in the history).\n\n",
              o.window_months);
  std::printf("%-10s %3s %-10s %21s %21s %21s %21s %21s\n", "origin", "+m", "target", "fostering", "residential",
              "supported", "other", "in care");
  for (const auto& p : b.points) {
    std::printf("%-10s %3d %-10s", FormatIsoDate(p.origin).c_str(), p.horizon_months, FormatIsoDate(p.target).c_str());
    for (int c : cols) std::printf(" %21s", absl::StrFormat("%.1f vs %.0f", p.projected[c], p.actual[c]).c_str());
    std::printf("\n");
  }
  std::printf("\nError (%%): mean absolute percentage error / bias (+ too high)\n");
  for (const auto& e : b.errors) {
    std::printf("%2d months (%d origins):", e.horizon_months, e.points);
    for (int c : cols) std::printf("  %s %s/%s", name(c).c_str(), Pct(e.mape[c]).c_str(), Pct(e.bias[c]).c_str());
    std::printf("\n");
  }
  return kOk;
}

}  // namespace

int ForecastCommand(const Args& a) {
  if (a.Has("help")) {
    std::fputs(kHelp, stdout);
    return kOk;
  }
  if (auto p = a.Problem({"ssda903", "reference-start", "reference-end", "horizon-months", "step-days", "costs",
                          "adjust", "json", "csv", "help", "backtest", "runs", "seed"}))
    return Usage(*p);
  if (!a.positional().empty()) return Usage("unexpected argument '" + a.positional().front() + "'");
  if (!a.Has("ssda903") || a.Get("ssda903").empty()) return Usage("--ssda903 DIR is required");
  if (a.Has("json") && a.Has("csv")) return Usage("give --json or --csv, not both");
  ForecastOptions o;
  for (const char* f : {"reference-start", "reference-end"}) {
    if (!a.Has(f)) continue;
    auto d = ParseAnyDate(a.Get(f));
    if (!d) return Usage(absl::StrCat("--", f, " '", a.Get(f), "' is not a date like 2016-03-31"));
    (std::string(f) == "reference-start" ? o.reference_start : o.reference_end) = *d;
  }
  if (a.Has("horizon-months") && !absl::SimpleAtoi(a.Get("horizon-months"), &o.horizon_months))
    return Usage("--horizon-months takes a whole number of months, like 12");
  if (a.Has("step-days") && !absl::SimpleAtoi(a.Get("step-days"), &o.step_days))
    return Usage("--step-days takes a whole number of days, like 1");
  if (a.Has("costs")) {
    auto c = ReadCosts(a.Get("costs"));
    if (!c.ok()) return Usage(absl::StrCat("--costs ", c.status().message()));
    o.costs = *c;
  }
  if (a.Has("adjust")) {
    auto m = ReadAdjustments(a.Get("adjust"));
    if (!m.ok()) return Usage(absl::StrCat("--adjust ", m.status().message()));
    o.adjustments = *m;
  }
  const std::string dir = a.Get("ssda903");
  auto h = ReadSsda903Folder(dir);
  if (!h.ok()) return Usage(std::string(h.status().message()));
  auto stats = PopulationStats::Build(*h);
  if (!stats.ok()) return Usage(std::string(stats.status().message()));
  if (a.Has("backtest")) {
    for (const char* f : {"reference-start", "reference-end", "horizon-months", "costs", "adjust", "runs", "seed"})
      if (a.Has(f))
        return Usage(absl::StrCat("--backtest chooses its own windows and horizons (6 and 12 months): --", f,
                                  " is for a forecast"));
    BacktestOptions bo;
    bo.step_days = o.step_days;
    bo.complete_from = CoverageStart(*h);
    auto b = Backtest(*stats, bo);
    if (!b.ok()) return Usage(std::string(b.status().message()));
    return PrintBacktest(*b, bo, a.Has("json"), a.Has("csv"));
  }
  auto r = RunForecast(*stats, o);
  if (!r.ok()) return Usage(std::string(r.status().message()));
  BandOptions bo;
  if (a.Has("runs") && (!absl::SimpleAtoi(a.Get("runs"), &bo.runs) || bo.runs < 2 || bo.runs > 100000))
    return Usage("--runs takes a whole number of simulations from 2 to 100000, like 200");
  if (a.Has("seed") && !absl::SimpleAtoi(a.Get("seed"), &bo.seed)) return Usage("--seed takes a whole number");
  auto bands = SimulateBand(*stats, o, *r, bo);
  if (!bands.ok()) return Usage(std::string(bands.status().message()));
  if (a.Has("json")) PrintJson(*r, *bands, dir);
  else if (a.Has("csv")) PrintCsv(*r, *bands);
  else PrintText(*r, *bands, bo, dir);
  return kOk;
}

}  // namespace carestat
