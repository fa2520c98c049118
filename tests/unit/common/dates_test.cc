#include "services/common/dates.h"

#include <gtest/gtest.h>

namespace carestat {
namespace {

TEST(DatesTest, DayNumbersRoundTrip) {
  EXPECT_EQ(DayNumber(1970, 1, 1), 0);
  for (int32_t d = DayNumber(1999, 12, 25); d < DayNumber(2031, 3, 3); d += 17) {
    int y, m, dd;
    CivilFromDays(d, &y, &m, &dd);
    EXPECT_EQ(DayNumber(y, m, dd), d);
  }
  EXPECT_EQ(DayNumber(2016, 3, 1) - DayNumber(2016, 2, 28), 2);  // 2016 is a leap year
}

TEST(DatesTest, FinancialYearTurnsOnFirstApril) {
  EXPECT_EQ(FinancialYearOf(DayNumber(2016, 3, 31)), 2015);
  EXPECT_EQ(FinancialYearOf(DayNumber(2016, 4, 1)), 2016);
  EXPECT_EQ(FinancialYearOf(DayNumber(2016, 1, 1)), 2015);
  EXPECT_EQ(FinancialYearStart(2015), DayNumber(2015, 4, 1));
  EXPECT_EQ(FinancialYearEnd(2015), DayNumber(2016, 3, 31));
}

TEST(DatesTest, ParsesBothExportForms) {
  EXPECT_EQ(ParseIsoDate("2016-03-31"), DayNumber(2016, 3, 31));
  EXPECT_EQ(ParseIsoDate("2022-07-21T10:12:28Z"), DayNumber(2022, 7, 21));
  EXPECT_EQ(ParseUkDate("31/03/2016"), DayNumber(2016, 3, 31));
  EXPECT_EQ(ParseUkDate(" 01/04/2016 "), DayNumber(2016, 4, 1));
  EXPECT_EQ(ParseAnyDate("01/04/2016"), DayNumber(2016, 4, 1));
  EXPECT_FALSE(ParseIsoDate("2016-02-30"));
  EXPECT_FALSE(ParseUkDate("30/02/2016"));
  EXPECT_FALSE(ParseUkDate("2016-03-31"));
  EXPECT_FALSE(ParseAnyDate("31.03.2016"));
  EXPECT_FALSE(ParseAnyDate(""));
  EXPECT_FALSE(ParseIsoDate("20x6-03-31"));
}

TEST(DatesTest, PeriodsParseAndFormat) {
  auto fy = ParsePeriod("2015-16");
  ASSERT_TRUE(fy);
  EXPECT_EQ(fy->kind(), v1::Period::FINANCIAL_YEAR);
  EXPECT_EQ(fy->start_year(), 2015);
  EXPECT_EQ(FormatPeriod(*fy), "2015-16");
  EXPECT_EQ(PeriodEnd(*fy), DayNumber(2016, 3, 31));
  auto m = ParsePeriod("2015-06");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->kind(), v1::Period::MONTH);
  EXPECT_EQ(PeriodEnd(*m), DayNumber(2015, 6, 30));
  EXPECT_EQ(PeriodEnd(*ParsePeriod("2016-02")), DayNumber(2016, 2, 29));
  EXPECT_EQ(PeriodEnd(*ParsePeriod("2015-12")), DayNumber(2015, 12, 31));
  auto cy = ParsePeriod("2016");
  ASSERT_TRUE(cy);
  EXPECT_EQ(FormatPeriod(*cy), "2015-16");
  EXPECT_EQ(FormatPeriod(FinancialYear(1999)), "1999-00");
  EXPECT_FALSE(ParsePeriod("2015-17"));
  EXPECT_FALSE(ParsePeriod("2015-13"));
  EXPECT_FALSE(ParsePeriod("last year"));
}

}  // namespace
}  // namespace carestat

namespace carestat {
namespace {

TEST(DatesTest, AddMonthsKeepsTheDayOrTheMonthsLast) {
  // Past the years a file's date may be written in (a rule adding 25 years to 31/12/9999
  // once looped for ever here), and before year 0.
  EXPECT_EQ(AddMonths(DayNumber(9999, 12, 31), 300), DayNumber(10024, 12, 31));
  EXPECT_EQ(AddMonths(DayNumber(9999, 1, 31), 1), DayNumber(9999, 2, 28));
  EXPECT_EQ(AddMonths(DayNumber(1, 1, 31), -13), DayNumber(-1, 12, 31));
  EXPECT_EQ(AddMonths(DayNumber(2016, 2, 29), 24), DayNumber(2018, 2, 28));
  EXPECT_EQ(AddMonths(DayNumber(2016, 3, 31), -1), DayNumber(2016, 2, 29));
  EXPECT_EQ(MonthsBefore(DayNumber(2016, 3, 1), 12), DayNumber(2015, 3, 1));
  EXPECT_EQ(MonthsBefore(DayNumber(2016, 3, 31), 30), DayNumber(2013, 9, 30));
  EXPECT_EQ(AddMonths(DayNumber(2015, 11, 15), 3), DayNumber(2016, 2, 15));
  EXPECT_EQ(FormatPeriod(MonthOfYear(2015, 0)), "2015-04");
  EXPECT_EQ(FormatPeriod(MonthOfYear(2015, 11)), "2016-03");
}

// The 12 months ending with a month: named by both ends, from the first day of the month
// after the one a year before to the last day of the month named; December's is the
// calendar year, March's the financial year.
TEST(DatesTest, RollingTwelveMonthsEndWithTheirMonth) {
  EXPECT_EQ(FormatPeriod(Rolling12Months(2015, 6)), "2014-07 to 2015-06");
  EXPECT_EQ(FormatPeriod(Rolling12Months(2015, 12)), "2015-01 to 2015-12");
  EXPECT_EQ(FormatPeriod(Rolling12Months(2016, 1)), "2015-02 to 2016-01");
  EXPECT_EQ(PeriodStart(Rolling12Months(2015, 6)), DayNumber(2014, 7, 1));
  EXPECT_EQ(PeriodEnd(Rolling12Months(2015, 6)), DayNumber(2015, 6, 30));
  EXPECT_EQ(PeriodStart(Rolling12Months(2015, 12)), DayNumber(2015, 1, 1));
  EXPECT_EQ(PeriodStart(Rolling12Months(2016, 3)), FinancialYearStart(2015));
  EXPECT_EQ(PeriodEnd(Rolling12Months(2016, 3)), FinancialYearEnd(2015));
  EXPECT_EQ(PeriodEnd(Rolling12Months(2016, 2)), DayNumber(2016, 2, 29));
}

TEST(DatesTest, FinancialYearsQuoteWhatWasGivenAndSayWhichAreAccepted) {
  std::string problem;
  EXPECT_EQ(ParseFinancialYear("2015-16", &problem), 2015);
  EXPECT_EQ(ParseFinancialYear("2016", &problem), 2015);  // the collection year's form
  EXPECT_EQ(ParseFinancialYear("2000-01", &problem), 2000);
  EXPECT_EQ(ParseFinancialYear("2098-99", &problem), 2098);
  for (const char* bad : {"1900-01", "1999-00", "2099-00", "2015-06", "2015-17", "15-16", "", "twenty"}) {
    problem.clear();
    EXPECT_FALSE(ParseFinancialYear(bad, &problem).has_value()) << bad;
    EXPECT_EQ(problem, std::string("'") + bad +
                           "' is not a financial year carestat accepts: give one from 2000-01 to 2098-99, like 2015-16");
  }
  problem.clear();
  ParseFinancialYear("2015\n16", &problem);
  EXPECT_EQ(problem.find('\n'), std::string::npos) << problem;
}
}  // namespace
}  // namespace carestat

namespace carestat {
namespace {

// "2011-12" is the financial year to ParsePeriod (and so December 2011 cannot be named
// by it, nor November 2010 by "2010-11"); ParseMonth reads any month, and PeriodAsText
// gives text only where it reads back as the same period.
TEST(DatesTest, ADecemberMonthIsNamedUnambiguously) {
  EXPECT_EQ(ParsePeriod("2011-12")->kind(), v1::Period::FINANCIAL_YEAR);
  auto december = ParseMonth("2011-12");
  ASSERT_TRUE(december);
  EXPECT_EQ(december->kind(), v1::Period::MONTH);
  EXPECT_EQ(december->start_year(), 2011);
  EXPECT_EQ(december->month(), 12);
  EXPECT_FALSE(ParseMonth("2011-13"));
  EXPECT_FALSE(ParseMonth("2011-00"));
  EXPECT_FALSE(ParseMonth("2011/12"));
  EXPECT_FALSE(ParseMonth("2011-1"));
  EXPECT_EQ(PeriodAsText(Month(2011, 12)), "");
  EXPECT_EQ(PeriodAsText(Month(2010, 11)), "");
  EXPECT_EQ(PeriodAsText(Month(2015, 12)), "2015-12");
  EXPECT_EQ(PeriodAsText(FinancialYear(2011)), "2011-12");
  EXPECT_EQ(PeriodAsText(Rolling12Months(2015, 6)), "");
  EXPECT_EQ(DescribePeriod(Month(2011, 12)), "month 2011-12");
  EXPECT_EQ(DescribePeriod(FinancialYear(2011)), "2011-12");
  EXPECT_EQ(DescribePeriod(Rolling12Months(2011, 12)), "12 months 2011-01 to 2011-12");
  std::string why;
  EXPECT_TRUE(ValidPeriod(Month(2011, 12), &why));
  EXPECT_FALSE(ValidPeriod(Month(2011, 13), &why));
  EXPECT_NE(why.find("month 13"), std::string::npos) << why;
  EXPECT_FALSE(ValidPeriod(v1::Period(), &why));
  EXPECT_FALSE(ValidPeriod(Rolling12Months(1800, 3), &why));
}

// What a children request's text names, and what it says when it names nothing.
TEST(DatesTest, PeriodAskedSaysWhatToGive) {
  const std::array<std::string, 3> flags = {"--period", "--month", "--rolling"};
  const std::array<std::string, 3> params = {"period=", "month=", "rolling=true"};
  auto year = PeriodAsked("2011-12", "", false, flags);
  ASSERT_TRUE(year.ok());
  EXPECT_EQ(year->kind(), v1::Period::FINANCIAL_YEAR);
  auto month = PeriodAsked("", "2011-12", false, flags);
  ASSERT_TRUE(month.ok());
  EXPECT_EQ(DescribePeriod(*month), "month 2011-12");
  auto rolling = PeriodAsked("", "2011-12", true, params);
  ASSERT_TRUE(rolling.ok());
  EXPECT_EQ(DescribePeriod(*rolling), "12 months 2011-01 to 2011-12");
  auto legacy_month = PeriodAsked("2015-06", "", false, flags);
  ASSERT_TRUE(legacy_month.ok());
  EXPECT_EQ(legacy_month->kind(), v1::Period::MONTH);
  struct Bad {
    std::string period, month;
    bool rolling;
    std::string says;
  };
  for (const Bad& b : {Bad{"2015-16", "2015-06", false, "give period= (a financial year) or month= (a month), not both"},
                       Bad{"", "", false, "give period=2015-16 (a financial year) or month=2015-06"},
                       Bad{"", "", true, "give period=2015-16"},
                       Bad{"2015-16", "", true, "rolling=true names the 12 months by the month they end with: give "
                                                "month=2016-03 for the 12 months ending in March 2016"},
                       Bad{"2015-06", "", true, "give month=2015-06, not period="},
                       Bad{"", "2015-13", false, "'2015-13' is not a month: give month=2015-06"},
                       Bad{"soon", "", false, "'soon' is not a period"}}) {
    auto r = PeriodAsked(b.period, b.month, b.rolling, params);
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << b.says;
    EXPECT_NE(r.status().message().find(b.says), std::string::npos) << r.status();
  }
  auto flag = PeriodAsked("2015-16", "", true, flags);
  EXPECT_NE(flag.status().message().find("--rolling names the 12 months by the month they end with: give --month 2016-03"),
            std::string::npos)
      << flag.status();
}

}  // namespace
}  // namespace carestat
