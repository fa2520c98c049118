// File: dates.h
// Civil dates as day numbers, and the financial years and months of INDICATORS.md.
//   int32_t d = DayNumber(2016, 3, 31);
//   FinancialYearOf(d) == 2015;            // 2015-16
//   FormatPeriod(Period{FINANCIAL_YEAR, 2015}) == "2015-16"
// Day numbers count days since 1970-01-01 (proleptic Gregorian); they order as dates.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

#include "carestat/v1/common.pb.h"

namespace carestat {

int32_t DayNumber(int year, int month, int day);
void CivilFromDays(int32_t days, int* year, int* month, int* day);
bool IsValidDate(int year, int month, int day);

int32_t ToDays(const v1::Date& d);
v1::Date FromDays(int32_t days);
v1::Date MakeDate(int year, int month, int day);
std::string FormatIsoDate(int32_t days);     // 2016-03-31
std::string FormatUkDate(int32_t days);      // 31/03/2016

// Parses "2016-03-31" (also with a time part "T..."), REQUIRES a real calendar date.
std::optional<int32_t> ParseIsoDate(std::string_view s);
// Parses "31/03/2016" or "31-03-2016".
std::optional<int32_t> ParseUkDate(std::string_view s);
// Either form.
std::optional<int32_t> ParseAnyDate(std::string_view s);

// The start year of the financial year holding the date (1 April .. 31 March).
int FinancialYearOf(int32_t days);
int32_t FinancialYearStart(int start_year);  // 1 April start_year
int32_t FinancialYearEnd(int start_year);    // 31 March start_year + 1

v1::Period FinancialYear(int start_year);
v1::Period Month(int year, int month);
// The 12 months ending with `month` of `year` (a rolling figure at that month's end).
v1::Period Rolling12Months(int year, int month);
// "2015-16" for a financial year, "2015-06" for a month, "2014-07 to 2015-06" for the
// 12 months ending June 2015.
std::string FormatPeriod(const v1::Period& p);
// Accepts "2015-16" (a financial year: the second part is the next year's last two
// digits) or "2015-06" (a month). Also "2016" as the collection year of 2015-16.
// "2011-12" is read as the financial year: December 2011 cannot be named this way (see
// ParseMonth, and a Period passed whole).
std::optional<v1::Period> ParsePeriod(std::string_view s);
// Accepts a month only, "2011-12" being December 2011 (YYYY-MM, month 01 to 12).
std::optional<v1::Period> ParseMonth(std::string_view s);
// The period in words that cannot be taken for another kind, for headers and messages:
// "2011-12" (a financial year), "month 2011-12", "12 months 2011-01 to 2011-12".
std::string DescribePeriod(const v1::Period& p);
// The text ParsePeriod reads back as `p`, or "" when there is none: December 2011
// ("2011-12" is the year), November 2010, a rolling window.
std::string PeriodAsText(const v1::Period& p);
// The month a month or a rolling window is named by as month= or --month takes it
// ("2011-12" for December 2011, or for the 12 months ending with it); "" for a financial year.
std::string MonthParameter(const v1::Period& p);
// Whether a Period passed whole names a period: a kind, a year from 1900 to 2200 and,
// but for a financial year, a month 1 to 12. Otherwise sets `problem`.
bool ValidPeriod(const v1::Period& p, std::string* problem);
// The period a request for the children behind a figure names as text: `period` (a
// financial year "2015-16", or a month that cannot be read as one), or `month` (any
// month, "2011-12" being December 2011), `rolling` making it the 12 months ending with
// that month. `names` spell the three as the caller's user gives them ({"--period",
// "--month", "--rolling"} or {"period", "month", "rolling=true"}) in the errors, which
// say what to give instead: both or neither of period and month, a text that is not
// one, rolling with a financial year.
absl::StatusOr<v1::Period> PeriodAsked(std::string_view period, std::string_view month, bool rolling,
                                       const std::array<std::string, 3>& names);
// The financial years a user may ask for (a report, a series bound): 2000-01 to
// 2098-99. Returns the start year, or sets `problem` to a message that quotes `s` and
// says which years are accepted ("'1900-01' is not a financial year carestat accepts:
// give one from 2000-01 to 2098-99, like 2015-16").
inline constexpr int kFirstFinancialYear = 2000;
inline constexpr int kLastFinancialYear = 2098;
std::optional<int> ParseFinancialYear(std::string_view s, std::string* problem);
int32_t PeriodStart(const v1::Period& p);
// The same day `months` calendar months later (earlier when negative); a day the month
// lacks becomes its last (31 March less 1 month is 28 or 29 February; 29 February 2016
// plus 24 months is 28 February 2018).
int32_t AddMonths(int32_t day, int months);
inline int32_t MonthsBefore(int32_t day, int months) { return AddMonths(day, -months); }
// The i-th month (0 = April) of financial year `fy`.
v1::Period MonthOfYear(int fy, int i);
int32_t PeriodEnd(const v1::Period& p);

}  // namespace carestat
