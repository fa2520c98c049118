// ListChildren on the synthetic borough: for every count and percentage of the catalogue,
// every year the returns cover and (for the monthly ones) every month of the last year,
// and every breakdown, the numerator list has as many entries as the stored figure's
// numerator and the denominator list as many as its denominator, each entry with the
// child's pseudonym (as stored by ingestion) and the dates that placed it; indicators
// without children behind them are refused, naming why; and `carestat pseudonymise`'s
// function gives the pseudonyms ingestion stored.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "pipeline/children.h"
#include "synth/synth.h"
#include "services/common/dates.h"
#include "services/ingestion/ingestor.h"
#include "services/metrics/indicators/catalogue.h"
#include "services/metrics/metrics.h"
#include "tests/integration/test_util.h"

namespace carestat {
namespace {

namespace fs = std::filesystem;

using Records = std::vector<v1::Record>;

MetricsEngine::RecordScan MemoryScan(const Records* records) {
  return [records](const std::vector<std::string>& only, const std::function<void(const v1::Record&)>& fn) {
    for (const auto& r : *records) {
      if (only.empty() || std::find(only.begin(), only.end(), r.return_id()) != only.end()) fn(r);
    }
    return absl::OkStatus();
  };
}

class ListChildrenTest : public testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::string(MakeTempDir("list-children"));
    SynthOptions o;
    o.out_dir = *dir_ + "/inbox";
    auto written = WriteSynthBorough(o);
    ASSERT_TRUE(written.ok()) << written.status();
    auto ing = Ingestor::Open(*dir_ + "/ingestion");
    ASSERT_TRUE(ing.ok()) << ing.status();
    std::vector<fs::path> files;
    for (const auto& e : fs::recursive_directory_iterator(o.out_dir)) {
      if (e.is_regular_file()) files.push_back(e.path());
    }
    std::sort(files.begin(), files.end());
    for (const auto& p : files) {
      v1::UploadHeader h;
      h.set_la(p.parent_path().parent_path().filename().string());
      h.set_collection_year(std::stoi(p.parent_path().filename().string()));
      h.set_file_name(p.filename().string());
      auto r = (*ing)->IngestFile(h, p.string());
      ASSERT_TRUE(r.ok()) << p << ": " << r.status();
    }
    auto returns = (*ing)->store().ListReturns("301");
    ASSERT_TRUE(returns.ok()) << returns.status();
    returns_ = new std::vector<v1::ReturnInfo>(*returns);
    records_ = new Records();
    ASSERT_TRUE((*ing)->store()
                    .ScanRecords("301", {},
                                 [](const v1::Record& r) {
                                   records_->push_back(r);
                                   return true;
                                 })
                    .ok());
    auto engine = MetricsEngine::Open(*dir_ + "/metrics");
    ASSERT_TRUE(engine.ok()) << engine.status();
    engine_ = engine->release();
    auto r = engine_->Recompute("301", {}, *returns_, MemoryScan(records_));
    ASSERT_TRUE(r.ok()) << r.status();
  }
  static void TearDownTestSuite() {
    delete engine_;
    delete returns_;
    delete records_;
    delete dir_;
  }

  static absl::StatusOr<v1::ListChildrenResponse> List(const std::string& indicator, const std::string& period,
                                                       const std::string& breakdown = "") {
    v1::ListChildrenRequest req;
    req.set_la("301");
    req.set_indicator(indicator);
    req.set_period(period);
    req.set_breakdown(breakdown);
    return engine_->ListChildren(req, *returns_, MemoryScan(records_));
  }

  static absl::StatusOr<v1::ListChildrenResponse> ListExact(const std::string& indicator, const v1::Period& period,
                                                            const std::string& breakdown = "") {
    v1::ListChildrenRequest req;
    req.set_la("301");
    req.set_indicator(indicator);
    *req.mutable_exact_period() = period;
    req.set_breakdown(breakdown);
    return engine_->ListChildren(req, *returns_, MemoryScan(records_));
  }

  static inline std::string* dir_ = nullptr;
  static inline std::vector<v1::ReturnInfo>* returns_ = nullptr;
  static inline Records* records_ = nullptr;
  static inline MetricsEngine* engine_ = nullptr;
};

bool Listable(const IndicatorDef& d) { return MetricsEngine::CheckListable(d.id).ok(); }

// Every stored point of a listable indicator, compared with its lists.
void CheckPeriod(MetricsEngine* engine, const std::string& period,
                 const std::function<absl::StatusOr<v1::ListChildrenResponse>(const std::string&, const std::string&,
                                                                             const std::string&)>& list,
                 std::set<std::string>* seen, int64_t* entries) {
  auto values = engine->GetValues("301", period);
  ASSERT_TRUE(values.ok()) << values.status();
  for (const auto& p : *values) {
    const IndicatorDef* d = FindIndicator(p.indicator());
    if (d == nullptr || p.supplied() || !Listable(*d)) continue;
    auto r = list(p.indicator(), period, p.breakdown());
    ASSERT_TRUE(r.ok()) << p.indicator() << " " << p.breakdown() << " " << period << ": " << r.status();
    const std::string what = p.indicator() + " " + p.breakdown() + " " + period;
    // The figure counted with the lists is the one metrics serves.
    EXPECT_EQ(r->point().numerator(), p.numerator()) << what;
    EXPECT_EQ(r->point().denominator(), p.denominator()) << what;
    EXPECT_EQ(r->point().has_value(), p.has_value()) << what;
    if (p.has_value()) {
      EXPECT_DOUBLE_EQ(r->point().value(), p.value()) << what;
    }
    EXPECT_EQ(static_cast<double>(r->numerator_size()), p.numerator()) << what;
    if (d->unit == "percent") {
      EXPECT_EQ(static_cast<double>(r->denominator_size()), p.denominator()) << what;
    } else {
      EXPECT_EQ(r->denominator_size(), 0) << what;
    }
    for (const auto* list : {&r->numerator(), &r->denominator()}) {
      for (const auto& c : *list) {
        EXPECT_FALSE(c.record().empty()) << what;
        EXPECT_GT(c.facts_size(), 0) << what;
        EXPECT_GT(c.sources_size(), 0) << what;
        // A pseudonym: 32 hex characters, never the LA's own identifier.
        if (!c.child().empty()) {
          EXPECT_TRUE(std::regex_match(c.child(), std::regex("[0-9a-f]{32}"))) << c.child();
        }
      }
    }
    EXPECT_GE(r->children_returned(), 0);
    seen->insert(p.indicator());
    *entries += r->numerator_size() + r->denominator_size();
  }
}

TEST_F(ListChildrenTest, EveryCountAndPercentageAddsUpToItsFigureEveryYear) {
  std::set<std::string> seen;
  int64_t entries = 0;
  for (int fy = 2010; fy <= 2015; ++fy) {
    CheckPeriod(engine_, FormatPeriod(FinancialYear(fy)), List, &seen, &entries);
  }
  EXPECT_GT(entries, 10000);
  // Every count and percentage computed from the records can be listed.
  for (const auto& d : Catalogue()) {
    if (!Listable(d)) continue;
    auto values = engine_->GetSeries("301", d.id, d.breakdowns.empty() ? "" : d.breakdowns[0], "", "");
    if (!values.ok() || values->empty() || values->front().supplied()) continue;
    EXPECT_TRUE(seen.count(d.id)) << d.id;
  }
  EXPECT_GE(seen.size(), 30u);
}

TEST_F(ListChildrenTest, MonthsOfMonthlyIndicatorsAddUp) {
  std::set<std::string> seen;
  int64_t entries = 0;
  for (int i = 0; i < 12; ++i) {
    const std::string month = FormatPeriod(MonthOfYear(2015, i));
    auto values = engine_->GetValues("301", month);
    ASSERT_TRUE(values.ok()) << values.status();
    CheckPeriod(engine_, month, List, &seen, &entries);
  }
  for (const char* id : {"contacts", "referrals", "cin_open_year_end", "cpp_year_end", "cpp_started", "lac_month_end",
                         "lac_started", "adoptions", "referral_nfa_pct", "rereferral_12m_pct", "contact_conversion_pct",
                         "assessment_timeliness_pct", "icpc_timeliness_pct", "cpp_repeat_pct",
                         "cpp_ceased_2y_plus_pct", "lac_police_protection_pct"}) {
    EXPECT_TRUE(seen.count(id)) << id;
  }
}

TEST_F(ListChildrenTest, ThePlanLengthListHasTheDatesAndCategory) {
  auto r = List("cpp_ceased_2y_plus_pct", "2015-16");
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_GT(r->numerator_size(), 0);
  EXPECT_EQ(r->counts(), "plans");
  for (const auto& c : r->numerator()) {
    std::map<std::string, std::string> f;
    for (const auto& x : c.facts()) f[x.name()] = x.value();
    ASSERT_TRUE(f.count("start_date") && f.count("end_date")) << c.DebugString();
    EXPECT_TRUE(f.count("category")) << c.DebugString();
    // At least two years from start to end, and ended in 2015-16.
    const int32_t start = *ParseIsoDate(f["start_date"]), end = *ParseIsoDate(f["end_date"]);
    EXPECT_GE(end, AddMonths(start, 24)) << c.DebugString();
    EXPECT_EQ(FinancialYearOf(end), 2015) << c.DebugString();
  }
  for (const auto& c : r->denominator()) {
    std::map<std::string, std::string> f;
    for (const auto& x : c.facts()) f[x.name()] = x.value();
    EXPECT_EQ(FinancialYearOf(*ParseIsoDate(f["end_date"])), 2015) << c.DebugString();
  }
}

TEST_F(ListChildrenTest, FiguresWithoutChildrenBehindThemAreRefusedSayingWhy) {
  auto rate = List("cpp_rate", "2015-16");
  EXPECT_EQ(rate.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(rate.status().message().find("population"), std::string::npos) << rate.status();
  auto days = List("adoption_a1_days", "2015-16");
  EXPECT_EQ(days.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(days.status().message().find("mean of days"), std::string::npos) << days.status();
  auto finance = List("overspend_gbp", "2015-16");
  EXPECT_EQ(finance.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(finance.status().message().find("local measure"), std::string::npos) << finance.status();
  EXPECT_EQ(List("no_such_indicator", "2015-16").status().code(), absl::StatusCode::kInvalidArgument);
  // A share of the children at 31 March has no months (a share of events has: see above).
  EXPECT_EQ(List("lac_female_pct", "2015-06").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(List("cpp_ceased_2y_plus_pct", "soon").status().code(), absl::StatusCode::kInvalidArgument);
  auto no_breakdown = List("cpp_category_pct", "2015-16");
  EXPECT_EQ(no_breakdown.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(no_breakdown.status().message().find("category=NEG"), std::string::npos) << no_breakdown.status();
  // A year no return covers has no figure to list; nor has a year of a month-end count,
  // or a breakdown with no child that year, each saying so.
  EXPECT_EQ(List("referrals", "2004-05").status().code(), absl::StatusCode::kNotFound);
  auto year_of_months = List("lac_month_end", "2015-16");
  EXPECT_EQ(year_of_months.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(year_of_months.status().message().find("per month: give a month like 2015-04"), std::string::npos)
      << year_of_months.status();
  auto no_such_code = List("lac_ethnicity_pct", "2015-16", "ethnicity=ZZZZ");
  EXPECT_EQ(no_such_code.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(no_such_code.status().message().find("ethnicity=WBRI"), std::string::npos) << no_such_code.status();
  v1::ListChildrenRequest other;
  other.set_la("999");
  other.set_indicator("referrals");
  other.set_period("2015-16");
  EXPECT_EQ(engine_->ListChildren(other, *returns_, MemoryScan(records_)).status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(ListChildrenTest, PseudonymiseGivesThePseudonymsIngestionStored) {
  // The LA's own identifiers, as the synthetic CIN census of 2016 gives them.
  std::string census;
  for (const auto& e : fs::directory_iterator(*dir_ + "/inbox/301/2016")) {
    if (e.path().extension() == ".xml") census = ReadAll(e.path().string());
  }
  ASSERT_FALSE(census.empty());
  std::set<std::string> raw;
  std::regex id("<LAchildID>([^<]+)</LAchildID>");
  for (auto it = std::sregex_iterator(census.begin(), census.end(), id); it != std::sregex_iterator(); ++it) {
    raw.insert((*it)[1]);
    if (raw.size() == 50) break;
  }
  ASSERT_EQ(raw.size(), 50u);
  std::string input;
  for (const auto& r : raw) input += "  " + r + "\n\n";
  std::istringstream in(input);
  std::ostringstream out;
  auto n = PseudonymiseIds(*dir_ + "/ingestion", "301", in, out);
  ASSERT_TRUE(n.ok()) << n.status();
  EXPECT_EQ(*n, 50);
  std::set<std::string> stored;
  for (const auto& r : *records_) {
    if (r.return_id() == "301/2016/cin-census") {
      // Whichever kind of record it is, its child_id is the first field.
      const auto* d = r.GetDescriptor();
      const auto* refl = r.GetReflection();
      for (int i = 0; i < d->field_count(); ++i) {
        const auto* f = d->field(i);
        if (f->type() != google::protobuf::FieldDescriptor::TYPE_MESSAGE || !refl->HasField(r, f)) continue;
        const auto& m = refl->GetMessage(r, f);
        const auto* cid = m.GetDescriptor()->FindFieldByName("child_id");
        if (cid != nullptr) stored.insert(m.GetReflection()->GetString(m, cid));
      }
    }
  }
  ASSERT_FALSE(stored.empty());
  int lines = 0;
  for (const auto& line : absl::StrSplit(out.str(), '\n', absl::SkipEmpty())) {
    std::vector<std::string> f = absl::StrSplit(line, '\t');
    ASSERT_EQ(f.size(), 2u) << line;
    EXPECT_TRUE(raw.count(f[0])) << line;
    EXPECT_TRUE(stored.count(f[1])) << "the pseudonym of " << f[0] << " is not one ingestion stored";
    ++lines;
  }
  EXPECT_EQ(lines, 50);
  // Never a key made up on the spot: without the store's key nothing is printed.
  std::istringstream again(input);
  std::ostringstream none;
  auto missing = PseudonymiseIds(*dir_ + "/no-such-store", "301", again, none);
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(none.str().empty());
  EXPECT_FALSE(fs::exists(*dir_ + "/no-such-store/hmac.key"));
}

// The rolling 12 months ending in March are the financial year, for every indicator with
// rolling figures and every year of the synthetic borough: the windows are counted by the
// loops that count the year, the year before's months included. Every year after the
// first has a window ending in each of its months.
TEST_F(ListChildrenTest, RollingTwelveMonthsEndingInMarchAreTheYear) {
  int indicators = 0, years_checked = 0;
  for (const auto& d : Catalogue()) {
    if (!d.rolling) continue;
    ++indicators;
    auto years = engine_->GetSeries("301", d.id, "", "", "");
    auto rolling = engine_->GetRollingSeries("301", d.id, "", "", "");
    ASSERT_TRUE(years.ok()) << years.status();
    ASSERT_TRUE(rolling.ok()) << rolling.status();
    ASSERT_FALSE(years->empty()) << d.id;
    std::map<int, v1::IndicatorPoint> march;  // financial year -> the window ending in its March
    std::map<int, int> windows;               // financial year -> windows ending in its months
    for (const auto& p : *rolling) {
      ASSERT_EQ(p.period().kind(), v1::Period::ROLLING_12_MONTHS) << d.id;
      const int fy = p.period().month() >= 4 ? p.period().start_year() : p.period().start_year() - 1;
      windows[fy] += 1;
      if (p.period().month() == 3) march[fy] = p;
    }
    for (const auto& y : *years) {
      const int fy = y.period().start_year();
      auto it = march.find(fy);
      ASSERT_NE(it, march.end()) << d.id << " " << FormatPeriod(y.period());
      const v1::IndicatorPoint& r = it->second;
      EXPECT_EQ(r.has_value(), y.has_value()) << d.id << " " << fy;
      EXPECT_EQ(r.value(), y.value()) << d.id << " " << fy;
      EXPECT_EQ(r.numerator(), y.numerator()) << d.id << " " << fy;
      EXPECT_EQ(r.denominator(), y.denominator()) << d.id << " " << fy;
      EXPECT_EQ(std::set<std::string>(r.sources().begin(), r.sources().end()),
                std::set<std::string>(y.sources().begin(), y.sources().end()))
          << d.id << " " << fy;
      if (fy != years->front().period().start_year()) {
        EXPECT_EQ(windows[fy], 12) << d.id << " " << fy;
      }
      ++years_checked;
    }
  }
  EXPECT_EQ(indicators, 20);
  EXPECT_GT(years_checked, 20 * 3);
  // A yearly indicator has none.
  EXPECT_EQ(engine_->GetRollingSeries("301", "cin_open_year_end", "", "", "").status().code(),
            absl::StatusCode::kInvalidArgument);
}

// Shares of the events of a month add up to the year's (numerators and denominators),
// and a month-end rate at the end of March is the year's rate.
TEST_F(ListChildrenTest, MonthlySharesAndRatesAddUpToTheYear) {
  int checked = 0;
  for (const auto& d : Catalogue()) {
    if (!d.monthly || d.unit == "count") continue;
    auto years = engine_->GetSeries("301", d.id, "", "", "");
    auto months = engine_->GetMonthlySeries("301", d.id, "", "", "");
    ASSERT_TRUE(years.ok() && months.ok()) << d.id;
    for (const auto& y : *years) {
      const int fy = y.period().start_year();
      double numerator = 0, denominator = 0;
      int n = 0;
      for (const auto& m : *months) {
        if (FinancialYearOf(PeriodEnd(m.period())) != fy) continue;
        ++n;
        numerator += m.numerator();
        denominator += m.denominator();
        if (d.unit != "percent" && m.period().month() == 3) {
          EXPECT_EQ(m.value(), y.value()) << d.id << " " << fy;
        }
      }
      EXPECT_EQ(n, 12) << d.id << " " << fy;
      if (d.unit == "percent") {
        EXPECT_EQ(numerator, y.numerator()) << d.id << " " << fy;
        EXPECT_EQ(denominator, y.denominator()) << d.id << " " << fy;
      }
      ++checked;
    }
  }
  EXPECT_GT(checked, 11 * 3);
}

// The children behind a rolling 12-month figure, for every indicator with rolling figures
// whose children can be listed and every window ending in a month of 2015-16: the lists
// are as long as the figure's numerator and denominator (the figure served by
// GetRollingSeries), and where the figure counts children a child counted in several
// months of the window is listed once. The borough has such children: the months' own
// numerators sum to more than the window's.
TEST_F(ListChildrenTest, RollingListsAddUpToTheRollingFigureEachChildOnce) {
  int indicators = 0, windows = 0, children_lists = 0, fewer_than_months = 0;
  for (const auto& d : Catalogue()) {
    if (!d.rolling || !Listable(d)) continue;
    ++indicators;
    auto rolling = engine_->GetRollingSeries("301", d.id, "", "2015-16", "2015-16");
    auto months = engine_->GetMonthlySeries("301", d.id, "", "2014-15", "2015-16");
    ASSERT_TRUE(rolling.ok()) << rolling.status();
    ASSERT_TRUE(months.ok()) << months.status();
    ASSERT_EQ(rolling->size(), 12u) << d.id;
    for (const auto& p : *rolling) {
      const std::string what = d.id + " " + FormatPeriod(p.period());
      auto r = ListExact(d.id, p.period());
      ASSERT_TRUE(r.ok()) << what << ": " << r.status();
      ++windows;
      EXPECT_EQ(r->point().period().kind(), v1::Period::ROLLING_12_MONTHS) << what;
      EXPECT_EQ(r->point().numerator(), p.numerator()) << what;
      EXPECT_EQ(r->point().denominator(), p.denominator()) << what;
      EXPECT_EQ(static_cast<double>(r->numerator_size()), p.numerator()) << what;
      if (d.unit == "percent") {
        EXPECT_EQ(static_cast<double>(r->denominator_size()), p.denominator()) << what;
      } else {
        EXPECT_EQ(r->denominator_size(), 0) << what;
      }
      // Every entry's record falls in the window (its own dates are among its facts).
      const int32_t from = PeriodStart(p.period()), to = PeriodEnd(p.period());
      for (const auto* list : {&r->numerator(), &r->denominator()}) {
        for (const auto& c : *list) {
          bool in_window = false;
          for (const auto& f : c.facts()) {
            auto day = ParseIsoDate(f.value());
            in_window = in_window || (day && *day >= from && *day <= to);
          }
          EXPECT_TRUE(in_window) << what << ": " << c.DebugString();
        }
      }
      if (r->counts() != "children") continue;
      ++children_lists;
      for (const auto* list : {&r->numerator(), &r->denominator()}) {
        std::set<std::string> seen;
        for (const auto& c : *list) {
          if (!c.child().empty()) EXPECT_TRUE(seen.insert(c.child()).second) << what << ": " << c.child() << " twice";
        }
      }
      // The months of the window, summed, count some children more than once.
      double summed = 0;
      for (const auto& m : *months) {
        if (PeriodEnd(m.period()) >= from && PeriodEnd(m.period()) <= to) summed += m.numerator();
      }
      fewer_than_months += summed > p.numerator();
    }
  }
  EXPECT_EQ(indicators, 18);  // the 20 rolling indicators but referral_rate and s47_rate
  EXPECT_EQ(windows, 18 * 12);
  EXPECT_GE(children_lists, 5 * 12);
  EXPECT_GT(fewer_than_months, 0);
}

// The window ending in March is the financial year: the same entries in the same order,
// for every listable rolling indicator and every year after the first.
TEST_F(ListChildrenTest, TheRollingListEndingInMarchIsTheYearsList) {
  int compared = 0;
  for (const auto& d : Catalogue()) {
    if (!d.rolling || !Listable(d)) continue;
    for (int fy = 2011; fy <= 2015; ++fy) {
      const std::string what = d.id + " " + FormatPeriod(FinancialYear(fy));
      auto year = List(d.id, FormatPeriod(FinancialYear(fy)));
      auto march = ListExact(d.id, Rolling12Months(fy + 1, 3));
      ASSERT_TRUE(year.ok()) << what << ": " << year.status();
      ASSERT_TRUE(march.ok()) << what << ": " << march.status();
      EXPECT_EQ(march->point().numerator(), year->point().numerator()) << what;
      EXPECT_EQ(march->point().denominator(), year->point().denominator()) << what;
      EXPECT_EQ(march->counts(), year->counts()) << what;
      EXPECT_EQ(march->children_returned(), year->children_returned()) << what;
      ASSERT_EQ(march->numerator_size(), year->numerator_size()) << what;
      ASSERT_EQ(march->denominator_size(), year->denominator_size()) << what;
      for (int i = 0; i < march->numerator_size(); ++i) {
        EXPECT_EQ(march->numerator(i).SerializeAsString(), year->numerator(i).SerializeAsString()) << what << " " << i;
      }
      for (int i = 0; i < march->denominator_size(); ++i) {
        EXPECT_EQ(march->denominator(i).SerializeAsString(), year->denominator(i).SerializeAsString())
            << what << " " << i;
      }
      compared += march->numerator_size() > 0;
    }
  }
  EXPECT_GT(compared, 18 * 4);
}

// "2011-12" as text is the financial year 2011-12; December 2011 is reached by the period
// passed whole. Likewise November 2010 ("2010-11"). Each month's list is the month's.
TEST_F(ListChildrenTest, ADecemberMonthIsReachedWholeAndIsNotTheYear) {
  for (const auto& [year, month] : {std::pair{2011, 12}, std::pair{2010, 11}}) {
    const v1::Period m = Month(year, month);
    auto months = engine_->GetMonthlySeries("301", "referrals", "", FormatPeriod(FinancialYear(year)),
                                            FormatPeriod(FinancialYear(year)));
    ASSERT_TRUE(months.ok()) << months.status();
    const v1::IndicatorPoint* served = nullptr;
    for (const auto& p : *months) {
      if (p.period().month() == month) served = &p;
    }
    ASSERT_NE(served, nullptr);
    auto by_month = ListExact("referrals", m);
    ASSERT_TRUE(by_month.ok()) << by_month.status();
    EXPECT_EQ(by_month->point().period().kind(), v1::Period::MONTH);
    EXPECT_EQ(by_month->point().period().start_year(), year);
    EXPECT_EQ(by_month->point().period().month(), month);
    EXPECT_EQ(static_cast<double>(by_month->numerator_size()), served->numerator());
    ASSERT_GT(by_month->numerator_size(), 0);
    for (const auto& c : by_month->numerator()) {
      std::map<std::string, std::string> f;
      for (const auto& x : c.facts()) f[x.name()] = x.value();
      EXPECT_EQ(f["referral_date"].substr(0, 7), FormatPeriod(m)) << c.DebugString();
    }
    // The same text is the year, with its own (longer) list.
    auto by_text = List("referrals", FormatPeriod(m));
    ASSERT_TRUE(by_text.ok()) << by_text.status();
    EXPECT_EQ(by_text->point().period().kind(), v1::Period::FINANCIAL_YEAR);
    EXPECT_GT(by_text->numerator_size(), by_month->numerator_size());
    // The exact period takes precedence over the text given beside it.
    v1::ListChildrenRequest both;
    both.set_la("301");
    both.set_indicator("referrals");
    both.set_period(FormatPeriod(m));
    *both.mutable_exact_period() = m;
    auto r = engine_->ListChildren(both, *returns_, MemoryScan(records_));
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(r->numerator_size(), by_month->numerator_size());
  }
  // The 12 months ending with December 2011 too.
  auto rolling = engine_->GetRollingSeries("301", "lac_started", "", "2011-12", "2011-12");
  ASSERT_TRUE(rolling.ok()) << rolling.status();
  const v1::IndicatorPoint* december = nullptr;
  for (const auto& p : *rolling) {
    if (p.period().month() == 12) december = &p;
  }
  ASSERT_NE(december, nullptr);
  auto r = ListExact("lac_started", Rolling12Months(2011, 12));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(static_cast<double>(r->numerator_size()), december->numerator());
}

TEST_F(ListChildrenTest, BadExactPeriodsAndRollingRequestsAreRefusedSayingWhy) {
  v1::Period bad = Month(2015, 13);
  auto r = ListExact("referrals", bad);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("month 13"), std::string::npos) << r.status();
  v1::Period no_kind;
  no_kind.set_start_year(2015);
  EXPECT_EQ(ListExact("referrals", no_kind).status().code(), absl::StatusCode::kInvalidArgument);
  // A yearly indicator has no rolling figures.
  auto yearly = ListExact("cin_open_year_end", Rolling12Months(2016, 3));
  EXPECT_EQ(yearly.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(yearly.status().message().find("no rolling 12-month figures"), std::string::npos) << yearly.status();
  // A window reaching before the first return loaded is never given from part of it.
  auto part = ListExact("referrals", Rolling12Months(2010, 6));
  EXPECT_EQ(part.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(part.status().message().find("all of its 12 months"), std::string::npos) << part.status();
  EXPECT_NE(part.status().message().find("12 months 2009-07 to 2010-06"), std::string::npos) << part.status();
}

}  // namespace
}  // namespace carestat
