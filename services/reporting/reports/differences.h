// File: differences.h
// The annual report's "figures that differ from those published": for the report's year,
// each of its figures beside the one DfE published for the LA (metrics' benchmark
// reconciliation, with its reason) and the one the council printed itself (the shipped
// reference/seed-figures.csv, LA 301's), by how much, and why where carestat can tell:
// a rate whose count agrees differs by its population, and the note says which.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "carestat/v1/metrics.pb.h"
#include "carestat/v1/reporting.pb.h"

namespace carestat {

// A figure a council printed for itself, as shipped.
struct CouncilFigure {
  std::string indicator;
  int year = 0;            // financial year start
  double value = 0;
  int dps = 0;             // the decimal places it was printed with
  std::string source;      // "001_093648989cbf36ab.txt Table 1"
};

// The shipped figures a council published for the LA (only LA 301's are shipped), of
// single financial years; ranges and dates are left out.
const std::vector<CouncilFigure>& CouncilFigures(const std::string& la);

// Whether `computed` agrees with a figure printed to `dps` decimal places.
bool AgreesWhenRounded(double computed, double printed, int dps);

// The count a rate per 10,000 divides ("referral_rate" -> "referrals"), "" for none.
std::string CountOfRate(const std::string& rate);

// Why the council's printed figure differs from carestat's computed cell, where carestat
// can tell: for a rate whose count the council printed the same (or did not print), the
// population each divides by; for a rate whose count differs, that count. "" when not known.
std::string CouncilReason(const std::string& indicator, const v1::Cell& computed, const CouncilFigure& printed,
                          const std::vector<CouncilFigure>& council, int year);

// One row of the annual report's differences.
v1::Reconciliation DifferenceRow(const std::string& indicator, const std::string& label, const std::string& unit,
                                 const std::string& period, const v1::Cell& computed, double published,
                                 const std::string& publisher, const std::string& source, std::string reason);

}  // namespace carestat
