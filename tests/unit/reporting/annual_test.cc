// The annual report against the metrics values it is built from: every table, figure
// and fact, on the seed-like data set of fake_metrics.h.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "services/metrics/benchmark.h"
#include "services/metrics/reference/lait.h"
#include "services/reporting/render/render.h"
#include "services/reporting/render/text.h"
#include "services/reporting/reports/annual.h"
#include "services/reporting/reports/coverage.h"
#include "services/reporting/reports/rating.h"
#include "services/reporting/reports/series.h"
#include "tests/unit/reporting/fake_metrics.h"
#include "tests/unit/reporting/report_walk.h"

namespace carestat {
namespace {

v1::AnnualReport Build(FakeMetrics& m, const std::string& year = "2015-16") {
  auto r = BuildAnnualReport("301", year, m, 1476748800000);
  EXPECT_TRUE(r.ok()) << r.status();
  return r.ok() ? *r : v1::AnnualReport();
}

const v1::Table* TableById(const v1::AnnualReport& r, const std::string& id) {
  for (const auto& t : r.tables()) {
    if (t.id() == id) return &t;
  }
  return nullptr;
}

const v1::Fact* FactOf(const v1::AnnualReport& r, const std::string& id, const std::string& breakdown = "") {
  for (const auto& f : r.facts()) {
    if (f.indicator() == id && f.breakdown() == breakdown) return &f;
  }
  return nullptr;
}

TEST(AnnualReportTest, Table1HoldsSixYearsAndTheChanges) {
  FakeMetrics m = SeedLikeMetrics();
  v1::AnnualReport r = Build(m);
  EXPECT_EQ(r.la_name(), "Barking and Dagenham");
  EXPECT_EQ(r.year(), "2015-16");
  ASSERT_GE(r.tables_size(), 3);
  const v1::Table& t = r.tables(0);
  EXPECT_EQ(t.id(), "table1");
  ASSERT_EQ(t.periods_size(), 6);
  EXPECT_EQ(t.periods(0), "2010-11");
  EXPECT_EQ(t.periods(5), "2015-16");
  ASSERT_EQ(t.rows_size(), 3);
  EXPECT_EQ(t.rows(0).values(5).value(), 11393);
  // (11393 - 8515) / 8515 = +33.8%; (11393 - 9765) / 9765 = +16.7%
  EXPECT_NEAR(t.rows(0).change_1y_pct().value(), 33.80, 0.01);
  EXPECT_NEAR(t.rows(0).change_5y_pct().value(), 16.67, 0.01);
  // (3255 - 2704) / 2704 = +20.4%: the seed misprints +17%
  EXPECT_NEAR(t.rows(1).change_5y_pct().value(), 20.38, 0.01);
  // The rate is missing before 2014-15: not available, and so is its 5-year change.
  EXPECT_FALSE(t.rows(2).values(0).has_value());
  EXPECT_FALSE(t.rows(2).change_5y_pct().has_value());
  EXPECT_TRUE(t.rows(2).change_1y_pct().has_value());
}

TEST(AnnualReportTest, Table2HasOpenCasesRatesAndComparatorRates) {
  FakeMetrics m = SeedLikeMetrics();
  v1::AnnualReport r = Build(m);
  const v1::Table* t = TableById(r, "table2");
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->number(), "2");
  ASSERT_EQ(t->periods_size(), 6);
  ASSERT_EQ(t->rows_size(), 2);
  EXPECT_EQ(t->rows(0).indicator(), "cin_open_year_end");
  EXPECT_EQ(t->rows(1).indicator(), "cin_rate");
  EXPECT_EQ(t->rows(0).values(0).value(), 1545);
  EXPECT_EQ(t->rows(0).values(5).value(), 2064);
  EXPECT_NEAR(t->rows(0).change_1y_pct().value(), (2064.0 - 2326) / 2326 * 100, 1e-9);
  ASSERT_EQ(t->comparator_entities_size(), 3);
  EXPECT_EQ(t->comparator_entities(0), "SN:301");
  EXPECT_EQ(t->comparator_labels(2), "National Rate");
  // The rate row carries SN 428, London 371, England 337; the count row has none.
  ASSERT_EQ(t->rows(1).comparators_size(), 3);
  EXPECT_EQ(t->rows(1).comparators(0).value(), 428);
  EXPECT_EQ(t->rows(1).comparators(1).value(), 371);
  EXPECT_EQ(t->rows(1).comparators(2).value(), 337);
  for (const auto& c : t->rows(0).comparators()) EXPECT_FALSE(c.has_value());
  // Comparators are published figures: no ref, never suppressed.
  EXPECT_TRUE(t->rows(1).comparators(0).ref().empty());
}

TEST(AnnualReportTest, Table4HasFourYearsOfPoliceProtection) {
  FakeMetrics m = SeedLikeMetrics();
  v1::AnnualReport r = Build(m);
  const v1::Table* t = TableById(r, "table4");
  ASSERT_NE(t, nullptr);
  EXPECT_TRUE(t->hide_changes());
  ASSERT_EQ(t->periods_size(), 4);
  EXPECT_EQ(t->periods(0), "2012-13");
  ASSERT_EQ(t->rows_size(), 3);
  EXPECT_EQ(t->rows(0).values(0).value(), 245);
  EXPECT_EQ(t->rows(1).values(3).value(), 54);
  EXPECT_NEAR(t->rows(2).values(3).value(), 54.0 / 220 * 100, 1e-9);
  EXPECT_EQ(t->rows(2).unit(), "percent_1dp");   // printed 24.5 as the seed does
}

TEST(AnnualReportTest, FiguresPlotTheLaAgainstEveryComparator) {
  FakeMetrics m = SeedLikeMetrics();
  v1::AnnualReport r = Build(m);
  ASSERT_EQ(r.figures_size(), 5);   // and the projection, Figure 5 (ProjectionTest)
  const char* indicators[] = {"cpp_year_end", "cpp_rate", "lac_year_end", "lac_rate"};
  for (int i = 0; i < 4; ++i) {
    const v1::Figure& f = r.figures(i);
    EXPECT_EQ(f.indicator(), indicators[i]);
    EXPECT_EQ(f.number(), std::to_string(i + 1));
    ASSERT_EQ(f.periods_size(), 6);
    ASSERT_EQ(f.series_size(), 4);
    EXPECT_EQ(f.series(0).entity(), "301");
    std::set<std::string> entities;
    for (const auto& s : f.series()) {
      entities.insert(s.entity());
      ASSERT_EQ(s.values_size(), 6);
      for (int y = 0; y < 6; ++y) {
        const v1::IndicatorPoint* p = m.Find(s.entity(), f.indicator(), "", 2010 + y);
        if (p) {
          EXPECT_TRUE(s.values(y).has_value());
          EXPECT_EQ(s.values(y).value(), p->value());   // a comparator series held is never replaced
          continue;
        }
        // Else DfE's published figure of the year (LAIT holds 2015-16 on), else nothing.
        const v1::LaBenchmark b = BenchmarkOf(Lait::Shipped(), "301", f.indicator(), 2010 + y, {});
        std::optional<double> dfe;
        if (s.entity() == "ENG" && b.has_england()) dfe = b.england();
        if (s.entity() == "LON" && b.has_region()) dfe = b.region();
        if (s.entity() == "SN:301" && b.has_neighbours_average()) dfe = b.neighbours_average();
        if (s.entity() == "301") dfe.reset();
        EXPECT_EQ(s.values(y).has_value(), dfe.has_value()) << s.entity() << " " << f.indicator() << " " << y;
        if (dfe) {
          EXPECT_EQ(s.values(y).value(), *dfe);
        }
        EXPECT_TRUE(s.values(y).ref().empty() || s.entity() == "301");
      }
    }
    EXPECT_EQ(entities, (std::set<std::string>{"301", "ENG", "LON", "SN:301"}));
  }
  EXPECT_EQ(r.figures(1).unit(), "rate_per_10k_1dp");
  // No London series of LAC numbers is loaded: each year is London's count as DfE
  // published it, 2015-16 from LAIT, 2010-11 to 2014-15 from DfE's children looked after
  // releases (reference/dfe_values.csv: SFR21_CLA.csv to SFR34_CLA2015.csv, CLA_MarYYYY of
  // the LONDON row; 10,390 at 31 March 2011).
  const auto& london = r.figures(2).series(2);
  ASSERT_EQ(london.entity(), "LON");
  EXPECT_EQ(london.values(0).value(), 10390);
  for (int y = 0; y < 6; ++y) {
    ASSERT_TRUE(london.values(y).has_value()) << y;
    EXPECT_EQ(london.values(y).value(), *Lait::Shipped().Number("lac_year_end", "986", 2010 + y)) << y;
    EXPECT_EQ(Lait::Shipped().Find("lac_year_end", "986", 2010 + y)->from_lait(), y == 5) << y;
  }
}

// The rule of the brief: every figure in the report equals the metrics value it shows.
TEST(AnnualReportTest, EveryFigureEqualsItsMetricsValue) {
  FakeMetrics m = SeedLikeMetrics();
  v1::AnnualReport r = Build(m);
  int checked = 0;
  for (const auto& [ref, cell] : CellsByRef(r)) {
    std::string indicator, breakdown;
    int year = 0;
    ASSERT_TRUE(ParseCellRef(ref, &indicator, &breakdown, &year)) << ref;
    const v1::IndicatorPoint* p = m.Find("301", indicator, breakdown, year);
    if (!p) {
      EXPECT_FALSE(cell->has_value()) << ref << " has no metrics point and must be not available";
      continue;
    }
    EXPECT_EQ(cell->has_value(), p->has_value()) << ref;
    EXPECT_EQ(cell->value(), p->value()) << ref;
    EXPECT_EQ(cell->numerator(), p->numerator()) << ref;
    EXPECT_EQ(cell->denominator(), p->denominator()) << ref;
    ++checked;
  }
  EXPECT_GT(checked, 120);
  // And every comparator a fact quotes is the comparator's value.
  for (const auto& f : r.facts()) {
    ASSERT_EQ(f.comparators_size(), 3) << f.indicator();
    for (const auto& c : f.comparators()) {
      const v1::IndicatorPoint* p = m.Find(c.entity(), f.indicator(), f.breakdown(), 2015);
      EXPECT_EQ(c.value().has_value(), p != nullptr) << f.indicator() << " " << c.entity();
      if (p) {
        EXPECT_EQ(c.value().value(), p->value());
      }
    }
  }
}

TEST(AnnualReportTest, FactsCoverEveryQuotedFigure) {
  FakeMetrics m = SeedLikeMetrics();
  v1::AnnualReport r = Build(m);
  for (const char* id : {"s47_enquiries", "s47_rate", "cpp_started", "cpp_ceased", "lac_year_end", "lac_peak",
                         "lac_started", "lac_ceased", "lac_female_pct", "lac_under10_pct", "care_leavers_18plus",
                         "assessment_timeliness_pct", "cp_visits_timely_pct", "cp_core_groups_held_pct", "adoptions",
                         "adoption_a1_days_3yr", "adoption_a2_days_3yr", "lac_placements",
                         "lac_inhouse_foster_children", "lac_placed_in_borough_pct", "lac_placed_within_20_miles_pct",
                         "agency_sw_rate_pct"}) {
    EXPECT_NE(FactOf(r, id), nullptr) << id;
  }
  for (const char* c : {"EMO", "NEG", "PHY", "SAB", "MUL"})
    EXPECT_NE(FactOf(r, "cpp_category_pct", std::string("category=") + c), nullptr) << c;
  EXPECT_NE(FactOf(r, "lac_ethnicity_pct", "ethnicity=WBRI"), nullptr);

  const v1::Fact* s47 = FactOf(r, "s47_enquiries");
  EXPECT_EQ(s47->value().value(), 1184);
  EXPECT_EQ(s47->previous().value(), 1234);
  EXPECT_EQ(s47->change().value(), -50);
  EXPECT_NEAR(s47->change_pct().value(), -50.0 / 1234 * 100, 1e-9);
  EXPECT_EQ(s47->period(), "2015-16");
  EXPECT_EQ(s47->previous_period(), "2014-15");

  const v1::Fact* a1 = FactOf(r, "adoption_a1_days_3yr");
  EXPECT_EQ(a1->period(), "2013-16");
  EXPECT_EQ(a1->previous_period(), "2012-15");
  EXPECT_EQ(a1->value().value(), 721);
  EXPECT_EQ(a1->previous().value(), 647);
  EXPECT_EQ(a1->target().kind(), "threshold");
  EXPECT_EQ(a1->target().value().value(), 426);   // 721 - 426 = 295 days over, as the seed says
  EXPECT_EQ(a1->rating(), v1::RED);
  const v1::Fact* a2 = FactOf(r, "adoption_a2_days_3yr");
  EXPECT_EQ(a2->target().value().value(), 121);
  EXPECT_EQ(a2->rating(), v1::GREEN);              // 118 days, under the threshold

  // Assessments: 76% against the local target of 80%, worse by exactly 5%: amber.
  const v1::Fact* assess = FactOf(r, "assessment_timeliness_pct");
  EXPECT_EQ(assess->target().kind(), "target");
  EXPECT_EQ(assess->target().value().value(), 80);
  EXPECT_EQ(assess->rating(), v1::AMBER);
  EXPECT_EQ(assess->rated_against().kind(), "target");   // the target, not the SN 82
  EXPECT_EQ(assess->rating_reason().find("76"), std::string::npos) << "reasons never quote the LA's own figure";

  // No target: rated against statistical neighbours, else England.
  EXPECT_EQ(FactOf(r, "agency_sw_rate_pct")->rating(), v1::RED);       // 45% against SN 30%, lower is better
  EXPECT_EQ(FactOf(r, "cp_visits_timely_pct")->rating(), v1::GREEN);   // 97% against SN 90%
  EXPECT_EQ(FactOf(r, "cp_core_groups_held_pct")->rating(), v1::AMBER);  // 84% against SN 88%: 4.5% worse
  const v1::Fact* police = FactOf(r, "lac_police_protection_pct");
  EXPECT_EQ(police->rated_against().label(), "England");
  EXPECT_EQ(police->rating(), v1::RED);
  // Polarity none: never rated; nothing to compare with: not rated.
  EXPECT_EQ(FactOf(r, "cpp_category_pct", "category=EMO")->rating(), v1::RATING_UNSPECIFIED);
  EXPECT_EQ(FactOf(r, "lac_placed_within_20_miles_pct")->rating(), v1::RATING_UNSPECIFIED);
  // Last year missing: not available, and so is the change (never 0).
  const v1::Fact* miles = FactOf(r, "lac_placed_within_20_miles_pct");
  EXPECT_FALSE(miles->previous().has_value());
  EXPECT_FALSE(miles->change().has_value());
  EXPECT_TRUE(FactOf(r, "cp_visits_timely_pct")->supplied());
  EXPECT_FALSE(FactOf(r, "s47_enquiries")->supplied());
}

TEST(AnnualReportTest, OtherLocalMeasuresComeFromGetValues) {
  FakeMetrics m = SeedLikeMetrics();
  v1::AnnualReport r = Build(m);
  const v1::Fact* overspend = FactOf(r, "overspend_gbp");
  ASSERT_NE(overspend, nullptr);
  EXPECT_EQ(overspend->section(), "Other local measures");
  EXPECT_TRUE(overspend->supplied());
  EXPECT_EQ(overspend->value().value(), 5670000);
  // Not sent for 2014-15: the report says the council did not supply it.
  EXPECT_FALSE(overspend->previous().has_value());
  EXPECT_EQ(overspend->previous().missing(), "not supplied");
  ASSERT_NE(FactOf(r, "nrpf_cases"), nullptr);
  // A supplied measure already quoted is not repeated.
  int visits = 0;
  for (const auto& f : r.facts()) visits += f.indicator() == "cp_visits_timely_pct";
  EXPECT_EQ(visits, 1);
}

TEST(AnnualReportTest, NothingLoadedIsNotAvailableNeverZero) {
  FakeMetrics m;
  m.Put("301", "contacts", "", 2015, 10);
  v1::AnnualReport r = Build(m);
  std::set<std::string> with_value;   // the LA's figures shown: targets and thresholds have no ref
  for (const v1::Cell* c : AllCells(r)) {
    if (c->has_value()) {
      if (!c->ref().empty()) with_value.insert(c->ref());
    } else {
      EXPECT_EQ(c->value(), 0);
    }
  }
  // contacts 2015 (in Table 1, and beside the 11,393 the council printed); its changes
  // have no base year
  EXPECT_EQ(with_value.size(), 1u);
  const v1::Fact* lac = FactOf(r, "lac_year_end");
  ASSERT_NE(lac, nullptr);
  EXPECT_FALSE(lac->value().has_value());
  EXPECT_EQ(lac->rating(), v1::RATING_UNSPECIFIED);
}

TEST(AnnualReportTest, BadYearAndMetricsErrorsPassThrough) {
  FakeMetrics m;
  EXPECT_TRUE(BuildAnnualReport("301", "2015", m, 0).ok());  // a collection year reads as 2014-15
  EXPECT_EQ(BuildAnnualReport("301", "2015-06", m, 0).status().code(), absl::StatusCode::kInvalidArgument);
  m.fail = absl::NotFoundError("no data for LA 301");
  EXPECT_EQ(BuildAnnualReport("301", "2015-16", m, 0).status().code(), absl::StatusCode::kNotFound);
}

TEST(AnnualReportTest, EachSeriesIsFetchedOnce) {
  FakeMetrics m = SeedLikeMetrics();
  Build(m);
  // Table rows, figures and facts share their series: one GetSeries per id and breakdown.
  EXPECT_LT(m.series_calls, 60);
}

// A made-up answer of GetBenchmark for a published indicator.
v1::LaBenchmark MadeUpBenchmark(const std::string& indicator) {
  v1::LaBenchmark b;
  b.set_la("301");
  b.set_indicator(indicator);
  b.set_period("2015-16");
  b.set_status("mapped");
  b.set_polarity("High");
  b.set_published(76);
  b.set_published_text("76");
  b.set_england(83);
  b.set_region_code("986");
  b.set_region_name("London");
  b.set_region(81);
  b.set_neighbours_average(79);
  b.set_neighbours_with_value(9);
  b.set_neighbours_listed(10);
  b.set_rank(115);
  b.set_rank_of(152);
  b.set_quartile("D");
  return b;
}

std::string MarkdownRow(const std::string& md, const std::string& label) {
  const size_t at = md.find("| " + label + " |");
  if (at == std::string::npos) return "";
  return md.substr(at, md.find('\n', at) - at);
}

TEST(AnnualReportTest, FactsQuoteDfesPublishedFiguresWithRankAndQuartile) {
  FakeMetrics m = SeedLikeMetrics();
  m.benchmarks[{"assessment_timeliness_pct", 2015}] = MadeUpBenchmark("assessment_timeliness_pct");
  v1::AnnualReport r = Build(m);
  const v1::Fact* f = FactOf(r, "assessment_timeliness_pct");
  ASSERT_NE(f, nullptr);
  const v1::PublishedComparison& d = f->dfe();
  EXPECT_EQ(d.status(), "mapped");
  EXPECT_EQ(d.period(), "2015-16");
  EXPECT_EQ(d.england().value(), 83);
  EXPECT_EQ(d.region_name(), "London");
  EXPECT_EQ(d.region().value(), 81);
  EXPECT_EQ(d.neighbours().value(), 79);
  EXPECT_EQ(d.rank(), 115);
  EXPECT_EQ(d.rank_of(), 152);
  EXPECT_EQ(d.quartile(), "D");
  // Published figures, not the council's: never suppressed, no ref.
  EXPECT_TRUE(d.england().ref().empty());
  const std::string s = FactSentence(*f);
  EXPECT_NE(s.find("DfE's published figures for 2015-16 (LAIT): the council 76%, England 83%, London 81%, "
                   "statistical neighbours 79% (9 of 10 with a figure); rank 115 of 152, quartile D."),
            std::string::npos)
      << s;
  // The table: England and London from DfE's figures (marked), the neighbours from the
  // comparator metrics holds (the seed's 82%), and the rank.
  const std::string md = RenderMarkdown(r);
  const std::string row = MarkdownRow(md, "Assessments completed within 45 working days");
  EXPECT_NE(row.find("| 83% \u2020 | 81% \u2020 | 82% | rank 115 of 152, quartile D |"), std::string::npos) << row;
  EXPECT_NE(md.find(kPublishedMarkNote), std::string::npos);
  const std::string html = RenderHtml(r);
  EXPECT_NE(html.find("rank 115 of 152, quartile D"), std::string::npos);
  // CSV keeps DfE's figures in columns of their own, apart from the comparator series.
  auto csv = Render(r, v1::CSV);
  ASSERT_TRUE(csv.ok());
  std::string facts;
  for (const auto& file : csv->files()) {
    if (file.name() == "facts.csv") facts = file.content();
  }
  EXPECT_NE(facts.find(",DfE status,DfE period,DfE figure,DfE England,DfE region,DfE region figure,DfE neighbours "
                       "average,neighbours with a figure,neighbours listed,DfE rank,rank of,DfE quartile\n"),
            std::string::npos)
      << facts.substr(0, 600);
  EXPECT_NE(facts.find(",mapped,2015-16,76,83,London,81,79,9,10,115,152,D\n"), std::string::npos) << facts;
}

// A fact with neither a target nor a comparator series is rated against DfE's published
// neighbours' average of the year (else England, else London), labelled as DfE's.
TEST(AnnualReportTest, FactsWithoutComparatorSeriesAreRatedAgainstDfesPublishedFigures) {
  FakeMetrics without = SeedLikeMetrics();
  without.benchmark_fail = absl::UnimplementedError("no GetBenchmark");
  v1::AnnualReport before = Build(without);
  std::set<std::pair<std::string, std::string>> unrated;
  for (const auto& f : before.facts()) {
    if (f.rating_reason() == "not rated: no target or comparator") unrated.insert({f.indicator(), f.breakdown()});
  }
  ASSERT_FALSE(unrated.empty());
  FakeMetrics m = SeedLikeMetrics();
  v1::AnnualReport r = Build(m);
  int rated = 0;
  for (const auto& f : r.facts()) {
    SCOPED_TRACE(f.indicator() + " " + f.breakdown());
    if (!unrated.count({f.indicator(), f.breakdown()})) {
      // Rated as before: against a target or the comparator series, never DfE's.
      EXPECT_EQ(f.rated_against().label().find("as DfE published it"), std::string::npos);
      continue;
    }
    const v1::PublishedComparison& d = f.dfe();
    const v1::Cell* against = d.neighbours().has_value() ? &d.neighbours()
                              : d.england().has_value()  ? &d.england()
                                                         : nullptr;
    if (!DfeFiguresHeld(d.status()) || against == nullptr || !f.value().has_value()) {
      EXPECT_EQ(f.rating(), v1::RATING_UNSPECIFIED);
      continue;
    }
    ++rated;
    EXPECT_NE(f.rating(), v1::RATING_UNSPECIFIED);
    EXPECT_EQ(f.rated_against().value().value(), against->value());
    EXPECT_NE(f.rated_against().label().find("as DfE published it for 2015-16"), std::string::npos)
        << f.rated_against().label();
    const int cmp = *Compare(f.value().value(), against->value(), f.polarity());
    EXPECT_EQ(f.rating() == v1::GREEN, cmp >= 0);
    EXPECT_NE(f.rating_reason().find("as DfE published it"), std::string::npos) << f.rating_reason();
  }
  EXPECT_GE(rated, 1);
}

TEST(AnnualReportTest, FactsCarryTheShippedLaitFigures) {
  // The fake serves GetBenchmark from the shipped LAIT tables, as metrics does.
  FakeMetrics m = SeedLikeMetrics();
  v1::AnnualReport r = Build(m);
  const Lait& lait = Lait::Shipped();
  for (const char* id : {"assessment_timeliness_pct", "cpp_rate", "lac_started", "referrals"}) {
    const v1::Fact* f = FactOf(r, id);
    ASSERT_NE(f, nullptr) << id;
    EXPECT_EQ(f->dfe().status(), "mapped") << id;
    EXPECT_EQ(f->dfe().england().value(), *lait.Number(id, "970", 2015)) << id;
    EXPECT_EQ(f->dfe().region().value(), *lait.Number(id, "986", 2015)) << id;
    EXPECT_EQ(f->dfe().value().value(), *lait.Number(id, "301", 2015)) << id;
    int with_number = 0;   // of 2015-16's 152 LAs, those DfE published a number for
    for (const auto& [code, v] : lait.LaValues(id, 2015)) with_number += v->number.has_value();
    EXPECT_EQ(f->dfe().rank_of(), with_number) << id;
    EXPECT_GT(with_number, 140) << id;
  }
  // High polarity: a rank and a band; no polarity: no rank, still "of N".
  EXPECT_GT(FactOf(r, "assessment_timeliness_pct")->dfe().rank(), 0);
  EXPECT_FALSE(FactOf(r, "assessment_timeliness_pct")->dfe().quartile().empty());
  EXPECT_EQ(FactOf(r, "referrals")->dfe().rank(), 0);
  EXPECT_NE(FactSentence(*FactOf(r, "referrals")).find("not ranked (DfE gives no better direction)"),
            std::string::npos);
  // A breakdown of an indicator LAIT does not hold says so.
  EXPECT_EQ(FactOf(r, "cpp_category_pct", "category=NEG")->dfe().status(), "not in LAIT");
  // One GetBenchmark per indicator and year: the five categories of abuse share one, and
  // the figures ask only for years with a comparator missing.
  for (const auto& [key, calls] : m.benchmark_asked) EXPECT_EQ(calls, 1) << key.first << " " << key.second;
  for (const auto& f : r.facts()) {
    if (FindIndicator(f.indicator())) EXPECT_EQ(m.benchmark_asked.count({f.indicator(), 2015}), 1u) << f.indicator();
  }
}

TEST(AnnualReportTest, AnIndicatorDfeNeverPublishedSaysSo) {
  FakeMetrics m = SeedLikeMetrics();
  v1::AnnualReport r = Build(m);
  const v1::Fact* lac_peak = FactOf(r, "lac_peak");   // monthly: no DfE collection holds it
  ASSERT_NE(lac_peak, nullptr);
  EXPECT_EQ(lac_peak->dfe().status(), "not published by DfE");
  const std::string s = FactSentence(*lac_peak);
  EXPECT_NE(s.find("not published by DfE"), std::string::npos) << s;
  EXPECT_EQ(s.find("No comparator figures are available"), std::string::npos) << s;
  const std::string row = MarkdownRow(RenderMarkdown(r), "Highest month-end number of looked-after children");
  ASSERT_FALSE(row.empty());
  EXPECT_EQ(row.find("not available | not available | not available"), std::string::npos) << row;
  EXPECT_NE(row.find("| not published by DfE | not published by DfE | not published by DfE | not published by DfE |"),
            std::string::npos)
      << row;
  // An indicator DfE may publish elsewhere but no file read holds is not called
  // unpublished. (Section 47 enquiries, once "not in LAIT", are now "DfE release": DfE's
  // children in need release publishes them, reference/dfe_values.csv.)
  const v1::Fact* female = FactOf(r, "lac_female_pct");
  ASSERT_NE(female, nullptr);
  EXPECT_EQ(female->dfe().status(), "not in LAIT");
  EXPECT_EQ(FactSentence(*female).find("not published by DfE"), std::string::npos);
  const std::string female_row = MarkdownRow(RenderMarkdown(r), "Looked-after children who are female");
  EXPECT_NE(female_row.find("| not held (not in LAIT) |"), std::string::npos) << female_row;
  // Each comparator it lacks says why: not held, never a bare "not available".
  EXPECT_EQ(female_row.find("not available"), std::string::npos) << female_row;
  EXPECT_NE(FactSentence(*female).find("DfE's published figures are not held"), std::string::npos);
  // So does each point a figure lacks: a year or comparator DfE's figures held lack.
  for (const auto& fig : r.figures()) {
    for (const auto& series : fig.series()) {
      if (series.entity() == "301") continue;
      for (const auto& c : series.values()) {
        if (!c.has_value() && !c.suppressed()) EXPECT_FALSE(c.missing().empty()) << fig.id() << " " << series.entity();
      }
    }
  }
  EXPECT_EQ(female_row.find("not published by DfE"), std::string::npos) << female_row;
  const v1::Fact* s47 = FactOf(r, "s47_enquiries");
  EXPECT_EQ(s47->dfe().status(), "DfE release");
  EXPECT_EQ(FactSentence(*s47).find("not published by DfE"), std::string::npos);
}

TEST(AnnualReportTest, BenchmarkFailures) {
  // An LA metrics cannot benchmark (or an older metrics): the facts go without DfE's figures.
  FakeMetrics m = SeedLikeMetrics();
  m.benchmark_fail = absl::InvalidArgumentError("unknown LA");
  v1::AnnualReport r = Build(m);
  ASSERT_GT(r.facts_size(), 0);
  for (const auto& f : r.facts()) EXPECT_TRUE(f.dfe().status().empty()) << f.indicator();
  EXPECT_NE(FactSentence(*FactOf(r, "referrals")).find("No comparator figures are available."), std::string::npos);
  // metrics unreachable: the report fails, as for its other calls.
  m.benchmark_fail = absl::UnavailableError("metrics down");
  EXPECT_EQ(BuildAnnualReport("301", "2015-16", m, 0).status().code(), absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace carestat

namespace carestat {
namespace {

v1::ReturnInfo Stored(const std::string& dataset, const std::string& file, int cy = 2016) {
  v1::ReturnInfo r;
  r.set_la("301");
  r.set_collection_year(cy);
  r.set_dataset(dataset);
  r.set_return_id(absl::StrCat("301/", cy, "/", dataset));
  r.set_file_name(file);
  r.set_uploaded_unix_ms(1476748800000);
  (*r.mutable_record_counts())["record"] = 1200;
  return r;
}

// No silent gaps: the year's returns listed as stored, rejected or missing; each part of
// the report that reads a return it lacks says which and why; no returns, no report.
TEST(AnnualReportGapsTest, EveryExpectedReturnIsStoredRejectedOrMissingAndSaysWhy) {
  FakeMetrics m = SeedLikeMetrics();
  FakeReturns returns;
  returns.returns = {Stored("cin-census", "cin.xml"), Stored("ssda903-header", "header.csv"),
                     Stored("annex-a-list-1", "list1.csv"), Stored("annex-a-list-2", "list2.csv"),
                     Stored("cin-census", "cin-2015.xml", 2015)};
  v1::RejectedReturn refused;
  refused.set_la("301");
  refused.set_collection_year(2016);
  refused.set_dataset("ssda903-episodes");
  refused.set_return_id("301/2016/ssda903-episodes");
  refused.set_file_name("episodes.csv");
  refused.set_rejected_unix_ms(1476835200000);
  refused.set_reason("episodes.csv: line 7, field DECOM: '31/02/2016' is not a date; nothing was stored");
  returns.rejected = {refused};
  auto r = BuildAnnualReport("301", "2015-16", m, 1476748800000, &returns);
  ASSERT_TRUE(r.ok()) << r.status();

  std::map<std::string, const v1::ReturnCoverage*> by_dataset;
  for (const auto& c : r->coverage()) by_dataset[c.dataset()] = &c;
  ASSERT_EQ(by_dataset.count("cin-census"), 1u);
  EXPECT_EQ(by_dataset["cin-census"]->status(), "stored");
  EXPECT_EQ(by_dataset["cin-census"]->file(), "cin.xml");  // the year's, not 2014-15's
  EXPECT_NE(by_dataset["cin-census"]->detail().find("1,200 records"), std::string::npos);
  EXPECT_EQ(by_dataset["ssda903-episodes"]->status(), "rejected");
  EXPECT_EQ(by_dataset["ssda903-episodes"]->file(), "episodes.csv");
  EXPECT_NE(by_dataset["ssda903-episodes"]->detail().find("is not a date"), std::string::npos);
  EXPECT_EQ(by_dataset["ssda903-oc3"]->status(), "missing");
  EXPECT_EQ(by_dataset["local-measures"]->status(), "missing");
  EXPECT_TRUE(by_dataset["ssda903-oc3"]->expected());
  ASSERT_EQ(by_dataset.count("annex-a-list-2"), 1u);  // another stored return, listed too
  EXPECT_FALSE(by_dataset["annex-a-list-2"]->expected());
  int expected = 0;
  for (const auto& c : r->coverage()) expected += c.expected();
  EXPECT_EQ(expected, static_cast<int>(ExpectedReturns().size()));

  // Table 4 and Figures 3-4 read the episodes: each says it was refused, and why.
  const v1::Table* t4 = TableById(*r, "table4");
  ASSERT_NE(t4, nullptr);
  EXPECT_NE(t4->gap().find("2015-16: the SSDA903 episodes (episodes.csv) was refused on"), std::string::npos)
      << t4->gap();
  EXPECT_NE(t4->gap().find("is not a date"), std::string::npos) << t4->gap();
  EXPECT_TRUE(TableById(*r, "table1")->gap().empty()) << TableById(*r, "table1")->gap();  // CIN census, list 1
  for (const auto& f : r->figures()) {
    const bool lac = f.indicator().rfind("lac_", 0) == 0;
    EXPECT_EQ(f.gap().empty(), !lac) << f.id() << ": " << f.gap();
  }
  // A care-leaver fact reads OC3: missing, and it says so.
  const v1::Fact* eet = FactOf(*r, "care_leavers_18plus");
  ASSERT_NE(eet, nullptr);
  EXPECT_NE(eet->gap().find("the SSDA903 care leavers (OC3) return is missing (no file received)"), std::string::npos)
      << eet->gap();
  EXPECT_TRUE(FactOf(*r, "referrals")->gap().empty());

  // Every format shows them.
  const std::string md = RenderMarkdown(*r);
  EXPECT_NE(md.find("## Returns behind these figures"), std::string::npos);
  EXPECT_NE(md.find("| SSDA903 episodes | rejected | episodes.csv |"), std::string::npos);
  EXPECT_NE(md.find("| SSDA903 care leavers (OC3) | missing | none |"), std::string::npos);
  EXPECT_NE(md.find("**Missing:** 2015-16: the SSDA903 episodes (episodes.csv) was refused"), std::string::npos);
  const std::string html = RenderHtml(*r);
  EXPECT_NE(html.find("<p class=\"gap\"><strong>Missing:</strong> 2015-16: the SSDA903 care leavers (OC3) return is missing"),
            std::string::npos);
  EXPECT_NE(html.find("id=\"returns\""), std::string::npos);
  auto csv = Render(*r, v1::CSV);
  ASSERT_TRUE(csv.ok());
  std::string returns_csv;
  for (const auto& f : csv->files()) {
    if (f.name() == "returns.csv") returns_csv = f.content();
  }
  EXPECT_NE(returns_csv.find("SSDA903 episodes,ssda903-episodes,rejected,episodes.csv,"), std::string::npos)
      << returns_csv;

  // Stored since: no longer a gap.
  returns.rejected.clear();
  returns.returns.push_back(Stored("ssda903-episodes", "episodes.csv"));
  auto again = BuildAnnualReport("301", "2015-16", m, 1476748800000, &returns);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(TableById(*again, "table4")->gap().empty()) << TableById(*again, "table4")->gap();
}

TEST(AnnualReportGapsTest, AYearWithNoReturnsIsNoReportAndSaysWhatIsMissing) {
  FakeMetrics m = SeedLikeMetrics();
  FakeReturns returns;
  returns.returns = {Stored("cin-census", "cin.xml", 2016)};
  v1::RejectedReturn refused;
  refused.set_la("301");
  refused.set_collection_year(2017);
  refused.set_dataset("cin-census");
  refused.set_file_name("cin-2017.xml");
  refused.set_reason("cin-2017.xml: not a CIN census");
  returns.rejected = {refused};
  auto r = BuildAnnualReport("301", "2016-17", m, 0, &returns);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
  const std::string msg(r.status().message());
  EXPECT_NE(msg.find("no returns are stored for LA 301 in 2016-17"), std::string::npos) << msg;
  EXPECT_NE(msg.find("CIN census: rejected"), std::string::npos) << msg;
  EXPECT_NE(msg.find("not a CIN census"), std::string::npos) << msg;
  EXPECT_NE(msg.find("SSDA903 episodes: missing"), std::string::npos) << msg;
  // Without a source of returns the report is built, and says what it cannot list.
  auto without = BuildAnnualReport("301", "2015-16", m, 0);
  ASSERT_TRUE(without.ok());
  EXPECT_EQ(without->coverage_size(), 0);
  EXPECT_FALSE(without->coverage_note().empty());
}

}  // namespace
}  // namespace carestat

namespace carestat {
namespace {

const v1::Reconciliation* DifferenceOf(const v1::AnnualReport& r, const std::string& indicator,
                                       const std::string& publisher) {
  for (const auto& d : r.differences()) {
    if (d.indicator() == indicator && d.publisher() == publisher) return &d;
  }
  return nullptr;
}

// The council printed 551 referrals per 10,000 for 2015-16 and 3,255 referrals: the same
// count over ONS's revised population gives 535, and the report says so and why.
TEST(AnnualReportDifferencesTest, ARateOverARevisedPopulationIsListedWithThePopulations) {
  FakeMetrics m = SeedLikeMetrics();
  m.Put("301", "referral_rate", "", 2015, 3255.0 / 60842 * 10000, 3255, 60842);
  v1::AnnualReport r = Build(m);
  const v1::Reconciliation* d = DifferenceOf(r, "referral_rate", "the council");
  ASSERT_NE(d, nullptr) << r.differences_note();
  EXPECT_EQ(d->period(), "2015-16");
  EXPECT_DOUBLE_EQ(d->published().value(), 551);
  EXPECT_NEAR(d->difference().value(), 535.0 - 551, 0.1);
  EXPECT_NE(d->reason().find("the same count (3,255)"), std::string::npos) << d->reason();
  EXPECT_NE(d->reason().find("implies about 59,070 children"), std::string::npos) << d->reason();
  EXPECT_NE(d->reason().find("divides by 60,842"), std::string::npos) << d->reason();
  EXPECT_NE(d->source().find("Table 1"), std::string::npos) << d->source();
  // The counts the council printed agree with the returns: not listed.
  EXPECT_EQ(DifferenceOf(r, "referrals", "the council"), nullptr);
  EXPECT_EQ(DifferenceOf(r, "contacts", "the council"), nullptr);
  EXPECT_NE(r.differences_note().find("with the figures the council published itself"), std::string::npos)
      << r.differences_note();
  // Every format lists it.
  for (v1::Format f : {v1::MARKDOWN, v1::HTML, v1::CSV}) {
    auto out = Render(r, f);
    ASSERT_TRUE(out.ok()) << out.status();
    std::string text = out->content();
    for (const auto& file : out->files()) {
      if (file.name() == "differences.csv") text = file.content();   // CSV: its own file
    }
    if (f != v1::CSV) EXPECT_NE(text.find("Figures that differ from those published"), std::string::npos) << f;
    EXPECT_NE(text.find("divides by 60,842"), std::string::npos) << f;
  }
}

TEST(AnnualReportDifferencesTest, ACountThatDiffersIsListedAndTheRateSaysTheCountDiffers) {
  FakeMetrics m = SeedLikeMetrics();
  m.Put("301", "cin_open_year_end", "", 2015, 2100);
  m.Put("301", "cin_rate", "", 2015, 2100.0 / 59050 * 10000, 2100, 59050);
  v1::AnnualReport r = Build(m);
  const v1::Reconciliation* count = DifferenceOf(r, "cin_open_year_end", "the council");
  ASSERT_NE(count, nullptr);
  EXPECT_DOUBLE_EQ(count->difference().value(), 36);
  EXPECT_NE(count->reason().find("not known"), std::string::npos) << count->reason();
  const v1::Reconciliation* rate = DifferenceOf(r, "cin_rate", "the council");
  ASSERT_NE(rate, nullptr);
  EXPECT_NE(rate->reason().find("the count differs: the council printed 2,064"), std::string::npos) << rate->reason();
  EXPECT_NE(rate->reason().find("the returns give 2,100"), std::string::npos) << rate->reason();
}

// DfE's reconciliation (metrics' GetBenchmark) gives the rows where DfE's figure for the
// council differs, with metrics' reason; a year that agrees to DfE's rounding is not listed.
TEST(AnnualReportDifferencesTest, DfesFiguresThatDifferAreListedWithMetricsReason) {
  FakeMetrics m = SeedLikeMetrics();
  v1::LaBenchmark b = MadeUpBenchmark("assessment_timeliness_pct");
  v1::BenchmarkReconciliation* rec = b.add_reconciliation();
  rec->set_period("2015-16");
  rec->set_computed(80);
  rec->set_published(76);
  rec->set_difference(4);
  rec->set_reason("DfE counts assessments completed in the year");
  v1::BenchmarkReconciliation* old = b.add_reconciliation();
  old->set_period("2014-15");
  old->set_computed(71);
  old->set_published(70);
  old->set_difference(1);
  old->set_reason("another year");
  m.benchmarks[{"assessment_timeliness_pct", 2015}] = b;
  v1::LaBenchmark agrees = MadeUpBenchmark("contacts");
  v1::BenchmarkReconciliation* same = agrees.add_reconciliation();
  same->set_period("2015-16");
  same->set_computed(11393);
  same->set_published(11393);
  m.benchmarks[{"contacts", 2015}] = agrees;
  v1::AnnualReport r = Build(m);
  const v1::Reconciliation* d = DifferenceOf(r, "assessment_timeliness_pct", "DfE");
  ASSERT_NE(d, nullptr) << r.differences_note();
  EXPECT_EQ(d->period(), "2015-16");
  EXPECT_DOUBLE_EQ(d->published().value(), 76);
  EXPECT_EQ(d->reason(), "DfE counts assessments completed in the year");
  EXPECT_NE(d->source().find("LAIT"), std::string::npos) << d->source();
  EXPECT_EQ(DifferenceOf(r, "contacts", "DfE"), nullptr);
  for (const auto& x : r.differences()) EXPECT_EQ(x.period(), "2015-16");
  EXPECT_NE(r.differences_note().find("with DfE's published figures for the council"), std::string::npos)
      << r.differences_note();
}

TEST(AnnualReportDifferencesTest, AnLaWithNoPublishedFiguresSaysNothingCouldBeCompared) {
  FakeMetrics m;
  m.Put("999", "contacts", "", 2015, 100);
  m.benchmark_fail = absl::InvalidArgumentError("unknown LA '999'");
  auto r = BuildAnnualReport("999", "2015-16", m, 0);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->differences_size(), 0);
  EXPECT_NE(r->differences_note().find("could be compared"), std::string::npos) << r->differences_note();
}

// Figure 5 and Tables 5 and 6 are metrics' forecast from the report year's 31 March, to
// the figure: the quarter ends of the window as bars, the projection and its band from
// the last actual stock, the next financial year's cost per category, and the backtest
// in the figure's note.
TEST(ProjectionTest, TheFigureAndTablesAreMetricsForecastFromTheYearsEnd) {
  FakeMetrics m = SeedLikeMetrics();
  const v1::LaForecast f = m.forecast.value();
  v1::AnnualReport r = Build(m);
  ASSERT_EQ(m.forecast_asked, std::vector<std::string>{"301 2016-03-31"});
  const v1::Figure* fig = nullptr;
  const v1::Table* t5 = nullptr;
  const v1::Table* t6 = nullptr;
  for (const auto& x : r.figures())
    if (x.id() == "figure5") fig = &x;
  for (const auto& x : r.tables()) {
    if (x.id() == "table5") t5 = &x;
    if (x.id() == "table6") t6 = &x;
  }
  ASSERT_NE(fig, nullptr);
  ASSERT_NE(t5, nullptr);
  ASSERT_NE(t6, nullptr);
  EXPECT_EQ(fig->title(), "Looked-after children: actual and projected");
  EXPECT_EQ(std::vector<std::string>(fig->periods().begin(), fig->periods().end()),
            (std::vector<std::string>{"Sep 2015", "Dec 2015", "Mar 2016", "Jun 2016", "Sep 2016", "Dec 2016", "Mar 2017"}));
  ASSERT_EQ(fig->series_size(), 4);
  const auto& actual = fig->series(0);
  const auto& projected = fig->series(1);
  EXPECT_EQ(fig->series(2).role(), "band_lower");
  EXPECT_EQ(fig->series(3).role(), "band_upper");
  // Sep 2015 is point 0, Dec 2015 point 3, Mar 2016 point 6; Jun 2016 projected point 2.
  EXPECT_EQ(actual.values(0).value(), f.points(0).children().in_care());
  EXPECT_EQ(actual.values(1).value(), f.points(3).children().in_care());
  EXPECT_EQ(actual.values(2).value(), f.points(6).children().in_care());
  EXPECT_FALSE(actual.values(3).has_value());
  EXPECT_EQ(actual.values(3).missing(), "projected");
  EXPECT_FALSE(projected.values(1).has_value());
  EXPECT_EQ(projected.values(2).value(), f.points(6).children().in_care());   // joins the last bar
  EXPECT_EQ(projected.values(3).value(), f.points(9).children().in_care());
  EXPECT_EQ(projected.values(6).value(), f.points(18).children().in_care());
  EXPECT_EQ(fig->series(2).values(6).value(), f.points(18).band_lower().in_care());
  EXPECT_EQ(fig->series(3).values(6).value(), f.points(18).band_upper().in_care());
  EXPECT_NE(fig->source().find("within 4.6% on average (bias +2.6%)"), std::string::npos) << fig->source();
  EXPECT_NE(fig->source().find("30 September 2015 to 31 March 2016"), std::string::npos) << fig->source();
  EXPECT_EQ(fig->gap(), "");
  // Table 5: at 31 March 2016 and a year on, per placement and in all, with the band.
  ASSERT_EQ(t5->rows_size(), 5);
  EXPECT_EQ(t5->rows(0).label(), "Fostering");
  EXPECT_EQ(t5->rows(0).values(0).value(), f.points(6).children().fostering());
  EXPECT_EQ(t5->rows(0).values(1).value(), f.points(18).children().fostering());
  EXPECT_EQ(t5->rows(0).values(2).value(), f.points(18).band_lower().fostering());
  EXPECT_EQ(t5->rows(0).values(3).value(), f.points(18).band_upper().fostering());
  EXPECT_EQ(t5->rows(4).values(1).value(), f.points(18).children().in_care());
  // Table 6: weekly cost and the 2016-17 cost per category; the total has no weekly cost.
  EXPECT_EQ(t6->title(), "Projected cost of placements in 2016-17");
  ASSERT_EQ(t6->rows_size(), 5);
  EXPECT_EQ(t6->rows(1).unit(), "gbp");
  EXPECT_EQ(t6->rows(1).values(0).value(), 1000);
  EXPECT_EQ(t6->rows(1).values(1).value(), f.cost_year_cost().residential());
  EXPECT_EQ(t6->rows(4).values(1).value(), f.cost_year_cost().in_care());
  EXPECT_FALSE(t6->rows(4).values(0).has_value());
}

// A metrics that cannot forecast leaves the figure and tables in place, saying why.
TEST(ProjectionTest, NoForecastIsAGapThatSaysWhyAndEveryFormatRenders) {
  FakeMetrics m = SeedLikeMetrics();
  m.forecast = absl::NotFoundError("no SSDA903 Header or Episodes return is stored for this LA");
  v1::AnnualReport r = Build(m);
  int gaps = 0;
  for (const auto& x : r.figures())
    if (x.id() == "figure5") {
      EXPECT_EQ(x.periods_size(), 0);
      EXPECT_NE(x.gap().find("no projection: no SSDA903 Header or Episodes return"), std::string::npos) << x.gap();
      ++gaps;
    }
  for (const auto& x : r.tables())
    if (x.id() == "table5" || x.id() == "table6") {
      EXPECT_NE(x.gap().find("no projection"), std::string::npos) << x.id();
      ++gaps;
    }
  EXPECT_EQ(gaps, 3);
  for (auto format : {v1::HTML, v1::MARKDOWN, v1::CSV, v1::JSON, v1::XLSX, v1::DOCX}) {
    auto out = Render(r, format);
    EXPECT_TRUE(out.ok()) << v1::Format_Name(format) << ": " << out.status();
  }
}

}  // namespace
}  // namespace carestat

