#include <gtest/gtest.h>
#include <google/protobuf/util/json_util.h>

#include <map>
#include <sstream>

#include "services/common/dates.h"
#include "services/reporting/render/render.h"
#include "services/reporting/reports/annual.h"

namespace carestat {
namespace {

// A fetch over a fixed table of values: indicator -> start year -> value.
SeriesFetch FakeFetch(std::map<std::string, std::map<int, double>> data) {
  return [data](const std::string& id, const std::string& from, const std::string& to)
             -> absl::StatusOr<std::vector<v1::IndicatorPoint>> {
    std::vector<v1::IndicatorPoint> out;
    int lo = ParsePeriod(from)->start_year(), hi = ParsePeriod(to)->start_year();
    auto it = data.find(id);
    if (it == data.end()) return out;
    for (const auto& [y, v] : it->second) {
      if (y < lo || y > hi) continue;
      v1::IndicatorPoint p;
      p.set_indicator(id);
      *p.mutable_period() = FinancialYear(y);
      p.set_has_value(true);
      p.set_value(v);
      out.push_back(p);
    }
    return out;
  };
}

v1::AnnualReport SeedLike() {
  auto r = BuildAnnualReport(
      "301", "2015-16",
      FakeFetch({{"contacts", {{2010, 9765}, {2011, 8683}, {2012, 8363}, {2013, 8856}, {2014, 8515}, {2015, 11393}}},
                 {"referrals", {{2010, 2704}, {2011, 1812}, {2012, 2586}, {2013, 3126}, {2014, 4084}, {2015, 3255}}},
                 {"referral_rate", {{2014, 691.2}, {2015, 551.4}}}}),
      0);
  EXPECT_TRUE(r.ok()) << r.status();
  return *r;
}

TEST(AnnualReportTest, Table1HoldsSixYearsAndTheChanges) {
  v1::AnnualReport r = SeedLike();
  EXPECT_EQ(r.la_name(), "Barking and Dagenham");
  ASSERT_EQ(r.tables_size(), 1);
  const v1::Table& t = r.tables(0);
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

TEST(AnnualReportTest, BadYearAndFetchErrorsPassThrough) {
  EXPECT_EQ(BuildAnnualReport("301", "2015", FakeFetch({}), 0).ok(), true);  // a collection year reads as 2014-15
  EXPECT_EQ(BuildAnnualReport("301", "2015-06", FakeFetch({}), 0).status().code(),
            absl::StatusCode::kInvalidArgument);
  SeriesFetch failing = [](const std::string&, const std::string&, const std::string&)
      -> absl::StatusOr<std::vector<v1::IndicatorPoint>> { return absl::NotFoundError("no data for LA 301"); };
  EXPECT_EQ(BuildAnnualReport("301", "2015-16", failing, 0).status().code(), absl::StatusCode::kNotFound);
}

TEST(RenderTest, FormattingRoundsOnlyForPeople) {
  v1::Cell c;
  c.set_has_value(true);
  c.set_value(11393);
  EXPECT_EQ(FormatValue(c, "count"), "11,393");
  c.set_value(551.4);
  EXPECT_EQ(FormatValue(c, "rate_per_10k"), "551");
  c.set_value(33.8);
  EXPECT_EQ(FormatChange(c), "+34%");
  c.set_value(-19.7);
  EXPECT_EQ(FormatChange(c), "-20%");
  EXPECT_EQ(FormatValue(v1::Cell(), "count"), "not available");
  EXPECT_EQ(FormatChange(v1::Cell()), "not available");
}

TEST(RenderTest, MarkdownAndHtmlShowTable1) {
  v1::AnnualReport r = SeedLike();
  auto md = Render(r, v1::MARKDOWN);
  ASSERT_TRUE(md.ok());
  EXPECT_NE(md->content().find("| Number of referrals | 2,704 | 1,812 | 2,586 | 3,126 | 4,084 | 3,255 | -20% | +20% |"),
            std::string::npos)
      << md->content();
  auto html = Render(r, v1::HTML);
  ASSERT_TRUE(html.ok());
  const std::string& h = html->content();
  EXPECT_NE(h.find("<table>"), std::string::npos);
  EXPECT_NE(h.find(">11,393<"), std::string::npos);
  EXPECT_NE(h.find("@page{size:A4"), std::string::npos);
  EXPECT_EQ(h.find("http"), std::string::npos);  // self-contained: nothing fetched
  EXPECT_NE(h.find("not available"), std::string::npos);
}

TEST(RenderTest, JsonAndCsvReadBackToTheSameNumbers) {
  v1::AnnualReport r = SeedLike();
  auto json = Render(r, v1::JSON);
  ASSERT_TRUE(json.ok());
  v1::AnnualReport back;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(json->content(), &back).ok());
  EXPECT_EQ(back.tables(0).rows(1).values(5).value(), 3255);
  auto csv = Render(r, v1::CSV);
  ASSERT_TRUE(csv.ok());
  std::istringstream in(csv->content());
  std::string line;
  std::map<std::string, std::string> cells;
  while (std::getline(in, line)) {
    auto last = line.rfind(',');
    auto period = line.rfind(',', last - 1);
    std::string indicator = line.substr(line.find(',') + 1, line.find(',', line.find(',') + 1) - line.find(',') - 1);
    cells[indicator + "/" + line.substr(period + 1, last - period - 1)] = line.substr(last + 1);
  }
  EXPECT_EQ(cells["contacts/2015-16"], "11393");
  EXPECT_EQ(cells["referral_rate/2015-16"], "551.4");
  EXPECT_EQ(cells["referral_rate/2010-11"], "");
}

}  // namespace
}  // namespace carestat
