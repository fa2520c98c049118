// File: demand.h
// The looked-after children demand and cost model of ../shared/design/DEMAND.md (the
// method of Data to Insight / Social Finance's cs-demand-model, re-implemented): states
// of age bracket x placement category, stock by day from SSDA903 Header and Episodes,
// mean daily transition rates over a reference window, daily entrants, ageing, and the
// projection step for daily or n-day steps; costs per category; scenario adjustments.
//   absl::StatusOr<EpisodeHistory> h = ReadSsda903Folder("/data/301");
//   auto stats = PopulationStats::Build(*h);          // errors name file, line, field
//   auto model = stats->Learn(ref_start, ref_end);    // rates, entrants, P0
//   Projection p = Project(model->population, model->rates, model->numbers, steps, step_days);
#pragma once

#include <array>
#include <cstdint>
#include <istream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace carestat::forecast {

// Placement categories (DEMAND.md "States"): FOSTERING U1-U6, RESIDENTIAL K2 R1,
// SUPPORTED H5 P2, OTHER every other code, NOT_IN_CARE.
enum Category { kFostering = 0, kResidential, kSupported, kOther, kNotInCare };
inline constexpr int kCategories = 5;
inline constexpr int kBrackets = 5;
// States 0..24 are bracket * kCategories + category; kOutside is "()", outside the system.
inline constexpr int kStates = kBrackets * kCategories;
inline constexpr int kOutside = kStates;
inline constexpr int kNodes = kStates + 1;

const char* CategoryName(int category);   // "FOSTERING", ...
const char* BracketName(int bracket);     // "BIRTH_TO_ONE", ...
std::string StateName(int state);         // "ONE_TO_FIVE/FOSTERING", "()" for kOutside
inline int StateOf(int bracket, int category) { return bracket * kCategories + category; }
inline int BracketOfState(int s) { return s / kCategories; }
inline int CategoryOfState(int s) { return s % kCategories; }
Category CategoryOfPlace(const std::string& place);
// The bracket holding an age in years (start <= age < end), -1 when none does.
int BracketOfAge(double age_years);
int BracketLengthDays(int bracket);  // 365, 1460, 1825, 2190, 5110

// A square matrix over kNodes: m[from][to].
using Matrix = std::array<std::array<double, kNodes>, kNodes>;
using Population = std::array<double, kNodes>;  // [kOutside] unused
Matrix ZeroMatrix();

// Where a row came from, for errors.
struct Source {
  std::string file;
  int64_t line = 0;
};
struct HeaderRow {
  std::string child;
  std::optional<int32_t> dob;  // day number
  Source src;
};
struct EpisodeRow {
  std::string child;
  std::optional<int32_t> decom, dec;
  std::string place;
  Source src;
};
// One folder year's Header and Episodes rows.
struct YearTables {
  std::string year;
  std::vector<HeaderRow> header;
  std::vector<EpisodeRow> episodes;
};
struct EpisodeHistory {
  std::vector<YearTables> years;
  // Whether errors may quote a child's identifier: yes for the council's own files
  // (--ssda903), no for stored records, whose pseudonyms must not reach a read-role
  // principal or a report (the file and line name the row).
  bool quote_children = true;
};

// Reads DIR/<year>/*.csv: every CSV whose columns are SSDA903 Header or Episodes (found
// by ingestion's own table detection and parser); other tables and files are ignored.
absl::StatusOr<EpisodeHistory> ReadSsda903Folder(const std::string& dir);
// 1 April of the first collection year, from folders named by year ("2011" = 2010-11); 0
// when no folder is.
int32_t CoverageStart(const EpisodeHistory& h);
// 31 March of the last collection year (the folder "2016": 31 March 2016); 0 when no
// folder is named by year.
int32_t CoverageEnd(const EpisodeHistory& h);

// An episode after DEMAND.md's data preparation.
struct Episode {
  std::string child;
  int32_t decom = 0;
  std::optional<int32_t> dec;
  int bracket = -1;  // at DECOM; -1 outside every bracket (left out of stock and rates)
  Category category = kOther, before = kNotInCare, after = kNotInCare;
};

struct LearnedModel {
  int32_t reference_start = 0, reference_end = 0;
  Matrix rates;        // observed mean daily rates plus ageing
  Matrix numbers;      // entrants per day: numbers[kOutside][state]
  Population population{};  // stock at reference end
};

class PopulationStats {
 public:
  // Prepares the episodes (join, de-duplication, overlaps, ages, before/after). Errors:
  // an Episodes row with no DECOM, a child in Episodes but not in that year's Header, a
  // Header row with no DOB, no episodes at all.
  // `known_until`: the last day the returns cover (CoverageEnd); the data then runs to
  // it even when the last episode event is earlier. 0: the last event's day, as the
  // reference model has it.
  static absl::StatusOr<PopulationStats> Build(const EpisodeHistory& h, int32_t known_until = 0);

  const std::vector<Episode>& episodes() const { return episodes_; }
  int32_t first_day() const { return first_; }
  int32_t last_day() const { return last_; }
  // Stock of a state on a day (the nearest day held when outside the data).
  double StockAt(int state, int32_t day) const;
  Population StockOn(int32_t day) const;
  // Mean over the window's days of transitions(day) / stock(day - 1) (the first day's
  // denominator is its own stock); a day with 0/0 counts 0. Error when the window holds
  // no day of data.
  absl::StatusOr<Matrix> RawTransitionRates(int32_t start, int32_t end) const;
  // Entrants per day (from kOutside) in [start, end].
  absl::StatusOr<Matrix> DailyEntrants(int32_t start, int32_t end) const;
  absl::StatusOr<LearnedModel> Learn(int32_t start, int32_t end) const;
  // Days in the window where a state with no stock the day before lost a child: the
  // reference model's ratio is infinite there; carestat counts the day as 0.
  int infinite_ratio_days() const { return infinite_days_; }

 private:
  std::vector<Episode> episodes_;
  int32_t first_ = 0, last_ = 0;
  std::vector<std::array<double, kStates>> stock_;             // per day from first_
  std::vector<std::vector<std::pair<int, int>>> transitions_;  // per day: (from, to) once each
  mutable int infinite_days_ = 0;
};

// 1/length for (bracket, cat) -> (bracket + 1, cat) for every category; the last
// bracket -> kOutside.
Matrix AgeingRates();

// One projection step of `days` days (DEMAND.md "Projection step").
Population Step(const Population& p, const Matrix& rates, const Matrix& numbers, int days = 1);
// `steps` steps; row i is the population after (i + 1) * step_days days.
std::vector<Population> Predict(const Population& p0, const Matrix& rates, const Matrix& numbers, int steps,
                                int step_days);

// Weekly cost per category (NOT_IN_CARE 0): DEMAND.md's nine cost lines by default.
struct Costs {
  std::array<double, kCategories> weekly{};
};
Costs DefaultCosts();
// CSV `category,weekly_cost` (FOSTERING, RESIDENTIAL, SUPPORTED, OTHER) or
// `line,category,weekly_cost[,proportion]`; a category's cost is the proportion-weighted
// mean of its lines. Errors name the file, line and field.
absl::StatusOr<Costs> ReadCosts(const std::string& path);
// The same from a stream; `name` is what errors call it (a file, "costs_csv").
absl::StatusOr<Costs> ReadCosts(std::istream& in, const std::string& name);

// CSV `from,to,age,per_month` (categories and a bracket name): extra daily rate
// per_month / 30 from (age, from) to (age, to). A rate per child, not a count: 0.05 moves
// one child in twenty a month (DEMAND.md "Scenario adjustments").
absl::StatusOr<Matrix> ReadAdjustments(const std::string& path);
absl::StatusOr<Matrix> ReadAdjustments(std::istream& in, const std::string& name);

// ---- A whole forecast, as `carestat forecast` and the Forecast RPC give it ----
struct ForecastOptions {
  // Default: the reference window is the last 6 months of data (as the reference
  // model's command line), ending on the data's last day.
  std::optional<int32_t> reference_start, reference_end;
  int horizon_months = 12;
  int step_days = 1;      // 1..180
  Costs costs = DefaultCosts();
  Matrix adjustments = ZeroMatrix();  // extra daily rates (ReadAdjustments)
};
struct ForecastRow {
  int32_t date = 0;
  Population population{};
};
struct ForecastResult {
  int32_t data_start = 0, data_end = 0, reference_start = 0, reference_end = 0;
  int horizon_months = 0, step_days = 0;
  Costs costs;
  std::vector<ForecastRow> history;     // actual stock at month ends in the window, and at its end
  std::vector<ForecastRow> steps;       // every projected step: reference end + (i + 1) * step_days
  std::vector<ForecastRow> month_ends;  // the last step on or before each month end of the horizon
  int infinite_ratio_days = 0;
};
absl::StatusOr<ForecastResult> RunForecast(const PopulationStats& stats, const ForecastOptions& options);
// Children in a category (all brackets); in care = every category but NOT_IN_CARE.
double CategoryTotal(const Population& p, int category);
double InCare(const Population& p);
// Cost per day of a category: population x weekly cost / 7 (the reference model's series).
double DailyCost(const Population& p, const Costs& c, int category);
int32_t MonthEnd(int32_t day);

// ---- How far to trust it ----
// Backtest: learn from a window ending at each origin, project, compare with the stock
// that followed. The files are today's, so later corrections to old episodes are in the
// history: it tests the method, not the data as it was held then.
struct BacktestOptions {
  // Empty: every 31 March and 30 September with a window of data from `complete_from`
  // before it and 6 months after it.
  std::vector<int32_t> origins;
  // From when the stock is complete: the start of the first return's year (episodes
  // before it are only those of children still in care then). 0: a year after the
  // first episode.
  int32_t complete_from = 0;
  int window_months = 6;
  std::vector<int> horizons = {6, 12};
  int step_days = 1;
};
struct BacktestPoint {
  int32_t origin = 0, target = 0;
  int horizon_months = 0;
  std::array<double, kCategories> projected{}, actual{};  // [kNotInCare] holds children in care
};
struct BacktestError {
  int horizon_months = 0;
  int points = 0;
  // Per category, [kNotInCare] for all children in care: mean absolute percentage error
  // and mean signed percentage error (positive: the forecast was too high); NaN where
  // no point had an actual above 0.
  std::array<double, kCategories> mape{}, bias{};
};
struct BacktestResult {
  std::vector<BacktestPoint> points;
  std::vector<BacktestError> errors;  // one per horizon
};
absl::StatusOr<BacktestResult> Backtest(const PopulationStats& stats, const BacktestOptions& options);

// Uncertainty: `runs` simulations of whole children (multinomial moves with the step's
// probabilities, Poisson entrants) from the rounded starting stock, with a fixed seed
// (std::mt19937_64 and libstdc++'s distributions: the same on every run of one build).
// Band rows match `result.month_ends`: the `lower` and `upper` quantiles of each
// category ([kNotInCare] = children in care).
struct Band {
  int32_t date = 0;
  std::array<double, kCategories> lower{}, upper{};
};
struct BandOptions {
  int runs = 200;
  uint64_t seed = 18;
  double lower_quantile = 0.05, upper_quantile = 0.95;
};
absl::StatusOr<std::vector<Band>> SimulateBand(const PopulationStats& stats, const ForecastOptions& options,
                                               const ForecastResult& result, const BandOptions& band);

}  // namespace carestat::forecast
