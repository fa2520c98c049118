#include "services/reporting/reports/projection.h"

#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "services/common/dates.h"
#include "services/reporting/render/text.h"

namespace carestat {
namespace {

struct Category {
  const char* key;
  const char* label;
  double (v1::CategoryValues::*get)() const;
};
const Category kCategories[] = {
    {"fostering", "Fostering", &v1::CategoryValues::fostering},
    {"residential", "Residential (children's homes, secure units)", &v1::CategoryValues::residential},
    {"supported", "Supported and independent living (16+)", &v1::CategoryValues::supported},
    {"other", "Other placements", &v1::CategoryValues::other},
    {"all", "All looked-after children", &v1::CategoryValues::in_care},
};

v1::Cell Value(double v, const std::string& unit) {
  v1::Cell c;
  c.set_has_value(true);
  c.set_value(v);
  c.set_unit(unit);
  return c;
}
v1::Cell Missing(const std::string& why) {
  v1::Cell c;
  c.set_missing(why);
  return c;
}

// "Mar 2016" for 2016-03-31.
std::string MonthLabel(const std::string& iso) {
  static const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  auto d = ParseIsoDate(iso);
  if (!d) return iso;
  int y, m, day;
  CivilFromDays(*d, &y, &m, &day);
  return absl::StrCat(kMonths[m - 1], " ", y);
}
// "31 March 2016".
std::string LongDate(const std::string& iso) {
  auto d = ParseIsoDate(iso);
  return d ? DateWords(int64_t{*d} * 86400000) : iso;
}

std::string Pct1(double v) { return absl::StrFormat("%.1f%%", v); }

// The backtest in words for the figure's note.
std::string BacktestWords(const v1::LaForecast& f) {
  if (!f.backtest_error().empty()) return absl::StrCat("No backtest: ", f.backtest_error(), ".");
  std::string out;
  for (const auto& e : f.backtest_errors()) {
    if (std::isnan(e.mape().in_care())) continue;
    absl::StrAppend(&out, out.empty() ? "" : "; ", e.horizon_months(), " months ahead from ", e.origins(),
                    " past dates, the children in care were forecast within ", Pct1(e.mape().in_care()),
                    " on average (bias ", e.bias().in_care() >= 0 ? "+" : "", Pct1(e.bias().in_care()), ")");
  }
  if (out.empty()) return "No backtest: no past date had a year of history and six months after it.";
  return absl::StrCat("How good past forecasts were (the same model learned from the six months before each past "
                      "31 March and 30 September): ", out, ".");
}

}  // namespace

void AddProjection(MetricsSource& metrics, const std::string& la, int last_year, v1::AnnualReport* report) {
  const std::string year_end = FormatIsoDate(FinancialYearEnd(last_year));
  const std::string next_year = FormatPeriod(FinancialYear(last_year + 1));
  v1::Figure* fig = report->add_figures();
  fig->set_id("figure5");
  fig->set_number("5");
  fig->set_title("Looked-after children: actual and projected");
  fig->set_indicator("lac_year_end");
  fig->set_unit("count");
  fig->set_y_label("Looked-after children");
  v1::Table* now = report->add_tables();
  now->set_id("table5");
  now->set_number("5");
  now->set_title(absl::StrCat("Looked-after children by placement at ", LongDate(year_end), " and projected a year on"));
  now->set_hide_changes(true);
  v1::Table* cost = report->add_tables();
  cost->set_id("table6");
  cost->set_number("6");
  cost->set_title(absl::StrCat("Projected cost of placements in ", next_year));
  cost->set_hide_changes(true);

  auto f = metrics.Forecast(la, year_end);
  if (!f.ok() || f->points().empty()) {
    const std::string why =
        f.ok() ? "metrics gave no projection"
               : absl::StrCat("no projection: ", f.status().message());
    for (auto* s : {fig->mutable_source(), now->mutable_source(), cost->mutable_source()})
      *s = "carestat's demand model (docs/FORECAST.md) from the SSDA903 returns";
    fig->set_gap(why);
    now->set_gap(why);
    cost->set_gap(why);
    return;
  }
  // The quarter ends of the window and of the horizon.
  std::vector<const v1::ForecastPoint*> shown;
  const v1::ForecastPoint* last_actual = nullptr;
  for (const auto& p : f->points()) {
    if (p.kind() == "actual") last_actual = &p;
    auto d = ParseIsoDate(p.date());
    if (!d) continue;
    int y, m, day;
    CivilFromDays(*d, &y, &m, &day);
    if (m % 3 == 0) shown.push_back(&p);
  }
  const v1::ForecastPoint* last = f->points().empty() ? nullptr : &f->points(f->points_size() - 1);
  auto* actual = fig->add_series();
  actual->set_entity(la);
  actual->set_label("Looked-after children (actual)");
  auto* projected = fig->add_series();
  projected->set_entity("projected");
  projected->set_label("Projected");
  projected->set_role("projection");
  auto* lower = fig->add_series();
  lower->set_entity("band_lower");
  lower->set_label(absl::StrFormat("Band: %.0fth percentile", 100 * f->band_lower_quantile()));
  lower->set_role("band_lower");
  auto* upper = fig->add_series();
  upper->set_entity("band_upper");
  upper->set_label(absl::StrFormat("Band: %.0fth percentile", 100 * f->band_upper_quantile()));
  upper->set_role("band_upper");
  for (const auto* p : shown) {
    fig->add_periods(MonthLabel(p->date()));
    const bool is_actual = p->kind() == "actual";
    *actual->add_values() = is_actual ? Value(p->children().in_care(), "count") : Missing("projected");
    // The projection starts from the last actual stock, so its line joins the bars.
    const bool start = is_actual && p == last_actual;
    *projected->add_values() =
        is_actual && !start ? Missing("actual") : Value(p->children().in_care(), "count");
    const bool band = p->has_band_lower();
    *lower->add_values() = band ? Value(p->band_lower().in_care(), "count") : start ? Value(p->children().in_care(), "count") : Missing("actual");
    *upper->add_values() = band ? Value(p->band_upper().in_care(), "count") : start ? Value(p->children().in_care(), "count") : Missing("actual");
  }
  const std::string learned = absl::StrCat(
      "carestat's demand model (docs/FORECAST.md), learned from the council's SSDA903 episodes ",
      LongDate(f->reference_start()), " to ", LongDate(f->reference_end()), " and projected day by day");
  fig->set_source(absl::StrCat(
      learned, ". The band holds ", absl::StrFormat("%.0f", 100 * (f->band_upper_quantile() - f->band_lower_quantile())),
      "% of ", f->band_runs(), " simulations of children moving between placements at the model's rates (seed ",
      f->band_seed(), "): the chance variation of a year like the one learned from, not a change of policy or of "
      "demand. ", BacktestWords(*f)));

  // Table 5: by placement, at the year's end and a year on with the band.
  if (last_actual && last) {
    now->add_periods(absl::StrCat(MonthLabel(last_actual->date()), " (actual)"));
    now->add_periods(absl::StrCat(MonthLabel(last->date()), " (projected)"));
    now->add_periods(absl::StrFormat("%s low (%.0fth percentile)", MonthLabel(last->date()), 100 * f->band_lower_quantile()));
    now->add_periods(absl::StrFormat("%s high (%.0fth percentile)", MonthLabel(last->date()), 100 * f->band_upper_quantile()));
    for (const auto& c : kCategories) {
      auto* row = now->add_rows();
      // Not catalogue indicators: the model's expected numbers, keyed by placement.
      row->set_indicator("forecast_children");
      row->set_breakdown(absl::StrCat("placement=", c.key));
      row->set_label(c.label);
      row->set_unit("count");
      *row->add_values() = Value((last_actual->children().*c.get)(), "count");
      *row->add_values() = Value((last->children().*c.get)(), "count");
      if (last->has_band_lower()) {
        *row->add_values() = Value((last->band_lower().*c.get)(), "count");
        *row->add_values() = Value((last->band_upper().*c.get)(), "count");
      } else {
        *row->add_values() = Missing("no band");
        *row->add_values() = Missing("no band");
      }
    }
  }
  now->set_source(absl::StrCat(learned, "; projected figures are expected numbers, not counts of children, and "
                                        "each category's band is its own (the bands do not add up)."));

  // Table 6: the next financial year's cost by category.
  cost->add_periods("Weekly cost per child");
  cost->add_periods(absl::StrCat("Projected cost ", next_year));
  for (const auto& c : kCategories) {
    auto* row = cost->add_rows();
    row->set_indicator("forecast_cost");
    row->set_breakdown(absl::StrCat("placement=", c.key));
    row->set_label(c.label);
    row->set_unit("gbp");
    const bool total = c.get == &v1::CategoryValues::in_care;
    *row->add_values() = total ? Missing("not applicable") : Value((f->weekly_cost().*c.get)(), "gbp");
    *row->add_values() = f->cost_year() == next_year ? Value((f->cost_year_cost().*c.get)(), "gbp")
                                                     : Missing("the projection does not reach the year's end");
  }
  cost->set_source(absl::StrCat(
      learned, "; each day's projected children in a category times its weekly cost divided by 7, summed over the "
               "year. Weekly costs: DEMAND.md's defaults unless the council loads its own (carestat forecast --costs)."));
}

}  // namespace carestat
