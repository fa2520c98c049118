// Publication mode: DfE disclosure control, rule by rule, on a report built from small numbers.
#include <gtest/gtest.h>
#include <google/protobuf/util/json_util.h>

#include "services/reporting/render/disclosure.h"
#include "services/reporting/render/render.h"
#include "services/reporting/reports/annual.h"
#include "services/reporting/reports/self_assessment.h"
#include "tests/unit/reporting/fake_metrics.h"
#include "tests/unit/reporting/report_walk.h"

namespace carestat {
namespace {

FakeMetrics Small() {
  FakeMetrics m;
  const std::string la = "301";
  // Rule 1: counts 1 to 5.
  m.Put(la, "contacts", "", 2013, 6);
  m.Put(la, "contacts", "", 2014, 0);
  m.Put(la, "contacts", "", 2015, 3);
  m.Put(la, "referrals", "", 2015, 40);
  m.Put(la, "referral_rate", "", 2015, 40.0 / 50000 * 10000, 40, 50000);
  // Rule 2: percentages whose numerator is 1 to 5.
  m.Put(la, "lac_female_pct", "", 2015, 4.0 / 20 * 100, 4, 20);
  m.Put(la, "lac_under10_pct", "", 2015, 12.0 / 20 * 100, 12, 20);
  // Rule 3, flows: CPP year end(2014) 9 + started 3 - ceased 40 ~ year end(2015) 50.
  m.Put(la, "cpp_year_end", "", 2014, 9);
  m.Put(la, "cpp_started", "", 2015, 3);
  m.Put(la, "cpp_ceased", "", 2015, 40);
  m.Put(la, "cpp_year_end", "", 2015, 50);
  m.Put(la, "cpp_rate", "", 2014, 9.0 / 50000 * 10000, 9, 50000);
  m.Put(la, "cpp_rate", "", 2015, 50.0 / 50000 * 10000, 50, 50000);
  // Rule 3, categories adding to 100%: one small one (2015), two small ones (2014).
  const char* cats[] = {"EMO", "NEG", "PHY", "SAB", "MUL"};
  const double y2015[] = {127, 88, 23, 10, 3}, y2014[] = {100, 50, 4, 2, 20};
  for (int i = 0; i < 5; ++i) {
    m.Put(la, "cpp_category_pct", std::string("category=") + cats[i], 2015, y2015[i] / 251 * 100, y2015[i], 251);
    m.Put(la, "cpp_category_pct", std::string("category=") + cats[i], 2014, y2014[i] / 176 * 100, y2014[i], 176);
  }
  // Two members of the LAC flow suppressed already: nothing more to do.
  m.Put(la, "lac_year_end", "", 2014, 20);
  m.Put(la, "lac_started", "", 2015, 5);
  m.Put(la, "lac_ceased", "", 2015, 5);
  m.Put(la, "lac_year_end", "", 2015, 20);
  // Published comparators are never suppressed.
  m.Put("SN:301", "lac_year_end", "", 2015, 4);
  return m;
}

v1::AnnualReport Published(const v1::AnnualReport& in, std::set<std::string>* refs = nullptr) {
  v1::AnnualReport out = in;
  std::set<std::string> s = ApplyDisclosureControl(&out);
  if (refs) *refs = s;
  return out;
}

// Every cell showing `ref` agrees: all suppressed or none.
bool Suppressed(const v1::AnnualReport& r, const std::string& ref) {
  auto cells = CellsByRef(r);
  auto [lo, hi] = cells.equal_range(ref);
  EXPECT_NE(lo, hi) << ref << " is not in the report";
  bool any = false, all = true;
  for (auto it = lo; it != hi; ++it) {
    any = any || it->second->suppressed();
    all = all && it->second->suppressed();
  }
  EXPECT_EQ(any, all) << ref;
  return any;
}

class DisclosureTest : public ::testing::Test {
 protected:
  void SetUp() override {
    FakeMetrics m = Small();
    auto r = BuildAnnualReport("301", "2015-16", m, 0);
    ASSERT_TRUE(r.ok()) << r.status();
    internal_ = *r;
    published_ = Published(internal_, &refs_);
  }
  v1::AnnualReport internal_, published_;
  std::set<std::string> refs_;
};

TEST_F(DisclosureTest, CountsFromOneToFive) {
  EXPECT_TRUE(Suppressed(published_, "contacts@2015-16"));
  EXPECT_FALSE(Suppressed(published_, "contacts@2014-15"));   // 0 is shown
  EXPECT_FALSE(Suppressed(published_, "contacts@2013-14"));   // 6 is shown
  EXPECT_FALSE(Suppressed(published_, "referrals@2015-16"));
  // A suppressed cell carries no value at all.
  for (const v1::Cell* c : AllCells(published_)) {
    if (c->suppressed()) {
      EXPECT_FALSE(c->has_value());
      EXPECT_EQ(c->value(), 0);
    }
    EXPECT_EQ(c->numerator(), 0);
    EXPECT_EQ(c->denominator(), 0);
  }
}

TEST_F(DisclosureTest, PercentagesAndRatesByTheirNumerator) {
  EXPECT_TRUE(Suppressed(published_, "lac_female_pct@2015-16"));     // 4 of 20
  EXPECT_FALSE(Suppressed(published_, "lac_under10_pct@2015-16"));   // 12 of 20
  EXPECT_FALSE(Suppressed(published_, "referral_rate@2015-16"));     // 40 referrals
}

TEST_F(DisclosureTest, SecondarySuppressionInTheFlowAndItsRate) {
  // Started (3) alone would follow from 50 - 9 + 40: the smallest other, year end 2014-15 (9), goes too,
  EXPECT_TRUE(Suppressed(published_, "cpp_started@2015-16"));
  EXPECT_TRUE(Suppressed(published_, "cpp_year_end@2014-15"));
  EXPECT_FALSE(Suppressed(published_, "cpp_ceased@2015-16"));
  EXPECT_FALSE(Suppressed(published_, "cpp_year_end@2015-16"));
  // and with it its rate (population is public), in Figure 2 as in the facts.
  EXPECT_TRUE(Suppressed(published_, "cpp_rate@2014-15"));
  EXPECT_FALSE(Suppressed(published_, "cpp_rate@2015-16"));
  // Changes computed from a suppressed figure are suppressed.
  for (const auto& f : published_.facts()) {
    if (f.indicator() == "cpp_year_end" || f.indicator() == "cpp_rate") {
      EXPECT_TRUE(f.change().suppressed()) << f.indicator();
      EXPECT_TRUE(f.change_pct().suppressed()) << f.indicator();
      EXPECT_FALSE(f.value().suppressed());
    }
  }
  EXPECT_TRUE(published_.tables(0).rows(0).change_1y_pct().suppressed());   // contacts 0 -> c
  // Two of the LAC flow are suppressed already: nothing else is.
  EXPECT_TRUE(Suppressed(published_, "lac_started@2015-16"));
  EXPECT_TRUE(Suppressed(published_, "lac_ceased@2015-16"));
  EXPECT_FALSE(Suppressed(published_, "lac_year_end@2014-15"));
  EXPECT_FALSE(Suppressed(published_, "lac_year_end@2015-16"));
}

TEST_F(DisclosureTest, SecondarySuppressionInCategoriesAddingTo100) {
  EXPECT_TRUE(Suppressed(published_, "cpp_category_pct{category=MUL}@2015-16"));    // 3: primary
  EXPECT_TRUE(Suppressed(published_, "cpp_category_pct{category=SAB}@2015-16"));    // 10: next smallest
  EXPECT_FALSE(Suppressed(published_, "cpp_category_pct{category=PHY}@2015-16"));
  EXPECT_FALSE(Suppressed(published_, "cpp_category_pct{category=EMO}@2015-16"));
  // 2014-15: two already suppressed (4 and 2), so none more.
  EXPECT_TRUE(Suppressed(published_, "cpp_category_pct{category=PHY}@2014-15"));
  EXPECT_TRUE(Suppressed(published_, "cpp_category_pct{category=SAB}@2014-15"));
  EXPECT_FALSE(Suppressed(published_, "cpp_category_pct{category=MUL}@2014-15"));
  EXPECT_FALSE(Suppressed(published_, "cpp_category_pct{category=NEG}@2014-15"));
}

TEST_F(DisclosureTest, ComparatorsAndInternalReportsShowEverything) {
  // Figure 3's neighbours series (4) is a published figure.
  const v1::Figure& lac = published_.figures(2);
  ASSERT_EQ(lac.series(1).entity(), "SN:301");
  EXPECT_EQ(lac.series(1).values(5).value(), 4);
  EXPECT_FALSE(lac.series(1).values(5).suppressed());
  // The internal report is untouched.
  for (const v1::Cell* c : AllCells(internal_)) EXPECT_FALSE(c->suppressed());
  EXPECT_EQ(internal_.tables(0).rows(0).values(5).value(), 3);
}

TEST_F(DisclosureTest, RenderedPublishedOutputShowsC) {
  auto md = Render(internal_, v1::MARKDOWN, true);
  ASSERT_TRUE(md.ok());
  EXPECT_NE(md->content().find("| Number of contacts received (including multiple contacts on a child) | "
                               "not available | not available | not available | 6 | 0 | c | c | c |"),
            std::string::npos)
      << md->content();
  EXPECT_NE(md->content().find("disclosure control"), std::string::npos);
  auto internal_md = Render(internal_, v1::MARKDOWN, false);
  EXPECT_NE(internal_md->content().find("| 6 | 0 | 3 |"), std::string::npos);

  auto csv = Render(internal_, v1::CSV, true);
  ASSERT_TRUE(csv.ok());
  ASSERT_GT(csv->files_size(), 0);
  EXPECT_EQ(csv->files(0).name(), "table1.csv");
  EXPECT_NE(csv->files(0).content().find(",6,0,c,c,c\n"), std::string::npos) << csv->files(0).content();

  auto json = Render(internal_, v1::JSON, true);
  ASSERT_TRUE(json.ok());
  v1::AnnualReport back;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(json->content(), &back).ok());
  EXPECT_TRUE(back.tables(0).rows(0).values(5).suppressed());
  EXPECT_FALSE(back.tables(0).rows(0).values(5).has_value());

  auto html = Render(internal_, v1::HTML, true);
  ASSERT_TRUE(html.ok());
  EXPECT_NE(html->content().find("<td class=\"num sup\">c</td>"), std::string::npos);
  // The HTML never carries a suppressed value: the chart labels and the data tables say c.
  EXPECT_EQ(html->content().find(">3<"), std::string::npos);
}

TEST(DisclosureSelfAssessmentTest, AppliesToTheSelfAssessmentToo) {
  FakeMetrics m = Small();
  auto sa = BuildSelfAssessment("301", "2015-16", m, nullptr, 0);
  ASSERT_TRUE(sa.ok());
  v1::SelfAssessment published = *sa;
  std::set<std::string> refs = ApplyDisclosureControl(&published);
  EXPECT_TRUE(refs.count("contacts@2015-16"));
  EXPECT_TRUE(refs.count("cpp_year_end@2014-15"));   // the flow group, as in the annual report
  for (const auto& s : published.sections()) {
    for (const auto& a : s.indicators()) {
      if (a.indicator() == "contacts") {
        EXPECT_TRUE(a.values(2).suppressed());
        EXPECT_TRUE(a.change().suppressed());
      }
    }
  }
}

}  // namespace
}  // namespace carestat
