// File: catalogue.h
// The indicators metrics computes, with INDICATORS.md's definitions: the contract
// shared by the API, the store, the reports and the command line.
//   const IndicatorDef* d = FindIndicator("referral_rate");   // nullptr when unknown
//   for (const auto& d : Catalogue()) ...
#pragma once

#include <string>
#include <vector>

#include "carestat/v1/metrics.pb.h"

namespace carestat {

struct IndicatorDef {
  std::string id;
  std::string name;
  std::string unit;       // count, rate_per_10k, percent
  std::string polarity;   // up, down, none
  std::string definition;
  std::vector<std::string> breakdowns;
  bool monthly = false;   // also computed per month
  // Also computed over the 12 months ending with each month (rolling 12 months): the
  // flows, their rates and the shares of events, whose year is a sum of months.
  bool rolling = false;
};

const std::vector<IndicatorDef>& Catalogue();
const IndicatorDef* FindIndicator(const std::string& id);
v1::IndicatorDefinition ToProto(const IndicatorDef& d);

}  // namespace carestat
