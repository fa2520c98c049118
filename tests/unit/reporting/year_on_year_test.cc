// The annual report's year on year section: directions counted as listed, and the year
// before compared with last year's report as reporting kept it.
#include "services/reporting/reports/year_on_year.h"

#include <gtest/gtest.h>

#include "services/reporting/render/render.h"
#include "services/reporting/reports/annual.h"
#include "services/reporting/reports/series.h"
#include "tests/unit/reporting/fake_metrics.h"

namespace carestat {
namespace {

v1::Cell Value(double v, const std::string& unit = "count") {
  v1::Cell c;
  c.set_has_value(true);
  c.set_value(v);
  c.set_unit(unit);
  c.set_ref("ref");
  return c;
}

v1::Fact* AddFact(v1::AnnualReport* r, const std::string& id, const std::string& polarity, std::optional<double> previous,
                  std::optional<double> value, const std::string& period = "2015-16",
                  const std::string& previous_period = "2014-15") {
  v1::Fact* f = r->add_facts();
  f->set_section("Front door");
  f->set_indicator(id);
  f->set_label(id);
  f->set_unit("count");
  f->set_polarity(polarity);
  f->set_period(period);
  f->set_previous_period(previous_period);
  if (previous) *f->mutable_previous() = Value(*previous);
  if (value) *f->mutable_value() = Value(*value);
  if (previous && value) *f->mutable_change() = Value(*value - *previous);
  return f;
}

v1::AnnualReport Constructed() {
  v1::AnnualReport r;
  r.set_la("301");
  r.set_year("2015-16");
  AddFact(&r, "up_better_rose", "up", 100, 120);       // improving
  AddFact(&r, "down_better_rose", "down", 100, 120);   // deteriorating
  AddFact(&r, "up_better_same", "up", 100, 101);       // stable: under 2%
  AddFact(&r, "no_polarity", "none", 100, 150);        // not judged
  AddFact(&r, "one_year_only", "up", std::nullopt, 5); // not judged: a year missing
  AddFact(&r, "neither", "up", std::nullopt, std::nullopt);   // not listed
  return r;
}

TEST(YearOnYearTest, EveryFigureWithAYearIsListedAndTheCountsAgreeWithTheRows) {
  v1::AnnualReport r = Constructed();
  AddYearOnYear(&r);
  const v1::YearOnYear& y = r.year_on_year();
  EXPECT_EQ(y.previous_year(), "2014-15");
  ASSERT_EQ(y.rows_size(), 5);
  EXPECT_EQ(y.improving(), 1);
  EXPECT_EQ(y.deteriorating(), 1);
  EXPECT_EQ(y.stable(), 1);
  EXPECT_EQ(y.not_judged(), 2);
  int counted[4] = {0, 0, 0, 0};
  for (const auto& row : y.rows()) ++counted[row.direction()];
  EXPECT_EQ(counted[v1::IMPROVING], y.improving());
  EXPECT_EQ(counted[v1::DETERIORATING], y.deteriorating());
  EXPECT_EQ(counted[v1::STABLE], y.stable());
  EXPECT_EQ(counted[v1::DIRECTION_UNSPECIFIED], y.not_judged());
  EXPECT_EQ(y.rows(0).direction(), v1::IMPROVING);
  EXPECT_EQ(y.rows(1).direction(), v1::DETERIORATING);
  EXPECT_NE(y.note().find("1 figures improving, 1 deteriorating, 1 stable, 2 not judged"), std::string::npos)
      << y.note();
  EXPECT_NE(y.note().find("not stored"), std::string::npos) << y.note();
}

TEST(YearOnYearTest, AFigureRevisedSinceLastYearsReportSaysFromWhatToWhat) {
  // Last year's report: its year (2014-15) as it printed it.
  v1::AnnualReport last;
  last.set_la("301");
  last.set_year("2014-15");
  AddFact(&last, "up_better_rose", "up", 90, 100, "2014-15", "2013-14");    // as now: 100
  AddFact(&last, "down_better_rose", "down", 90, 97, "2014-15", "2013-14"); // now 100: revised
  AddFact(&last, "up_better_same", "up", 90, std::nullopt, "2014-15", "2013-14");   // had none, now 100
  last.set_generated_unix_ms(1462233600000);   // 3 May 2016
  const v1::AnnualReport snapshot = ReportSnapshot(last);
  EXPECT_TRUE(SameFigures(snapshot, ReportSnapshot(last)));
  v1::AnnualReport changed = last;
  changed.mutable_facts(0)->mutable_value()->set_value(101);
  EXPECT_FALSE(SameFigures(snapshot, ReportSnapshot(changed)));
  for (const auto& f : snapshot.facts()) EXPECT_TRUE(f.value().ref().empty());   // figures only

  v1::AnnualReport r = Constructed();
  AddYearOnYear(&r);
  CompareWithPreviousReport(snapshot, &r);
  const v1::YearOnYear& y = r.year_on_year();
  EXPECT_EQ(y.previous_report(), "the 2014-15 report built on 3 May 2016");
  EXPECT_EQ(y.revised(), 2);
  EXPECT_TRUE(y.rows(0).revision().empty());
  EXPECT_DOUBLE_EQ(y.rows(0).last_report().value(), 100);
  EXPECT_EQ(y.rows(1).revision(), "revised from 97 in the 2014-15 report to 100");
  EXPECT_EQ(y.rows(2).revision(), "not in the 2014-15 report; 100 now");
  EXPECT_FALSE(y.rows(3).last_report().has_value());   // not in last year's report
  EXPECT_NE(y.note().find("2 figures of the year before changed since"), std::string::npos) << y.note();
  // A snapshot of another LA is not this LA's previous report.
  v1::AnnualReport other = snapshot;
  other.set_la("302");
  v1::AnnualReport r2 = Constructed();
  AddYearOnYear(&r2);
  CompareWithPreviousReport(other, &r2);
  EXPECT_TRUE(r2.year_on_year().previous_report().empty());
  // Every format shows the revision.
  for (v1::Format f : {v1::MARKDOWN, v1::HTML}) {
    auto out = Render(r, f);
    ASSERT_TRUE(out.ok()) << out.status();
    EXPECT_NE(out->content().find("revised from 97 in the 2014-15 report to 100"), std::string::npos) << f;
    EXPECT_NE(out->content().find("Year on year"), std::string::npos) << f;
  }
}

// Published, a revision quoting a suppressed count (1 to 5) is withheld, and the figure as
// last year's report printed it is suppressed with the year before's.
TEST(YearOnYearTest, APublishedRevisionNeverGivesASuppressedCountBack) {
  v1::AnnualReport r;
  r.set_la("301");
  r.set_year("2015-16");
  v1::Fact* f = AddFact(&r, "cpp_year_end", "none", 3, 40);
  f->mutable_previous()->set_ref(CellRef("cpp_year_end", "", 2014));
  f->mutable_value()->set_ref(CellRef("cpp_year_end", "", 2015));
  f->clear_change();
  v1::AnnualReport last;
  last.set_la("301");
  last.set_year("2014-15");
  AddFact(&last, "cpp_year_end", "none", 9, 4, "2014-15", "2013-14");
  AddYearOnYear(&r);
  CompareWithPreviousReport(ReportSnapshot(last), &r);
  ASSERT_EQ(r.year_on_year().rows(0).revision(), "revised from 4 in the 2014-15 report to 3");
  auto internal = Render(r, v1::MARKDOWN);
  ASSERT_TRUE(internal.ok());
  EXPECT_NE(internal->content().find("revised from 4 in the 2014-15 report to 3"), std::string::npos);
  auto published = Render(r, v1::MARKDOWN, /*publish=*/true);
  ASSERT_TRUE(published.ok()) << published.status();
  const size_t yoy = published->content().find("## Year on year");
  ASSERT_NE(yoy, std::string::npos);
  const std::string section = published->content().substr(yoy);
  EXPECT_EQ(section.find("revised from 4"), std::string::npos) << section;
  EXPECT_EQ(section.find("| 4 |"), std::string::npos) << section;
  EXPECT_EQ(section.find("| 3 |"), std::string::npos) << section;
}

TEST(YearOnYearTest, TheSeedLikeReportComparesEachFactWithTheYearBefore) {
  FakeMetrics m = SeedLikeMetrics();
  auto r = BuildAnnualReport("301", "2015-16", m, 0);
  ASSERT_TRUE(r.ok()) << r.status();
  const v1::YearOnYear& y = r->year_on_year();
  EXPECT_EQ(y.previous_year(), "2014-15");
  EXPECT_EQ(y.improving() + y.deteriorating() + y.stable() + y.not_judged(), y.rows_size());
  bool referrals = false;
  for (const auto& row : y.rows()) {
    if (row.indicator() != "referrals") continue;
    referrals = true;
    EXPECT_DOUBLE_EQ(row.previous().value(), 4084);
    EXPECT_DOUBLE_EQ(row.value().value(), 3255);
  }
  EXPECT_TRUE(referrals);
}

}  // namespace
}  // namespace carestat
