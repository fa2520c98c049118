// File: annual.h
// Builds the Cabinet annual report from indicator series alone (never records).
//   auto report = BuildAnnualReport("301", "2015-16", fetch_series, now_ms);
//   // report->tables(0) is Table 1: contacts, referrals and the referral rate
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "carestat/v1/common.pb.h"
#include "carestat/v1/reporting.pb.h"

namespace carestat {

// Gives the LA's financial-year points of one indicator from `from` to `to`.
using SeriesFetch = std::function<absl::StatusOr<std::vector<v1::IndicatorPoint>>(
    const std::string& indicator, const std::string& from, const std::string& to)>;

// INVALID_ARGUMENT when `year` is not a financial year; fetch errors pass through.
absl::StatusOr<v1::AnnualReport> BuildAnnualReport(const std::string& la, const std::string& year,
                                                   const SeriesFetch& fetch, int64_t now_ms);

// Percentage change from `from` to `to`; no value when either is missing or from is 0.
v1::Cell PercentChange(const v1::Cell& from, const v1::Cell& to);

// The LA's name from the shipped list ("" when unknown).
std::string LaName(const std::string& la);

}  // namespace carestat
