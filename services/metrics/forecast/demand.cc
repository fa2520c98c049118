#include "services/metrics/forecast/demand.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <tuple>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "services/common/csv.h"
#include "services/common/dates.h"
#include "services/metrics/forecast/draws.h"
#include "services/ingestion/formats/format.h"
#include "services/ingestion/formats/ssda903.h"

namespace carestat::forecast {
namespace {

constexpr const char* kCategoryNames[kCategories] = {"FOSTERING", "RESIDENTIAL", "SUPPORTED", "OTHER",
                                                     "NOT_IN_CARE"};
constexpr const char* kBracketNames[kBrackets] = {"BIRTH_TO_ONE", "ONE_TO_FIVE", "FIVE_TO_TEN", "TEN_TO_SIXTEEN",
                                                  "SIXTEEN_TO_EIGHTEEN"};
// Bracket bounds in years; the last has no max in the reference config, so its code
// default of 30 applies (and its length is (30 - 16) * 365 days).
constexpr double kBracketMin[kBrackets] = {-1, 1, 5, 10, 16};
constexpr double kBracketMax[kBrackets] = {1, 5, 10, 16, 30};
constexpr double kYearInDays = 365.24;

// Collects what ingestion's SSDA903 parser reads from one Header or Episodes file.
class TableSink : public ParseSink {
 public:
  TableSink(const std::string& path, YearTables* out) : path_(path), out_(out) {}
  void OnRecord(v1::Record r, const std::string& raw_child_id) override {
    Source src{path_, r.line()};
    if (r.has_child()) {
      HeaderRow h{raw_child_id, std::nullopt, src};
      if (r.child().has_birth_date() && r.child().birth_date().year() > 0) h.dob = ToDays(r.child().birth_date());
      out_->header.push_back(std::move(h));
    } else if (r.has_care_episode()) {
      const auto& e = r.care_episode();
      EpisodeRow row{raw_child_id, ToDays(e.start_date()), std::nullopt, absl::AsciiStrToUpper(e.placement()), src};
      if (e.has_end_date() && e.end_date().year() > 0) row.dec = ToDays(e.end_date());
      out_->episodes.push_back(std::move(row));
    }
  }
  void OnIssue(v1::ValidationIssue i, bool fatal) override {
    // The model cannot place a row without its key date: the parser leaves such an
    // Episodes row out (rule 141), which would silently shorten the history.
    if (!error_.ok()) return;
    if (!fatal && i.rule() != "141") return;
    std::string message = i.message();
    const std::string prefix = absl::StrCat(path_, " line ", i.line(), ": ");
    if (absl::StartsWith(message, prefix)) message = message.substr(prefix.size());
    error_ = absl::InvalidArgumentError(
        absl::StrCat(path_, " line ", i.line(), i.field().empty() ? "" : " field ", i.field(), ": ", message));
  }
  bool WantsEngineRules() const override { return false; }
  absl::Status error_;

 private:
  std::string path_;
  YearTables* out_;
};

}  // namespace

const char* CategoryName(int c) { return c >= 0 && c < kCategories ? kCategoryNames[c] : "?"; }
const char* BracketName(int b) { return b >= 0 && b < kBrackets ? kBracketNames[b] : "?"; }
std::string StateName(int s) {
  if (s == kOutside) return "()";
  return absl::StrCat(BracketName(BracketOfState(s)), "/", CategoryName(CategoryOfState(s)));
}

Category CategoryOfPlace(const std::string& place) {
  static const std::set<std::string> kFoster = {"U1", "U2", "U3", "U4", "U5", "U6"};
  if (kFoster.count(place)) return kFostering;
  if (place == "K2" || place == "R1") return kResidential;
  if (place == "H5" || place == "P2") return kSupported;
  return kOther;
}

int BracketOfAge(double age) {
  for (int b = 0; b < kBrackets; ++b)
    if (kBracketMin[b] <= age && age < kBracketMax[b]) return b;
  return -1;
}
int BracketLengthDays(int b) { return static_cast<int>((kBracketMax[b] - std::max(0.0, kBracketMin[b])) * 365); }

Matrix ZeroMatrix() {
  Matrix m;
  for (auto& row : m) row.fill(0);
  return m;
}

absl::StatusOr<EpisodeHistory> ReadSsda903Folder(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    return absl::NotFoundError(absl::StrCat(dir, ": not a folder (expected DIR/<year>/<table>.csv)"));
  std::vector<fs::path> years;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.is_directory()) years.push_back(e.path());
  std::sort(years.begin(), years.end());
  EpisodeHistory h;
  for (const auto& y : years) {
    YearTables t;
    t.year = y.filename().string();
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(y, ec))
      if (e.is_regular_file() && absl::AsciiStrToLower(e.path().extension().string()) == ".csv")
        files.push_back(e.path());
    std::sort(files.begin(), files.end());
    for (const auto& f : files) {
      std::ifstream in(f, std::ios::binary);
      if (!in) return absl::NotFoundError(absl::StrCat(f.string(), ": cannot be read"));
      CsvReader reader(in);
      std::vector<std::string> heading;
      if (!reader.Next(&heading)) continue;
      const std::string table = Ssda903TableOf(heading);
      if (table != "header" && table != "episodes") continue;  // other 903 tables are not used
      in.clear();
      in.seekg(0);
      TableSink sink(f.string(), &t);
      absl::Status s = ParseSsda903Csv(in, table, f.string(), sink);
      if (!s.ok()) return s;
      if (!sink.error_.ok()) return sink.error_;
    }
    if (!t.header.empty() || !t.episodes.empty()) h.years.push_back(std::move(t));
  }
  if (h.years.empty())
    return absl::NotFoundError(absl::StrCat(dir, ": no SSDA903 Header or Episodes CSV under any <year> folder"));
  return h;
}

int32_t CoverageStart(const EpisodeHistory& h) {
  int32_t out = 0;
  for (const auto& y : h.years) {
    int year = 0;
    if (y.year.size() != 4 || !absl::SimpleAtoi(y.year, &year) || year < 1990 || year > 2200) continue;
    const int32_t start = DayNumber(year - 1, 4, 1);
    if (!out || start < out) out = start;
  }
  return out;
}

int32_t CoverageEnd(const EpisodeHistory& h) {
  int32_t out = 0;
  for (const auto& y : h.years) {
    int year = 0;
    if (y.year.size() != 4 || !absl::SimpleAtoi(y.year, &year) || year < 1990 || year > 2200) continue;
    out = std::max(out, DayNumber(year, 3, 31));
  }
  return out;
}

absl::StatusOr<PopulationStats> PopulationStats::Build(const EpisodeHistory& h, int32_t known_until) {
  struct Raw {
    std::string child;
    int32_t decom;
    std::optional<int32_t> dec;
    std::string place;
    int32_t dob;
  };
  std::vector<Raw> raw;
  auto child = [&](const std::string& id) { return h.quote_children ? absl::StrCat("child ", id) : std::string("the child"); };
  for (const auto& y : h.years) {
    // The year's Header, de-duplicated on CHILD (the first row wins).
    std::map<std::string, const HeaderRow*> header;
    for (const auto& r : y.header) {
      if (!r.dob)
        return absl::InvalidArgumentError(
            absl::StrCat(r.src.file, " line ", r.src.line, " field DOB: ", child(r.child), " has no date of birth"));
      header.emplace(r.child, &r);
    }
    for (const auto& e : y.episodes) {
      if (!e.decom)
        return absl::InvalidArgumentError(
            absl::StrCat(e.src.file, " line ", e.src.line, " field DECOM: the episode has no start date"));
      auto it = header.find(e.child);
      if (it == header.end())
        return absl::InvalidArgumentError(absl::StrCat(e.src.file, " line ", e.src.line, " field CHILD: ",
                                                       child(e.child), " is not in the Header of year ", y.year));
      // Dates far outside any return would make the daily stock huge: refused.
      const int32_t lo = DayNumber(1900, 1, 1), hi = DayNumber(2200, 12, 31);
      if (*e.decom < lo || *e.decom > hi || (e.dec && (*e.dec < lo || *e.dec > hi)))
        return absl::InvalidArgumentError(
            absl::StrCat(e.src.file, " line ", e.src.line, " field ", *e.decom < lo || *e.decom > hi ? "DECOM" : "DEC",
                         ": a date outside 1900 to 2200"));
      raw.push_back({e.child, *e.decom, e.dec, e.place, *it->second->dob});
    }
  }
  if (raw.empty()) return absl::InvalidArgumentError("no SSDA903 episodes to learn from");
  // Sort by CHILD, DECOM, DEC (missing DEC first); keep the last of each (CHILD, DECOM),
  // then the first of each (CHILD, DEC).
  auto dec_key = [](const std::optional<int32_t>& d) { return d ? int64_t{*d} : INT64_MIN; };
  std::stable_sort(raw.begin(), raw.end(), [&](const Raw& a, const Raw& b) {
    return std::tie(a.child, a.decom) < std::tie(b.child, b.decom) ||
           (a.child == b.child && a.decom == b.decom && dec_key(a.dec) < dec_key(b.dec));
  });
  std::vector<Raw> keep;
  for (size_t i = 0; i < raw.size(); ++i)
    if (i + 1 == raw.size() || raw[i + 1].child != raw[i].child || raw[i + 1].decom != raw[i].decom)
      keep.push_back(raw[i]);
  std::set<std::pair<std::string, int64_t>> seen_dec;
  std::vector<Raw> eps;
  for (auto& r : keep)
    if (seen_dec.insert({r.child, dec_key(r.dec)}).second) eps.push_back(r);

  PopulationStats s;
  for (size_t i = 0; i < eps.size(); ++i) {
    bool has_next = i + 1 < eps.size() && eps[i + 1].child == eps[i].child;
    // Overlaps: an episode open or ending after the next one starts ends when it starts.
    if (has_next && (!eps[i].dec || *eps[i].dec > eps[i + 1].decom)) eps[i].dec = eps[i + 1].decom;
    Episode e;
    e.child = eps[i].child;
    e.decom = eps[i].decom;
    e.dec = eps[i].dec;
    e.bracket = BracketOfAge((eps[i].decom - eps[i].dob) / kYearInDays);
    e.category = CategoryOfPlace(eps[i].place);
    s.episodes_.push_back(e);
  }
  for (size_t i = 0; i < s.episodes_.size(); ++i) {
    Episode& e = s.episodes_[i];
    if (i > 0 && s.episodes_[i - 1].child == e.child && s.episodes_[i - 1].dec == e.decom)
      e.before = s.episodes_[i - 1].category;
    if (i + 1 < s.episodes_.size() && s.episodes_[i + 1].child == e.child && e.dec == s.episodes_[i + 1].decom)
      e.after = s.episodes_[i + 1].category;
  }
  s.first_ = INT32_MAX;
  s.last_ = INT32_MIN;
  for (const auto& e : s.episodes_) {
    if (e.bracket < 0) continue;
    // A DEC before its DECOM (an error in the return) still has a day in the stock.
    s.first_ = std::min(s.first_, std::min(e.decom, e.dec.value_or(e.decom)));
    s.last_ = std::max(s.last_, e.dec.value_or(e.decom));
    s.last_ = std::max(s.last_, e.decom);
  }
  if (s.first_ > s.last_) return absl::InvalidArgumentError("no SSDA903 episode of a child aged under 30 at its start");
  // The returns cover their year to 31 March: a quiet March is days without a move, not
  // days without data (a small LA's last event may be weeks before the year's end).
  if (known_until > s.last_ && known_until - s.last_ <= 366) s.last_ = known_until;
  const size_t days = s.last_ - s.first_ + 1;
  std::vector<std::array<double, kStates>> delta(days);
  for (auto& d : delta) d.fill(0);
  s.transitions_.assign(days, {});
  for (const auto& e : s.episodes_) {
    if (e.bracket < 0) continue;
    const int from = StateOf(e.bracket, e.category);
    delta[e.decom - s.first_][from] += 1;
    if (e.dec) {
      delta[*e.dec - s.first_][from] -= 1;
      // Age at the episode's start for both ends of the move, as the reference model does.
      s.transitions_[*e.dec - s.first_].push_back({from, StateOf(e.bracket, e.after)});
    }
  }
  s.stock_.resize(days);
  std::array<double, kStates> run{};
  for (size_t d = 0; d < days; ++d) {
    for (int k = 0; k < kStates; ++k) run[k] += delta[d][k];
    s.stock_[d] = run;
  }
  return s;
}

double PopulationStats::StockAt(int state, int32_t day) const {
  int32_t d = std::clamp(day, first_, last_);
  return stock_[d - first_][state];
}

Population PopulationStats::StockOn(int32_t day) const {
  Population p{};
  for (int k = 0; k < kStates; ++k) p[k] = StockAt(k, day);
  return p;
}

absl::StatusOr<Matrix> PopulationStats::RawTransitionRates(int32_t start, int32_t end) const {
  const int32_t a = std::max(start, first_), b = std::min(end, last_);
  if (start > end || a > b)
    return absl::InvalidArgumentError(absl::StrCat("the reference window ", FormatIsoDate(start), " to ",
                                                   FormatIsoDate(end), " holds no day of the episodes, which run ",
                                                   FormatIsoDate(first_), " to ", FormatIsoDate(last_)));
  Matrix sum = ZeroMatrix();
  infinite_days_ = 0;
  for (int32_t d = a; d <= b; ++d) {
    const auto& denom = stock_[std::max(d - 1, first_) - first_];
    std::map<std::pair<int, int>, int> count;
    for (const auto& t : transitions_[d - first_]) ++count[t];
    for (const auto& [ft, n] : count) {
      if (denom[ft.first] <= 0) {
        ++infinite_days_;
        continue;
      }
      sum[ft.first][ft.second] += n / denom[ft.first];
    }
  }
  const double n = b - a + 1;
  for (auto& row : sum)
    for (auto& v : row) v /= n;
  return sum;
}

absl::StatusOr<Matrix> PopulationStats::DailyEntrants(int32_t start, int32_t end) const {
  if (end <= start)
    return absl::InvalidArgumentError(absl::StrCat("the reference window ", FormatIsoDate(start), " to ",
                                                   FormatIsoDate(end), " must end after it starts"));
  Matrix m = ZeroMatrix();
  for (const auto& e : episodes_)
    if (e.bracket >= 0 && e.before == kNotInCare && e.decom >= start && e.decom <= end)
      m[kOutside][StateOf(e.bracket, e.category)] += 1;
  for (auto& v : m[kOutside]) v /= (end - start);
  return m;
}

absl::StatusOr<LearnedModel> PopulationStats::Learn(int32_t start, int32_t end) const {
  auto rates = RawTransitionRates(start, end);
  if (!rates.ok()) return rates.status();
  auto entrants = DailyEntrants(start, end);
  if (!entrants.ok()) return entrants.status();
  LearnedModel m;
  m.reference_start = start;
  m.reference_end = end;
  m.rates = *rates;
  const Matrix ageing = AgeingRates();
  for (int i = 0; i < kNodes; ++i)
    for (int j = 0; j < kNodes; ++j) m.rates[i][j] += ageing[i][j];
  m.numbers = *entrants;
  m.population = StockOn(end);
  return m;
}

Matrix AgeingRates() {
  Matrix m = ZeroMatrix();
  for (int b = 0; b < kBrackets; ++b)
    for (int c = 0; c < kCategories; ++c)
      m[StateOf(b, c)][b + 1 < kBrackets ? StateOf(b + 1, c) : kOutside] = 1.0 / BracketLengthDays(b);
  return m;
}

Population Step(const Population& p, const Matrix& rates, const Matrix& numbers, int days) {
  Matrix r = rates;
  Population next = p;
  for (int from = 0; from < kNodes; ++from) {
    double out_rate = 0;
    for (int to = 0; to < kNodes; ++to) {
      if (days > 1) r[from][to] = 1 - std::pow(1 - r[from][to], days);
      const double n = numbers[from][to] * days;
      // Numbers become rates of the source's population; entrants' source counts as 1.
      if (n != 0) {
        if (from == kOutside) r[from][to] += n;
        else if (p[from] > 0) r[from][to] += n / p[from];
      }
      out_rate += r[from][to];
    }
    if (from == kOutside) {
      for (int to = 0; to < kStates; ++to) next[to] += r[from][to];
      continue;
    }
    if (out_rate <= 0 || p[from] <= 0) continue;
    const double out = std::clamp(p[from] * out_rate, 0.0, p[from]);
    next[from] -= out;
    for (int to = 0; to < kStates; ++to) next[to] += r[from][to] / out_rate * out;
  }
  next[kOutside] = 0;
  return next;
}

std::vector<Population> Predict(const Population& p0, const Matrix& rates, const Matrix& numbers, int steps,
                                int step_days) {
  std::vector<Population> out;
  Population p = p0;
  for (int i = 0; i < steps; ++i) {
    p = Step(p, rates, numbers, step_days);
    out.push_back(p);
  }
  return out;
}

Costs DefaultCosts() {
  // DEMAND.md's cost lines: fostering = friend/relative 100, in-house 150, IFA 250;
  // residential = in-house 1000, external 1000; supported 1000; other = secure home,
  // placed with family, other, 1000 each; every proportion 1.
  Costs c;
  c.weekly[kFostering] = (100.0 + 150.0 + 250.0) / 3;
  c.weekly[kResidential] = 1000;
  c.weekly[kSupported] = 1000;
  c.weekly[kOther] = 1000;
  c.weekly[kNotInCare] = 0;
  return c;
}

namespace {
int CategoryByName(const std::string& s) {
  const std::string u = absl::AsciiStrToUpper(absl::StripAsciiWhitespace(s));
  for (int c = 0; c < kCategories; ++c)
    if (u == kCategoryNames[c]) return c;
  return -1;
}
int BracketByName(const std::string& s) {
  const std::string u = absl::AsciiStrToUpper(absl::StripAsciiWhitespace(s));
  for (int b = 0; b < kBrackets; ++b)
    if (u == kBracketNames[b]) return b;
  return -1;
}
absl::Status BadField(const std::string& path, int64_t line, const std::string& field, const std::string& why) {
  return absl::InvalidArgumentError(absl::StrCat(path, " line ", line, " field ", field, ": ", why));
}
}  // namespace

absl::StatusOr<Costs> ReadCosts(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat(path, ": cannot be read"));
  return ReadCosts(in, path);
}

absl::StatusOr<Costs> ReadCosts(std::istream& in, const std::string& path) {
  CsvReader r(in);
  std::vector<std::string> row, heading;
  if (!r.Next(&heading)) return absl::InvalidArgumentError(absl::StrCat(path, ": empty (expected category,weekly_cost)"));
  std::map<std::string, int> col;
  for (size_t i = 0; i < heading.size(); ++i) col[NormaliseHeading(heading[i])] = i;
  if (!col.count("category") || !col.count("weekly_cost"))
    return absl::InvalidArgumentError(
        absl::StrCat(path, " line 1: expected columns category,weekly_cost[,proportion] (and an optional line)"));
  std::array<double, kCategories> sum{}, weight{};
  while (r.Next(&row)) {
    auto get = [&](const char* k) { return col.count(k) && col[k] < (int)row.size() ? row[col[k]] : std::string(); };
    const int c = CategoryByName(get("category"));
    if (c < 0 || c == kNotInCare)
      return BadField(path, r.line(), "category",
                      absl::StrCat("'", get("category"), "' is not FOSTERING, RESIDENTIAL, SUPPORTED or OTHER"));
    double cost = 0, prop = 1;
    if (!absl::SimpleAtod(get("weekly_cost"), &cost) || !(cost >= 0))
      return BadField(path, r.line(), "weekly_cost", absl::StrCat("'", get("weekly_cost"), "' is not a cost in pounds"));
    if (col.count("proportion") && !get("proportion").empty() &&
        (!absl::SimpleAtod(get("proportion"), &prop) || !(prop > 0)))
      return BadField(path, r.line(), "proportion", absl::StrCat("'", get("proportion"), "' is not a positive number"));
    sum[c] += cost * prop;
    weight[c] += prop;
  }
  if (!r.error().empty()) return absl::InvalidArgumentError(absl::StrCat(path, ": ", r.error()));
  Costs out = DefaultCosts();
  for (int c = 0; c < kCategories; ++c)
    if (weight[c] > 0) out.weekly[c] = sum[c] / weight[c];
  return out;
}

absl::StatusOr<Matrix> ReadAdjustments(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat(path, ": cannot be read"));
  return ReadAdjustments(in, path);
}

absl::StatusOr<Matrix> ReadAdjustments(std::istream& in, const std::string& path) {
  CsvReader r(in);
  std::vector<std::string> row, heading;
  Matrix m = ZeroMatrix();
  if (!r.Next(&heading)) return m;
  std::map<std::string, int> col;
  for (size_t i = 0; i < heading.size(); ++i) col[NormaliseHeading(heading[i])] = i;
  for (const char* k : {"from", "to", "age", "per_month"})
    if (!col.count(k)) return absl::InvalidArgumentError(absl::StrCat(path, " line 1: expected columns from,to,age,per_month"));
  while (r.Next(&row)) {
    auto get = [&](const char* k) { return col[k] < (int)row.size() ? row[col[k]] : std::string(); };
    const int from = CategoryByName(get("from")), to = CategoryByName(get("to")), age = BracketByName(get("age"));
    if (from < 0) return BadField(path, r.line(), "from", absl::StrCat("'", get("from"), "' is not a category"));
    if (to < 0) return BadField(path, r.line(), "to", absl::StrCat("'", get("to"), "' is not a category"));
    if (age < 0) return BadField(path, r.line(), "age", absl::StrCat("'", get("age"), "' is not an age bracket (BIRTH_TO_ONE, ONE_TO_FIVE, FIVE_TO_TEN, TEN_TO_SIXTEEN, SIXTEEN_TO_EIGHTEEN)"));
    double v = 0;
    if (!absl::SimpleAtod(get("per_month"), &v) || !std::isfinite(v))
      return BadField(path, r.line(), "per_month", absl::StrCat("'", get("per_month"), "' is not a number"));
    // Per month -> per day, as the reference model's adjustments are (value / 30).
    m[StateOf(age, from)][StateOf(age, to)] += v / 30;
  }
  if (!r.error().empty()) return absl::InvalidArgumentError(absl::StrCat(path, ": ", r.error()));
  return m;
}

double CategoryTotal(const Population& p, int category) {
  double t = 0;
  for (int b = 0; b < kBrackets; ++b) t += p[StateOf(b, category)];
  return t;
}
double InCare(const Population& p) {
  double t = 0;
  for (int c = 0; c < kCategories; ++c)
    if (c != kNotInCare) t += CategoryTotal(p, c);
  return t;
}
double DailyCost(const Population& p, const Costs& c, int category) {
  return CategoryTotal(p, category) * c.weekly[category] / 7;
}
int32_t MonthEnd(int32_t day) {
  int y, m, d;
  CivilFromDays(day, &y, &m, &d);
  return m == 12 ? DayNumber(y, 12, 31) : DayNumber(y, m + 1, 1) - 1;
}

absl::StatusOr<ForecastResult> RunForecast(const PopulationStats& stats, const ForecastOptions& o) {
  if (o.step_days < 1 || o.step_days > 180)
    return absl::InvalidArgumentError(absl::StrCat("step of ", o.step_days, " days: give 1 to 180"));
  if (o.horizon_months < 1 || o.horizon_months > 120)
    return absl::InvalidArgumentError(absl::StrCat("horizon of ", o.horizon_months, " months: give 1 to 120"));
  ForecastResult r;
  r.data_start = stats.first_day();
  r.data_end = stats.last_day();
  r.reference_end = o.reference_end.value_or(stats.last_day());
  r.reference_start = o.reference_start.value_or(AddMonths(r.reference_end, -6));
  r.horizon_months = o.horizon_months;
  r.step_days = o.step_days;
  r.costs = o.costs;
  auto model = stats.Learn(r.reference_start, r.reference_end);
  if (!model.ok()) return model.status();
  r.infinite_ratio_days = stats.infinite_ratio_days();
  Matrix rates = model->rates;
  for (int i = 0; i < kNodes; ++i)
    for (int j = 0; j < kNodes; ++j) rates[i][j] += o.adjustments[i][j];
  for (int32_t d = MonthEnd(r.reference_start); d < r.reference_end; d = MonthEnd(d + 1))
    r.history.push_back({d, stats.StockOn(d)});
  r.history.push_back({r.reference_end, model->population});
  const int32_t end = AddMonths(r.reference_end, o.horizon_months);
  const int steps = (end - r.reference_end + o.step_days - 1) / o.step_days;
  auto pops = Predict(model->population, rates, model->numbers, steps, o.step_days);
  for (int i = 0; i < steps; ++i) r.steps.push_back({r.reference_end + (i + 1) * o.step_days, pops[i]});
  size_t i = 0;
  for (int32_t m = MonthEnd(r.reference_end + 1); m <= end; m = MonthEnd(m + 1)) {
    while (i < r.steps.size() && r.steps[i].date <= m) ++i;
    if (i == 0 || r.steps[i - 1].date <= r.reference_end) continue;
    const ForecastRow& row = r.steps[i - 1];
    if (!r.month_ends.empty() && r.month_ends.back().date == row.date) continue;
    r.month_ends.push_back({m, row.population});
  }
  return r;
}

namespace {
std::array<double, kCategories> Summary(const Population& p) {
  std::array<double, kCategories> out{};
  for (int c = 0; c < kCategories; ++c) out[c] = c == kNotInCare ? InCare(p) : CategoryTotal(p, c);
  return out;
}
}  // namespace

absl::StatusOr<BacktestResult> Backtest(const PopulationStats& stats, const BacktestOptions& o) {
  std::vector<int32_t> origins = o.origins;
  int max_h = 0;
  for (int h : o.horizons) max_h = std::max(max_h, h);
  if (origins.empty()) {
    int y, m, d;
    CivilFromDays(stats.first_day(), &y, &m, &d);
    for (int year = y; year <= y + 200; ++year) {
      for (int32_t origin : {DayNumber(year, 3, 31), DayNumber(year, 9, 30)}) {
        const int32_t complete = o.complete_from ? o.complete_from : AddMonths(stats.first_day(), 12);
        if (AddMonths(origin, -o.window_months) < complete) continue;
        if (AddMonths(origin, std::min(6, max_h)) > stats.last_day()) continue;
        origins.push_back(origin);
      }
      if (DayNumber(year, 1, 1) > stats.last_day()) break;
    }
  }
  if (origins.empty())
    return absl::InvalidArgumentError(absl::StrCat(
        "no date to backtest from: the episodes run ", FormatIsoDate(stats.first_day()), " to ",
        FormatIsoDate(stats.last_day()), " and a backtest needs a year and ", o.window_months,
        " months of complete stock before an origin and 6 months after it"));
  BacktestResult r;
  for (int32_t origin : origins) {
    ForecastOptions fo;
    fo.reference_end = origin;
    fo.reference_start = AddMonths(origin, -o.window_months);
    fo.horizon_months = max_h;
    fo.step_days = o.step_days;
    auto f = RunForecast(stats, fo);
    if (!f.ok()) return f.status();
    for (int h : o.horizons) {
      const int32_t target = AddMonths(origin, h);
      if (target > stats.last_day()) continue;
      // The last step on or before the target.
      const ForecastRow* row = nullptr;
      for (const auto& s : f->steps)
        if (s.date <= target) row = &s;
      if (!row) continue;
      r.points.push_back({origin, target, h, Summary(row->population), Summary(stats.StockOn(target))});
    }
  }
  for (int h : o.horizons) {
    BacktestError e;
    e.horizon_months = h;
    for (int c = 0; c < kCategories; ++c) {
      double abs_sum = 0, sum = 0;
      int n = 0;
      for (const auto& p : r.points) {
        if (p.horizon_months != h) continue;
        if (c == 0) ++e.points;
        if (p.actual[c] <= 0) continue;
        abs_sum += std::abs(p.projected[c] - p.actual[c]) / p.actual[c];
        sum += (p.projected[c] - p.actual[c]) / p.actual[c];
        ++n;
      }
      e.mape[c] = n ? 100 * abs_sum / n : std::nan("");
      e.bias[c] = n ? 100 * sum / n : std::nan("");
    }
    r.errors.push_back(e);
  }
  return r;
}

absl::StatusOr<std::vector<Band>> SimulateBand(const PopulationStats& stats, const ForecastOptions& o,
                                               const ForecastResult& result, const BandOptions& b) {
  if (b.runs < 2) return absl::InvalidArgumentError("a band needs at least 2 simulation runs");
  auto model = stats.Learn(result.reference_start, result.reference_end);
  if (!model.ok()) return model.status();
  Matrix rates = model->rates;
  for (int i = 0; i < kNodes; ++i)
    for (int j = 0; j < kNodes; ++j) rates[i][j] += o.adjustments[i][j];
  const int d = result.step_days;
  // The step's probabilities, as the projection step converts them.
  Matrix prob = rates;
  for (auto& row : prob)
    for (auto& v : row) v = d > 1 ? 1 - std::pow(1 - v, d) : v;
  // Per state, where its children go in a step and with what probability (over-draining:
  // all leave, split by rate). A step's moves out of a state are one multinomial draw:
  // how many leave (a binomial on the total), then where each goes (conditional
  // binomials over the destinations). Most days no child leaves a state, so most steps
  // take one draw per state, not one per destination.
  // The draws' probabilities are the same every step: each is set up once (draws.h).
  struct Move {
    int to = 0;
    double pr = 1;              // probability of going here for a leaver not gone to an earlier one
    std::optional<Binomial> draw;  // unless pr >= 1
  };
  struct Out {
    double leave = 0;                // probability of leaving in a step
    std::optional<Binomial> draw;    // unless leave >= 1
    std::vector<Move> to;
  };
  std::array<Out, kStates> outs;
  for (int from = 0; from < kStates; ++from) {
    double total = 0;
    for (int to = 0; to < kNodes; ++to) total += prob[from][to];
    if (total <= 0) continue;
    Out& out = outs[from];
    out.leave = std::min(total, 1.0);
    if (!(out.leave >= 1)) out.draw.emplace(out.leave);
    std::vector<std::pair<int, double>> shares;  // destination, share of the leavers
    for (int to = 0; to < kNodes; ++to)
      if (prob[from][to] > 0) shares.emplace_back(to, prob[from][to] / total);
    double rest = 1;
    for (size_t k = 0; k < shares.size(); ++k) {
      const auto& [to, share] = shares[k];
      Move m;
      m.to = to;
      m.pr = k + 1 == shares.size() ? 1.0 : std::clamp(share / rest, 0.0, 1.0);
      if (!(m.pr >= 1)) m.draw.emplace(m.pr);
      rest -= share;
      out.to.push_back(std::move(m));
    }
  }
  std::array<std::optional<Poisson>, kStates> entrants;
  for (int to = 0; to < kStates; ++to) {
    const double mean = model->numbers[kOutside][to] * d;
    if (mean > 0) entrants[to].emplace(mean);
  }
  MersenneTwister64 rng(b.seed);  // std::mt19937_64's numbers
  // samples[month_end][category][run]
  std::vector<std::array<std::vector<double>, kCategories>> samples(result.month_ends.size());
  for (int run = 0; run < b.runs; ++run) {
    std::array<int64_t, kNodes> p{};
    for (int s = 0; s < kStates; ++s) p[s] = std::llround(model->population[s]);
    size_t next_month = 0;
    for (const auto& step : result.steps) {
      std::array<int64_t, kNodes> next = p;
      for (int from = 0; from < kStates; ++from) {
        Out& out = outs[from];
        if (p[from] <= 0 || out.to.empty()) continue;
        int64_t left = out.draw ? (*out.draw)(rng, p[from]) : p[from];
        next[from] -= left;
        for (size_t k = 0; k < out.to.size() && left > 0; ++k) {
          Move& m = out.to[k];
          const int64_t moved = m.draw ? (*m.draw)(rng, left) : left;
          left -= moved;
          if (m.to < kStates) next[m.to] += moved;
        }
      }
      for (int to = 0; to < kStates; ++to)
        if (entrants[to]) next[to] += (*entrants[to])(rng);
      p = next;
      while (next_month < result.month_ends.size() && result.month_ends[next_month].date < step.date) ++next_month;
      // A month end's row is the last step on or before it.
      if (next_month < result.month_ends.size()) {
        const int32_t me = result.month_ends[next_month].date;
        const bool last_before = step.date <= me && (&step == &result.steps.back() || (&step + 1)->date > me);
        if (last_before) {
          Population pop{};
          for (int s = 0; s < kStates; ++s) pop[s] = p[s];
          const auto sum = Summary(pop);
          for (int c = 0; c < kCategories; ++c) samples[next_month][c].push_back(sum[c]);
        }
      }
    }
  }
  std::vector<Band> out;
  auto quantile = [](std::vector<double> v, double q) {
    std::sort(v.begin(), v.end());
    const double at = q * (v.size() - 1);
    const size_t lo = static_cast<size_t>(std::floor(at));
    const size_t hi = std::min(lo + 1, v.size() - 1);
    return v[lo] + (v[hi] - v[lo]) * (at - lo);
  };
  for (size_t m = 0; m < result.month_ends.size(); ++m) {
    Band band;
    band.date = result.month_ends[m].date;
    for (int c = 0; c < kCategories; ++c) {
      if (samples[m][c].empty()) continue;
      band.lower[c] = quantile(samples[m][c], b.lower_quantile);
      band.upper[c] = quantile(samples[m][c], b.upper_quantile);
    }
    out.push_back(band);
  }
  return out;
}

}  // namespace carestat::forecast
