#include "services/metrics/forecast/run.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "services/common/datasets.h"
#include "services/common/dates.h"

namespace carestat::forecast {
namespace {

constexpr int kShown[] = {kFostering, kResidential, kSupported, kOther};

void Fill(const std::array<double, kCategories>& v, v1::CategoryValues* out) {
  out->set_fostering(v[kFostering]);
  out->set_residential(v[kResidential]);
  out->set_supported(v[kSupported]);
  out->set_other(v[kOther]);
  out->set_in_care(v[kNotInCare]);  // [kNotInCare] holds the children in care
}

std::array<double, kCategories> Children(const Population& p) {
  std::array<double, kCategories> out{};
  for (int c : kShown) out[c] = CategoryTotal(p, c);
  out[kNotInCare] = InCare(p);
  return out;
}

std::array<double, kCategories> Cost(const Population& p, const Costs& costs) {
  std::array<double, kCategories> out{};
  for (int c : kShown) {
    out[c] = DailyCost(p, costs, c);
    out[kNotInCare] += out[c];
  }
  return out;
}

void FillPoint(const ForecastRow& row, const char* kind, const Costs& costs, v1::ForecastPoint* out) {
  out->set_date(FormatIsoDate(row.date));
  out->set_kind(kind);
  Fill(Children(row.population), out->mutable_children());
  Fill(Cost(row.population, costs), out->mutable_daily_cost());
  for (int s = 0; s < kStates; ++s) {
    if (CategoryOfState(s) == kNotInCare || row.population[s] == 0) continue;
    auto* st = out->add_states();
    st->set_state(StateName(s));
    st->set_children(row.population[s]);
  }
}

bool IsSsda903(const std::string& dataset) {
  return dataset == kDatasetSsda903Xml || dataset == Ssda903Dataset("header") || dataset == Ssda903Dataset("episodes");
}

}  // namespace

absl::StatusOr<EpisodeHistory> HistoryFromRecords(const std::vector<v1::ReturnInfo>& returns, const RecordScan& scan) {
  std::vector<std::string> ids;
  std::map<std::string, const v1::ReturnInfo*> by_id;
  for (const auto& r : returns) {
    if (!IsSsda903(r.dataset())) continue;
    for (const auto& t : r.rule_tallies()) {
      // The parser leaves an Episodes row with no DECOM out: the history would be short.
      if (t.rule() == "141" && t.count() > 0)
        return absl::InvalidArgumentError(absl::StrCat(
            "return ", r.return_id(), " (", r.file_name(), ") field DECOM: ", t.count(),
            " episode(s) have no start date and were not stored (rule 141); the forecast would count fewer "
            "children: correct and upload the file again"));
    }
    ids.push_back(r.return_id());
    by_id[r.return_id()] = &r;
  }
  if (ids.empty()) return absl::NotFoundError("no SSDA903 Header or Episodes return is stored for this LA");
  // The returns in id order (by_id's), so that a row's return number sorts as its id.
  std::map<std::string, size_t> number;
  std::vector<const v1::ReturnInfo*> infos;
  std::vector<std::string> files;  // what a row's Source calls its return
  for (const auto& [id, info] : by_id) {
    number[id] = infos.size();
    infos.push_back(info);
    files.push_back(absl::StrCat(info->file_name(), " (return ", id, ")"));
  }
  // What the model reads of each record, taken as the record streams past (a copy of
  // every record cost more than the model's own preparation).
  struct Row {
    size_t ret;
    int64_t line;
    std::string child;
    std::optional<int32_t> a, b;  // a Header row's DOB; an episode's DECOM and DEC
    std::string place;
  };
  struct Year {
    std::vector<Row> header, episodes;
  };
  std::map<int, Year> by_year;
  // The stream gives the records return by return: the last return's lookup serves again.
  std::string last_id;
  size_t last = 0;
  bool last_known = false;
  absl::Status s = scan(ids, [&](const v1::Record& r) {
    if (!r.has_child() && !r.has_care_episode()) return;
    if (r.return_id() != last_id || last_id.empty()) {
      auto it = number.find(r.return_id());
      last_id = r.return_id();
      last_known = it != number.end();
      if (last_known) last = it->second;
    }
    if (!last_known) return;
    const v1::ReturnInfo* info = infos[last];
    // A CSV Header return's children only: other tables carry no Child rows, and the
    // CIN census's children are not the looked-after Header.
    const std::string& ds = info->dataset();
    if (r.has_child() && ds == Ssda903Dataset("episodes")) return;
    if (r.has_care_episode() && ds == Ssda903Dataset("header")) return;
    Year& y = by_year[info->collection_year()];
    if (r.has_child()) {
      const auto& c = r.child();
      Row row{last, r.line(), c.child_id(), std::nullopt, std::nullopt, {}};
      if (c.has_birth_date() && c.birth_date().year() > 0) row.a = ToDays(c.birth_date());
      y.header.push_back(std::move(row));
    } else {
      const auto& e = r.care_episode();
      Row row{last, r.line(), e.child_id(), std::nullopt, std::nullopt, absl::AsciiStrToUpper(e.placement())};
      if (e.has_start_date() && e.start_date().year() > 0) row.a = ToDays(e.start_date());
      if (e.has_end_date() && e.end_date().year() > 0) row.b = ToDays(e.end_date());
      y.episodes.push_back(std::move(row));
    }
  });
  if (!s.ok()) return s;
  EpisodeHistory h;
  h.quote_children = false;  // pseudonyms: errors go to read-role callers and reports
  // The folder reader takes each year's files in name order and each file's rows in line
  // order; the model keys on child and dates alone, so only the order within a table
  // matters: line order, return by return.
  auto by_line = [](const Row& a, const Row& b) { return std::tie(a.ret, a.line) < std::tie(b.ret, b.line); };
  for (auto& [year, rows] : by_year) {
    std::stable_sort(rows.header.begin(), rows.header.end(), by_line);
    std::stable_sort(rows.episodes.begin(), rows.episodes.end(), by_line);
    YearTables t;
    t.year = absl::StrCat(year);
    t.header.reserve(rows.header.size());
    for (auto& row : rows.header) t.header.push_back({std::move(row.child), row.a, Source{files[row.ret], row.line}});
    t.episodes.reserve(rows.episodes.size());
    for (auto& row : rows.episodes)
      t.episodes.push_back(
          {std::move(row.child), row.a, row.b, std::move(row.place), Source{files[row.ret], row.line}});
    if (!t.header.empty() || !t.episodes.empty()) h.years.push_back(std::move(t));
  }
  if (h.years.empty()) return absl::NotFoundError("the LA's SSDA903 returns hold no Header or Episodes rows");
  return h;
}

absl::StatusOr<ForecastOptions> OptionsOf(const v1::ForecastRequest& req) {
  ForecastOptions o;
  for (const auto& [name, text] : {std::pair<const char*, std::string>{"reference_start", req.reference_start()},
                                   {"reference_end", req.reference_end()}}) {
    if (text.empty()) continue;
    auto d = ParseAnyDate(text);
    if (!d) return absl::InvalidArgumentError(absl::StrCat(name, " '", text, "' is not a date like 2016-03-31"));
    (std::string(name) == "reference_start" ? o.reference_start : o.reference_end) = *d;
  }
  if (req.horizon_months()) o.horizon_months = req.horizon_months();
  if (req.step_days()) o.step_days = req.step_days();
  if (!req.costs_csv().empty()) {
    std::istringstream in(req.costs_csv());
    auto c = ReadCosts(in, "costs");
    if (!c.ok()) return c.status();
    o.costs = *c;
  }
  if (!req.adjust_csv().empty()) {
    std::istringstream in(req.adjust_csv());
    auto m = ReadAdjustments(in, "adjustments");
    if (!m.ok()) return m.status();
    o.adjustments = *m;
  }
  if (req.runs() != 0 && req.runs() != -1 && (req.runs() < 2 || req.runs() > 100000))
    return absl::InvalidArgumentError("runs: give a whole number of simulations from 2 to 100000, like 200");
  return o;
}

absl::StatusOr<v1::LaForecast> ForecastLa(const std::string& la, const std::string& source, const EpisodeHistory& h,
                                          const v1::ForecastRequest& req) {
  auto o = OptionsOf(req);
  if (!o.ok()) return o.status();
  auto stats = PopulationStats::Build(h, CoverageEnd(h));
  if (!stats.ok()) return stats.status();
  auto r = RunForecast(*stats, *o);
  if (!r.ok()) return r.status();
  v1::LaForecast f;
  f.set_la(la);
  f.set_source(source);
  f.set_data_start(FormatIsoDate(r->data_start));
  f.set_data_end(FormatIsoDate(r->data_end));
  f.set_reference_start(FormatIsoDate(r->reference_start));
  f.set_reference_end(FormatIsoDate(r->reference_end));
  f.set_horizon_months(r->horizon_months);
  f.set_step_days(r->step_days);
  std::array<double, kCategories> weekly = r->costs.weekly;
  weekly[kNotInCare] = 0;
  Fill(weekly, f.mutable_weekly_cost());
  f.mutable_weekly_cost()->clear_in_care();
  f.set_infinite_ratio_days(r->infinite_ratio_days);
  for (const auto& row : r->history) FillPoint(row, "actual", r->costs, f.add_points());
  std::vector<Band> bands;
  if (req.runs() != -1) {
    BandOptions bo;
    if (req.runs()) bo.runs = req.runs();
    if (req.seed()) bo.seed = req.seed();
    auto b = SimulateBand(*stats, *o, *r, bo);
    if (!b.ok()) return b.status();
    bands = *std::move(b);
    f.set_band_runs(bo.runs);
    f.set_band_seed(bo.seed);
    f.set_band_lower_quantile(bo.lower_quantile);
    f.set_band_upper_quantile(bo.upper_quantile);
  }
  for (size_t i = 0; i < r->month_ends.size(); ++i) {
    auto* p = f.add_points();
    FillPoint(r->month_ends[i], "projected", r->costs, p);
    if (i < bands.size()) {
      Fill(bands[i].lower, p->mutable_band_lower());
      Fill(bands[i].upper, p->mutable_band_upper());
    }
  }
  // The cost of the horizon, each step's daily cost for the days of the step; the next
  // financial year's from the steps that end inside it.
  const int fy = FinancialYearOf(r->reference_end) + 1;
  const int32_t fy_start = FinancialYearStart(fy), fy_end = FinancialYearEnd(fy);
  std::array<double, kCategories> horizon{}, year{};
  bool reaches_year_end = false;
  for (const auto& s : r->steps) {
    const auto c = Cost(s.population, r->costs);
    for (int k = 0; k < kCategories; ++k) horizon[k] += c[k] * r->step_days;
    if (s.date >= fy_start && s.date <= fy_end)
      for (int k = 0; k < kCategories; ++k) year[k] += c[k] * r->step_days;
    if (s.date >= fy_end) reaches_year_end = true;
  }
  Fill(horizon, f.mutable_horizon_cost());
  if (reaches_year_end && r->reference_end < fy_start) {
    f.set_cost_year(FormatPeriod(FinancialYear(fy)));
    Fill(year, f.mutable_cost_year_cost());
  }
  if (req.backtest()) {
    BacktestOptions bo;
    bo.step_days = o->step_days;
    bo.complete_from = CoverageStart(h);
    auto b = Backtest(*stats, bo);
    if (!b.ok()) {
      f.set_backtest_error(std::string(b.status().message()));
    } else {
      f.set_backtest_window_months(bo.window_months);
      for (const auto& p : b->points) {
        auto* c = f.add_backtest();
        c->set_origin(FormatIsoDate(p.origin));
        c->set_horizon_months(p.horizon_months);
        c->set_target(FormatIsoDate(p.target));
        Fill(p.projected, c->mutable_projected());
        Fill(p.actual, c->mutable_actual());
      }
      for (const auto& e : b->errors) {
        auto* s = f.add_backtest_errors();
        s->set_horizon_months(e.horizon_months);
        s->set_origins(e.points);
        Fill(e.mape, s->mutable_mape());
        Fill(e.bias, s->mutable_bias());
      }
    }
  }
  return f;
}

}  // namespace carestat::forecast
