// Tests of services/metrics/benchmark.h: ranks, LAIT's quartile bands, region and
// neighbour figures on DfE's shipped figures, boundary changes, ties and suppressed
// values, the council's own figure placed among the published ones, and reconciliation.
#include "services/metrics/benchmark.h"
#include "services/metrics/indicators/catalogue.h"

#include <cmath>
#include <limits>

#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"

#include "services/common/dates.h"

namespace carestat {
namespace {

const Lait& L() { return Lait::Shipped(); }
constexpr double kNone = std::numeric_limits<double>::quiet_NaN();

struct Hand {
  const char* indicator;
  const char* la;
  int fy;
  double value;
  int rank, of;
  const char* quartile;
  double region;         // kNone: the region's figure is not published
  double sn_average;     // kNone: no neighbour has a figure
  int sn_with_value;
};

// Computed by hand from the shipped reference/lait_*.csv, not by carestat's code: the rows
// are the output of tests/unit/metrics/benchmark_expectations.py (Python's csv and
// statistics modules): rank = 1 + LAs with a strictly better published number that year,
// of = LAs with a published number; the band from statistics.quantiles(method='inclusive'),
// which is R's default quantile (type 7) LAIT cuts with, A the best quarter; the region's
// published row (986 London for 301); the mean of the neighbours' published numbers in the
// list in force on 31 March of the year's end (sn_april_2021, applied backwards before
// April 2021). Eleven indicators with a polarity (the ranked ones), five LAs of five
// regions (301 London, 330 West Midlands, 390 North East, 873 East of England, 878 South
// West), three years (2015-16, 2019-20, 2023-24); a row is left out where the LA has no
// published number (long-term stability starts 2017-18, the workforce measures 2016-17).
// LAIT's bds_long_0.parquet holds no statistical-neighbour averages or quartiles (its areas
// are LAs, regions and England only: scripts/lait-extract stops on any other), so LAIT's
// own published figures to compare with are the LA's value and its region's, checked here.
const Hand kHand[] = {
    {"rereferral_12m_pct", "301", 2015, 16.3, 40, 150, "B", 16.0, 19.46, 10},
    {"rereferral_12m_pct", "330", 2015, 19.3, 71, 150, "B", 20.9, 18.5, 10},
    {"rereferral_12m_pct", "390", 2015, 13.7, 21, 150, "A", 20.6, 27.5, 9},
    {"rereferral_12m_pct", "873", 2015, 19.5, 75, 150, "B", 22.3, 21.35, 10},
    {"rereferral_12m_pct", "878", 2015, 20.6, 85, 150, "C", 23.9, 21.27777778, 9},
    {"rereferral_12m_pct", "301", 2019, 14.6, 11, 148, "A", 18.8, 19.37, 10},
    {"rereferral_12m_pct", "330", 2019, 17.8, 45, 148, "B", 23.0, 21.88, 10},
    {"rereferral_12m_pct", "390", 2019, 11.6, 5, 148, "A", 22.4, 21.77, 10},
    {"rereferral_12m_pct", "873", 2019, 22.9, 92, 148, "C", 19.9, 23.07, 10},
    {"rereferral_12m_pct", "878", 2019, 17.2, 38, 148, "B", 21.0, 20, 9},
    {"rereferral_12m_pct", "301", 2023, 21.2, 83, 149, "C", 18.8, 21.22, 10},
    {"rereferral_12m_pct", "330", 2023, 22.4, 94, 149, "C", 20.7, 22.34, 10},
    {"rereferral_12m_pct", "390", 2023, 16.6, 26, 149, "A", 22.2, 21.66, 10},
    {"rereferral_12m_pct", "873", 2023, 30.2, 145, 149, "D", 20.6, 18.98888889, 9},
    {"rereferral_12m_pct", "878", 2023, 21.9, 89, 149, "C", 22.1, 19.41111111, 9},
    {"assessment_timeliness_pct", "301", 2015, 76.0, 115, 152, "D", 82.3, 83.29, 10},
    {"assessment_timeliness_pct", "330", 2015, 82.0, 90, 152, "C", 82.1, 83.08, 10},
    {"assessment_timeliness_pct", "390", 2015, 93.0, 32, 152, "A", 82.1, 80.83, 10},
    {"assessment_timeliness_pct", "873", 2015, 93.3, 28, 152, "A", 88.8, 84.21, 10},
    {"assessment_timeliness_pct", "878", 2015, 90.6, 49, 152, "B", 81.5, 80.74444444, 9},
    {"assessment_timeliness_pct", "301", 2019, 77.4, 114, 151, "D", 84.7, 82.23, 10},
    {"assessment_timeliness_pct", "330", 2019, 85.4, 79, 151, "C", 82.7, 81.61, 10},
    {"assessment_timeliness_pct", "390", 2019, 87.6, 64, 151, "B", 88.8, 86.43, 10},
    {"assessment_timeliness_pct", "873", 2019, 95.7, 14, 151, "A", 87.0, 83.23, 10},
    {"assessment_timeliness_pct", "878", 2019, 78.3, 108, 151, "C", 82.5, 83.73, 10},
    {"assessment_timeliness_pct", "301", 2023, 88.6, 47, 152, "B", 86.1, 88.53, 10},
    {"assessment_timeliness_pct", "330", 2023, 85.3, 65, 152, "B", 83.3, 86.41, 10},
    {"assessment_timeliness_pct", "390", 2023, 82.6, 84, 152, "C", 81.5, 81.66, 10},
    {"assessment_timeliness_pct", "873", 2023, 82.1, 92, 152, "C", 87.4, 83.38888889, 9},
    {"assessment_timeliness_pct", "878", 2023, 77.2, 120, 152, "D", 79.5, 83.9, 10},
    {"icpc_timeliness_pct", "301", 2015, 89.2, 41, 151, "B", 75.3, 76.74, 10},
    {"icpc_timeliness_pct", "330", 2015, 50.5, 142, 151, "D", 76.5, 84.37, 10},
    {"icpc_timeliness_pct", "390", 2015, 99.7, 3, 151, "A", 82.4, 77.09, 10},
    {"icpc_timeliness_pct", "873", 2015, 96.8, 6, 151, "A", 83.6, 69.53, 10},
    {"icpc_timeliness_pct", "878", 2015, 80.4, 81, 151, "C", 78.5, 72.17777778, 9},
    {"icpc_timeliness_pct", "301", 2019, 71.3, 113, 150, "D", 75.8, 74.59, 10},
    {"icpc_timeliness_pct", "330", 2019, 81.1, 69, 150, "B", 77.6, 78.14, 10},
    {"icpc_timeliness_pct", "390", 2019, 95.9, 8, 150, "A", 83.1, 76.13, 10},
    {"icpc_timeliness_pct", "873", 2019, 84.5, 53, 150, "B", 83.9, 76.21, 10},
    {"icpc_timeliness_pct", "878", 2019, 73.2, 108, 150, "C", 77.4, 77.98, 10},
    {"icpc_timeliness_pct", "301", 2023, 76.6, 99, 150, "C", 76.9, 80.59, 10},
    {"icpc_timeliness_pct", "330", 2023, 82.4, 69, 150, "B", 84.2, 78.61, 10},
    {"icpc_timeliness_pct", "390", 2023, 87.8, 43, 150, "B", 83.0, 83.02, 10},
    {"icpc_timeliness_pct", "873", 2023, 88.8, 35, 150, "A", 86.3, 85.36666667, 9},
    {"icpc_timeliness_pct", "878", 2023, 81.2, 79, 150, "C", 83.1, 85.42, 10},
    {"cpp_repeat_pct", "301", 2015, 7.7, 4, 148, "A", 14.0, 17.14, 10},
    {"cpp_repeat_pct", "330", 2015, 20.8, 113, 148, "D", 18.5, 17.61, 10},
    {"cpp_repeat_pct", "390", 2015, 11.8, 23, 148, "A", 14.2, 15.44, 10},
    {"cpp_repeat_pct", "873", 2015, 17.1, 71, 148, "B", 19.2, 20.41, 10},
    {"cpp_repeat_pct", "878", 2015, 22.4, 122, 148, "D", 20.9, 20.73333333, 9},
    {"cpp_repeat_pct", "301", 2019, 14.6, 11, 147, "A", 18.0, 21, 10},
    {"cpp_repeat_pct", "330", 2019, 21.0, 72, 147, "B", 22.7, 22.28, 10},
    {"cpp_repeat_pct", "390", 2019, 23.4, 93, 147, "C", 21.9, 20.19, 10},
    {"cpp_repeat_pct", "873", 2019, 23.2, 92, 147, "C", 20.6, 22.85, 10},
    {"cpp_repeat_pct", "878", 2019, 23.0, 90, 147, "C", 24.4, 24.27, 10},
    {"cpp_repeat_pct", "301", 2023, 18.7, 16, 150, "A", 21.2, 22.85, 10},
    {"cpp_repeat_pct", "330", 2023, 25.5, 85, 150, "C", 25.7, 25.36, 10},
    {"cpp_repeat_pct", "390", 2023, 20.6, 34, 150, "A", 25.7, 25.39, 10},
    {"cpp_repeat_pct", "873", 2023, 25.2, 82, 150, "C", 22.1, 27.78888889, 9},
    {"cpp_repeat_pct", "878", 2023, 29.6, 127, 150, "D", 28.7, 24.99, 10},
    {"cpp_ceased_2y_plus_pct", "301", 2015, 2.9, 33, 120, "B", 4.3, 4.1, 8},
    {"cpp_ceased_2y_plus_pct", "330", 2015, 1.5, 13, 120, "A", 2.9, 4.314285714, 7},
    {"cpp_ceased_2y_plus_pct", "390", 2015, 3.1, 36, 120, "B", 4.6, 3.766666667, 6},
    {"cpp_ceased_2y_plus_pct", "873", 2015, 2.0, 19, 120, "A", 3.7, 3.955555556, 9},
    {"cpp_ceased_2y_plus_pct", "878", 2015, 2.9, 33, 120, "B", 3.2, 3.025, 8},
    {"cpp_ceased_2y_plus_pct", "301", 2019, 8.9, 112, 116, "D", 4.3, 4.244444444, 9},
    {"cpp_ceased_2y_plus_pct", "330", 2019, 2.7, 31, 116, "B", 2.7, 3.775, 8},
    {"cpp_ceased_2y_plus_pct", "390", 2019, 2.3, 19, 116, "A", 2.0, 3.05, 4},
    {"cpp_ceased_2y_plus_pct", "873", 2019, 1.8, 11, 116, "A", 2.3, 4.611111111, 9},
    {"cpp_ceased_2y_plus_pct", "878", 2019, 2.4, 22, 116, "A", 3.7, 3.177777778, 9},
    {"cpp_ceased_2y_plus_pct", "301", 2023, 8.5, 120, 128, "D", 4.9, 4.888888889, 9},
    {"cpp_ceased_2y_plus_pct", "330", 2023, 2.4, 26, 128, "A", 3.0, 4.744444444, 9},
    {"cpp_ceased_2y_plus_pct", "873", 2023, 2.9, 35, 128, "B", 3.7, 3.122222222, 9},
    {"cpp_ceased_2y_plus_pct", "878", 2023, 2.1, 23, 128, "A", 3.2, 3.966666667, 9},
    {"lac_placement_moves_3plus_pct", "301", 2015, 11.0, 82, 150, "C", 10.0, 11.3, 10},
    {"lac_placement_moves_3plus_pct", "330", 2015, 11.0, 82, 150, "C", 10.0, 9.4, 10},
    {"lac_placement_moves_3plus_pct", "390", 2015, 8.0, 23, 150, "A", 9.0, 9.6, 10},
    {"lac_placement_moves_3plus_pct", "873", 2015, 9.0, 39, 150, "B", 10.0, 10.6, 10},
    {"lac_placement_moves_3plus_pct", "878", 2015, 14.0, 132, 150, "D", 12.0, 10.33333333, 9},
    {"lac_placement_moves_3plus_pct", "301", 2019, 9.0, 27, 150, "A", 11.0, 11.1, 10},
    {"lac_placement_moves_3plus_pct", "330", 2019, 10.0, 45, 150, "B", 10.0, 10.6, 10},
    {"lac_placement_moves_3plus_pct", "390", 2019, 9.0, 27, 150, "A", 10.0, 10, 10},
    {"lac_placement_moves_3plus_pct", "873", 2019, 10.0, 45, 150, "B", 10.0, 13.2, 10},
    {"lac_placement_moves_3plus_pct", "878", 2019, 12.0, 93, 150, "C", 12.0, 12.3, 10},
    {"lac_placement_moves_3plus_pct", "301", 2023, 14.0, 125, 149, "D", 12.0, 10.8, 10},
    {"lac_placement_moves_3plus_pct", "330", 2023, 8.0, 17, 149, "A", 10.0, 10.1, 10},
    {"lac_placement_moves_3plus_pct", "390", 2023, 8.0, 17, 149, "A", 11.0, 10, 10},
    {"lac_placement_moves_3plus_pct", "873", 2023, 9.0, 30, 149, "A", 10.0, 11.3, 10},
    {"lac_placement_moves_3plus_pct", "878", 2023, 15.0, 135, 149, "D", 12.0, 10.5, 10},
    {"lac_long_term_stability_pct", "301", 2019, 75.0, 14, 149, "A", 69.0, 67.1, 10},
    {"lac_long_term_stability_pct", "330", 2019, 68.0, 66, 149, "C", 68.0, 66, 10},
    {"lac_long_term_stability_pct", "390", 2019, 72.0, 33, 149, "A", 69.0, 66.8, 10},
    {"lac_long_term_stability_pct", "873", 2019, 71.0, 37, 149, "B", 69.0, 65.5, 10},
    {"lac_long_term_stability_pct", "878", 2019, 70.0, 47, 149, "B", 67.0, 69.2, 10},
    {"lac_long_term_stability_pct", "301", 2023, 69.0, 55, 149, "B", 67.0, 66.8, 10},
    {"lac_long_term_stability_pct", "330", 2023, 69.0, 55, 149, "B", 67.0, 67, 10},
    {"lac_long_term_stability_pct", "390", 2023, 75.0, 9, 149, "A", 68.0, 65.7, 10},
    {"lac_long_term_stability_pct", "873", 2023, 74.0, 15, 149, "A", 69.0, 66.1, 10},
    {"lac_long_term_stability_pct", "878", 2023, 64.0, 108, 149, "D", 68.0, 68.6, 10},
    {"care_leavers_eet_pct", "301", 2015, 49.0, 77, 150, "C", 54.0, 51.5, 10},
    {"care_leavers_eet_pct", "330", 2015, 46.0, 98, 150, "C", 47.0, 50, 10},
    {"care_leavers_eet_pct", "390", 2015, 46.0, 98, 150, "C", 45.0, 45.7, 10},
    {"care_leavers_eet_pct", "873", 2015, 28.0, 149, 150, "D", 48.0, 48, 10},
    {"care_leavers_eet_pct", "878", 2015, 44.0, 115, 150, "D", 50.0, 49.66666667, 9},
    {"care_leavers_eet_pct", "301", 2019, 60.0, 29, 148, "A", 55.0, 52.5, 10},
    {"care_leavers_eet_pct", "330", 2019, 56.0, 52, 148, "B", 50.0, 51.9, 10},
    {"care_leavers_eet_pct", "390", 2019, 54.0, 63, 148, "B", 52.0, 55.2, 10},
    {"care_leavers_eet_pct", "873", 2019, 44.0, 134, 148, "D", 53.0, 54.1, 10},
    {"care_leavers_eet_pct", "878", 2019, 32.0, 148, 148, "D", 53.0, 53, 9},
    {"care_leavers_eet_pct", "301", 2023, 59.0, 41, 152, "B", 58.0, 52.9, 10},
    {"care_leavers_eet_pct", "330", 2023, 56.0, 63, 152, "B", 52.0, 51.5, 10},
    {"care_leavers_eet_pct", "390", 2023, 45.0, 131, 152, "D", 50.0, 54.4, 10},
    {"care_leavers_eet_pct", "873", 2023, 51.0, 97, 152, "C", 53.0, 54.4, 10},
    {"care_leavers_eet_pct", "878", 2023, 38.0, 149, 152, "D", 56.0, 55.4, 10},
    {"care_leavers_suitable_accommodation_pct", "301", 2015, 73.0, 134, 151, "D", 82.0, 82.8, 10},
    {"care_leavers_suitable_accommodation_pct", "330", 2015, 82.0, 95, 151, "C", 80.0, 81.2, 10},
    {"care_leavers_suitable_accommodation_pct", "390", 2015, 86.0, 70, 151, "B", 85.0, 84, 10},
    {"care_leavers_suitable_accommodation_pct", "873", 2015, 61.0, 150, 151, "D", 81.0, 79.1, 10},
    {"care_leavers_suitable_accommodation_pct", "878", 2015, 78.0, 121, 151, "D", 87.0, 85.66666667, 9},
    {"care_leavers_suitable_accommodation_pct", "301", 2019, 82.0, 118, 148, "D", 83.0, 83.9, 10},
    {"care_leavers_suitable_accommodation_pct", "330", 2019, 83.0, 108, 148, "D", 85.0, 86.3, 10},
    {"care_leavers_suitable_accommodation_pct", "390", 2019, 91.0, 46, 148, "B", 91.0, 89.88888889, 9},
    {"care_leavers_suitable_accommodation_pct", "873", 2019, 72.0, 142, 148, "D", 86.0, 85.5, 10},
    {"care_leavers_suitable_accommodation_pct", "878", 2019, 67.0, 146, 148, "D", 85.0, 88.2, 10},
    {"care_leavers_suitable_accommodation_pct", "301", 2023, 90.0, 72, 151, "C", 89.0, 86.7, 10},
    {"care_leavers_suitable_accommodation_pct", "330", 2023, 83.0, 133, 151, "D", 88.0, 87.8, 10},
    {"care_leavers_suitable_accommodation_pct", "390", 2023, 92.0, 50, 151, "B", 89.0, 90.6, 10},
    {"care_leavers_suitable_accommodation_pct", "873", 2023, 89.0, 88, 151, "C", 86.0, 85.6, 10},
    {"care_leavers_suitable_accommodation_pct", "878", 2023, 78.0, 146, 151, "D", 90.0, 90.9, 10},
    {"agency_sw_rate_pct", "301", 2019, 22.6, 109, 151, "C", 23.9, 19.6, 10},
    {"agency_sw_rate_pct", "330", 2019, 11.9, 66, 151, "B", 16.0, 19.45, 10},
    {"agency_sw_rate_pct", "390", 2019, 1.6, 12, 151, "A", 7.6, 12.55, 10},
    {"agency_sw_rate_pct", "873", 2019, 13.3, 74, 151, "B", 12.2, 12.11, 10},
    {"agency_sw_rate_pct", "878", 2019, 23.2, 110, 151, "C", 17.0, 14.19, 10},
    {"agency_sw_rate_pct", "301", 2023, 21.6, 94, 150, "C", 23.2, 20.87, 10},
    {"agency_sw_rate_pct", "330", 2023, 11.9, 43, 150, "B", 16.6, 19.41, 10},
    {"agency_sw_rate_pct", "390", 2023, 6.3, 20, 150, "A", 9.9, 15.94, 10},
    {"agency_sw_rate_pct", "873", 2023, 25.8, 110, 150, "C", 12.5, 14.42, 10},
    {"agency_sw_rate_pct", "878", 2023, 31.6, 131, 150, "D", 19.8, 16.74, 10},
    {"sw_caseload_avg", "301", 2019, 16.3, 62, 151, "B", 15.1, 17.02, 10},
    {"sw_caseload_avg", "330", 2019, 15.9, 53, 151, "B", 17.2, 17.75, 10},
    {"sw_caseload_avg", "390", 2019, 17.2, 81, 151, "C", 18.2, 18.35, 10},
    {"sw_caseload_avg", "873", 2019, 14.3, 20, 151, "A", 15.6, 15.87, 10},
    {"sw_caseload_avg", "878", 2019, 13.1, 6, 151, "A", 15.6, 16.42, 10},
    {"sw_caseload_avg", "301", 2023, 15.3, 63, 153, "B", 14.4, 15.53, 10},
    {"sw_caseload_avg", "330", 2023, 17.7, 121, 153, "D", 16.6, 15.31, 10},
    {"sw_caseload_avg", "390", 2023, 18.0, 129, 153, "D", 17.0, 16.06, 10},
    {"sw_caseload_avg", "873", 2023, 15.8, 71, 153, "B", 14.9, 15.01, 10},
    {"sw_caseload_avg", "878", 2023, 16.7, 103, 153, "C", 15.9, 15.94, 10},
};

TEST(BenchmarkTest, RankQuartileRegionAndNeighboursEqualTheHandComputedFigures) {
  ASSERT_GE(std::size(kHand), 140u);
  for (const Hand& h : kHand) {
    SCOPED_TRACE(absl::StrCat(h.indicator, " ", h.la, " ", h.fy));
    v1::LaBenchmark b = BenchmarkOf(L(), h.la, h.indicator, h.fy, {});
    EXPECT_EQ(b.status(), "mapped");
    ASSERT_TRUE(b.has_published());
    EXPECT_DOUBLE_EQ(b.published(), h.value);
    EXPECT_EQ(b.rank(), h.rank);
    EXPECT_EQ(b.rank_of(), h.of);
    EXPECT_EQ(b.quartile(), h.quartile);
    EXPECT_EQ(b.has_region(), !std::isnan(h.region));
    if (b.has_region()) EXPECT_DOUBLE_EQ(b.region(), h.region);
    EXPECT_EQ(b.has_neighbours_average(), !std::isnan(h.sn_average));
    if (b.has_neighbours_average()) EXPECT_NEAR(b.neighbours_average(), h.sn_average, 1e-8);
    EXPECT_EQ(b.neighbours_with_value(), h.sn_with_value);
    EXPECT_EQ(b.neighbours_listed(), 10);
    EXPECT_EQ(b.neighbour_list(), "sn_april_2021");
    EXPECT_EQ(b.neighbour_list_in_force(), h.fy >= 2021);
    // England as LAIT publishes it.
    auto england = L().Number(h.indicator, "970", h.fy);
    EXPECT_EQ(b.has_england(), england.has_value());
    if (england) EXPECT_DOUBLE_EQ(b.england(), *england);
  }
}

TEST(BenchmarkTest, AYearBeforeLaitsFirstRanksOnTheReleaseLayer) {
  // reference/dfe_values.csv, rereferral_12m_pct 2012-13 (c1 file, time_period 2013): 301
  // published 9.8; of the 148 LAs with a number, 2 are lower (better: LAIT's polarity for
  // ReReferral is Low), so rank 3 of 148; the cut points (type 7 quantiles of the 148,
  // computed in Python) are 18.3, 22.3, 26.925, so 9.8 is in band A. London 17.7 and
  // England 24.7 are the file's region and national rows.
  v1::LaBenchmark b = BenchmarkOf(L(), "301", "rereferral_12m_pct", 2012, {});
  ASSERT_TRUE(b.has_published());
  EXPECT_DOUBLE_EQ(b.published(), 9.8);
  EXPECT_EQ(b.rank(), 3);
  EXPECT_EQ(b.rank_of(), 148);
  EXPECT_EQ(b.quartile(), "A");
  ASSERT_TRUE(b.has_region());
  EXPECT_DOUBLE_EQ(b.region(), 17.7);
  ASSERT_TRUE(b.has_england());
  EXPECT_DOUBLE_EQ(b.england(), 24.7);
  // cpp_repeat_pct 2010-11 (osr26-2011ud.csv, %CPPin1011SecondTime): 301 9.3, 21 of the
  // 147 LAs with a number are lower: rank 22 of 147; cuts 9.9, 12.8, 15.5: band A. The
  // older underlying data have no regional rows, so no region figure.
  b = BenchmarkOf(L(), "301", "cpp_repeat_pct", 2010, {});
  ASSERT_TRUE(b.has_published());
  EXPECT_DOUBLE_EQ(b.published(), 9.3);
  EXPECT_EQ(b.rank(), 22);
  EXPECT_EQ(b.rank_of(), 147);
  EXPECT_EQ(b.quartile(), "A");
  EXPECT_FALSE(b.has_region());
  EXPECT_DOUBLE_EQ(b.england(), 13.3);
}

TEST(BenchmarkTest, LondonLasTakeLondonAsTheirRegion) {
  v1::LaBenchmark b = BenchmarkOf(L(), "301", "rereferral_12m_pct", 2015, {});
  EXPECT_EQ(b.la_name(), "Barking and Dagenham");
  EXPECT_EQ(b.region_code(), "986");
  EXPECT_EQ(b.region_name(), "London");
  EXPECT_DOUBLE_EQ(b.region(), *L().Number("rereferral_12m_pct", "986", 2015));
  EXPECT_EQ(BenchmarkOf(L(), "202", "cin_rate", 2015, {}).region_code(), "986");  // Inner London too
  EXPECT_EQ(BenchmarkOf(L(), "390", "cin_rate", 2015, {}).region_name(), "North East");
}

TEST(BenchmarkTest, NoRankOrQuartileWithoutAPolarity) {
  // LAIT gives referral_rate no polarity ("-"): a value, comparators and N, but no rank,
  // band or judgement of the change.
  v1::LaBenchmark b = BenchmarkOf(L(), "301", "referral_rate", 2016, {});
  EXPECT_EQ(b.polarity(), "-");
  ASSERT_TRUE(b.has_published());
  EXPECT_EQ(b.rank(), 0);
  EXPECT_EQ(b.quartile(), "");
  EXPECT_GT(b.rank_of(), 140);
  EXPECT_TRUE(b.has_england());
  EXPECT_TRUE(b.has_region());
  EXPECT_TRUE(b.has_neighbours_average());
  ASSERT_TRUE(b.has_previous());
  EXPECT_FALSE(b.direction().empty());
  EXPECT_EQ(b.travel(), "");
}

TEST(BenchmarkTest, AnIndicatorDfeDoesNotPublishSaysSo) {
  v1::LaBenchmark b = BenchmarkOf(L(), "301", "contacts", 2015, {{2015, 4000}});
  EXPECT_EQ(b.status(), "not published by DfE");
  EXPECT_FALSE(b.has_published());
  EXPECT_FALSE(b.has_england());
  EXPECT_EQ(b.rank(), 0);
  EXPECT_FALSE(b.has_placement());
  EXPECT_DOUBLE_EQ(b.computed(), 4000);  // the council's own figure is still given
  EXPECT_EQ(BenchmarkOf(L(), "301", "adoption_a1_days", 2015, {}).status(), "not in LAIT");
}

// Expectations from reference/lait_values.csv by hand (cpp_repeat_pct, polarity Low:
// 1 + LAs with a smaller published number; 4 of 152 LAs suppressed in 2021-22, 5 in 2020-21).
TEST(BenchmarkTest, BoundaryChangesNorthamptonshire) {
  v1::LaBenchmark old = BenchmarkOf(L(), "928", "cpp_repeat_pct", 2021, {});
  EXPECT_FALSE(old.la_existed());
  EXPECT_FALSE(old.has_published());
  EXPECT_EQ(old.published_text(), "");
  EXPECT_EQ(old.rank(), 0);
  EXPECT_EQ(old.quartile(), "");
  EXPECT_EQ(old.direction(), "");
  EXPECT_EQ(old.rank_of(), 148);

  v1::LaBenchmark before = BenchmarkOf(L(), "928", "cpp_repeat_pct", 2020, {});
  EXPECT_TRUE(before.la_existed());
  EXPECT_DOUBLE_EQ(before.published(), 22.8);
  EXPECT_EQ(before.rank(), 88);
  EXPECT_EQ(before.rank_of(), 147);

  v1::LaBenchmark north = BenchmarkOf(L(), "940", "cpp_repeat_pct", 2021, {});
  v1::LaBenchmark west = BenchmarkOf(L(), "941", "cpp_repeat_pct", 2021, {});
  EXPECT_TRUE(north.la_existed());
  EXPECT_DOUBLE_EQ(north.published(), 27.4);
  EXPECT_EQ(north.rank(), 120);
  EXPECT_EQ(west.rank(), 133);
  EXPECT_EQ(west.rank_of(), 148);
  EXPECT_EQ(north.region_code(), "983");
  // Their first year: no year before to compare with.
  EXPECT_FALSE(north.has_previous());
  EXPECT_EQ(north.direction(), "");
  // Not yet formed in 2020-21.
  v1::LaBenchmark early = BenchmarkOf(L(), "940", "cpp_repeat_pct", 2020, {});
  EXPECT_FALSE(early.la_existed());
  EXPECT_FALSE(early.has_published());
  EXPECT_EQ(early.rank(), 0);
}

TEST(BenchmarkTest, ShippedSuppressedValueIsNotRankedAndNotZero) {
  // Hackney (204) is "-" for cpp_repeat_pct in 2021-22.
  v1::LaBenchmark b = BenchmarkOf(L(), "204", "cpp_repeat_pct", 2021, {});
  EXPECT_TRUE(b.la_existed());
  EXPECT_EQ(b.published_text(), "-");
  EXPECT_FALSE(b.has_published());
  EXPECT_EQ(b.rank(), 0);
  EXPECT_EQ(b.quartile(), "");
  // The LA ranked best that year is ranked 1: a suppressed value taken as 0 would beat it.
  int firsts = 0;
  for (const auto& [code, v] : L().LaValues("cpp_repeat_pct", 2021)) {
    if (v->number && BenchmarkOf(L(), code, "cpp_repeat_pct", 2021, {}).rank() == 1) ++firsts;
  }
  EXPECT_GE(firsts, 1);
}

// A constructed LAIT: six LAs, a Low indicator (rereferral_12m_pct), a High one
// (icpc_timeliness_pct) and a rate without polarity (cin_rate).
const char kMapping[] =
    "indicator,status,lait_measure,lait_name,lait_polarity,lait_year_type,lait_dps,lait_no_quartile,lait_table,"
    "period_rule,difference\n"
    "rereferral_12m_pct,mapped,ReReferral,Re-referrals,Low,Financial Year,NA,NA,t,r,Re-referral difference.\n"
    "icpc_timeliness_pct,mapped,CP_conf_15days,ICPC,High,Financial Year,NA,NA,t,r,ICPC difference.\n"
    "cin_rate,mapped,CIN,CIN rate,-,Annual,NA,NA,t,r,CIN difference.\n"
    "contacts,not published by DfE,,,,,,,,,No contacts.\n";
const char kLas[] =
    "area_code,area_type,name,region,region_code,london_part,la_type,exists_from,exists_to,first_period,"
    "last_period,change,source\n"
    "301,la,Barking and Dagenham,Outer London,986,988,OLB,,,,,,s\n"
    "302,la,Barnet,Outer London,986,988,OLB,,,,,,s\n"
    "303,la,Bexley,Outer London,986,988,OLB,,,,,,s\n"
    "304,la,Brent,Outer London,986,988,OLB,,,,,,s\n"
    "305,la,Bromley,Outer London,986,988,OLB,,,,,,s\n"
    "928,la,Northamptonshire,East Midlands,983,,SC,,2021-03-31,,,split,s\n"
    "970,england,England,,,,,,,,,,s\n"
    "983,region,East Midlands,,970,,,,,,,,s\n"
    "986,region,London,,970,,,,,,,,s\n";

std::string Neighbours301() {
  std::string t = "la,list,effective_from,rank,neighbour,closeness\n";
  const char* n[] = {"302", "303", "304", "305", "928", "302", "303", "304", "305", "928"};
  // Ten ranks are needed; the constructed list repeats LAs (LAIT's lists never do).
  for (int i = 0; i < 10; ++i) absl::StrAppend(&t, "301,sn_test,2015-04-01,", i + 1, ",", n[i], ",Close\n");
  return t;
}

Lait Constructed(const std::string& values) {
  auto l = Lait::Parse({"indicator,area_type,area_code,period,value,lait_measure,lait_year\n" + values, kLas,
                        Neighbours301(), kMapping});
  if (!l.ok()) ADD_FAILURE() << l.status();
  return l.ok() ? *std::move(l) : Lait();
}

std::string Row(const std::string& ind, const std::string& measure, const std::string& code, int fy,
                const std::string& value) {
  const std::string type = code == "970" ? "england" : code >= "980" && code <= "990" ? "region" : "la";
  return absl::StrCat(ind, ",", type, ",", code, ",", FormatPeriod(FinancialYear(fy)), ",", value, ",", measure, ",",
                      fy + 1, "\n");
}

// 2015-16: 301 10, 302 12, 303 12, 304 15, 305 "-" (suppressed), 928 0 (a published 0).
std::string TiesRows(const std::string& ind, const std::string& measure) {
  std::string t;
  for (auto [code, v] : {std::pair{"301", "10"}, {"302", "12"}, {"303", "12"}, {"304", "15"}, {"305", "-"},
                         {"928", "0"}, {"970", "11"}, {"986", "12.5"}}) {
    t += Row(ind, measure, code, 2015, v);
  }
  return t;
}

TEST(BenchmarkTest, TiesShareARankAndTheNextRankSkips) {
  Lait l = Constructed(TiesRows("rereferral_12m_pct", "ReReferral") + TiesRows("icpc_timeliness_pct", "CP_conf_15days"));
  // Low: 0 (928) first, 10 second, the two 12s share third, 15 is fifth (not fourth).
  EXPECT_EQ(BenchmarkOf(l, "928", "rereferral_12m_pct", 2015, {}).rank(), 1);
  EXPECT_EQ(BenchmarkOf(l, "301", "rereferral_12m_pct", 2015, {}).rank(), 2);
  EXPECT_EQ(BenchmarkOf(l, "302", "rereferral_12m_pct", 2015, {}).rank(), 3);
  EXPECT_EQ(BenchmarkOf(l, "303", "rereferral_12m_pct", 2015, {}).rank(), 3);
  EXPECT_EQ(BenchmarkOf(l, "304", "rereferral_12m_pct", 2015, {}).rank(), 5);
  EXPECT_EQ(BenchmarkOf(l, "304", "rereferral_12m_pct", 2015, {}).rank_of(), 5);  // "-" not counted
  // High: 15 first, the two 12s second, 10 fourth, 0 fifth.
  EXPECT_EQ(BenchmarkOf(l, "304", "icpc_timeliness_pct", 2015, {}).rank(), 1);
  EXPECT_EQ(BenchmarkOf(l, "302", "icpc_timeliness_pct", 2015, {}).rank(), 2);
  EXPECT_EQ(BenchmarkOf(l, "303", "icpc_timeliness_pct", 2015, {}).rank(), 2);
  EXPECT_EQ(BenchmarkOf(l, "301", "icpc_timeliness_pct", 2015, {}).rank(), 4);
  EXPECT_EQ(BenchmarkOf(l, "928", "icpc_timeliness_pct", 2015, {}).rank(), 5);
}

TEST(BenchmarkTest, QuartileBandsAsLaitCutsThem) {
  // Values 0, 10, 12, 12, 15; R's quantile type 7 by hand: h = (5 - 1) p, so the cuts are
  // x1 = 0, x2 = 10, x3 = 12, x4 = 12, x5 = 15 (h whole each time).
  auto cuts = QuartileCuts({12, 0, 15, 10, 12});
  EXPECT_EQ(cuts, (std::array<double, 5>{0, 10, 12, 12, 15}));
  // Four values 1, 2, 3, 4: h = 0.75 at 25% (1.75), 1.5 at 50% (2.5), 2.25 at 75% (3.25).
  EXPECT_EQ(QuartileCuts({4, 3, 2, 1}), (std::array<double, 5>{1, 1.75, 2.5, 3.25, 4}));
  Lait l = Constructed(TiesRows("rereferral_12m_pct", "ReReferral") + TiesRows("icpc_timeliness_pct", "CP_conf_15days"));
  // Low: up to 10 A, above 10 up to 12 B, (12, 12] none, above 12 D.
  EXPECT_EQ(BenchmarkOf(l, "928", "rereferral_12m_pct", 2015, {}).quartile(), "A");
  EXPECT_EQ(BenchmarkOf(l, "301", "rereferral_12m_pct", 2015, {}).quartile(), "A");
  EXPECT_EQ(BenchmarkOf(l, "302", "rereferral_12m_pct", 2015, {}).quartile(), "B");
  EXPECT_EQ(BenchmarkOf(l, "304", "rereferral_12m_pct", 2015, {}).quartile(), "D");
  // High: the same quarters the other way round.
  EXPECT_EQ(BenchmarkOf(l, "928", "icpc_timeliness_pct", 2015, {}).quartile(), "D");
  EXPECT_EQ(BenchmarkOf(l, "302", "icpc_timeliness_pct", 2015, {}).quartile(), "C");
  EXPECT_EQ(BenchmarkOf(l, "304", "icpc_timeliness_pct", 2015, {}).quartile(), "A");
  EXPECT_EQ(QuartileBand(3, {1, 1.75, 2.5, 3.25, 4}, "Low"), "C");
  EXPECT_EQ(QuartileBand(3, {1, 1.75, 2.5, 3.25, 4}, "High"), "B");
  EXPECT_EQ(QuartileBand(3, {1, 1.75, 2.5, 3.25, 4}, "-"), "");
}

TEST(BenchmarkTest, SuppressedValuesAreNeitherRankedNorZero) {
  Lait l = Constructed(TiesRows("rereferral_12m_pct", "ReReferral"));
  v1::LaBenchmark b = BenchmarkOf(l, "305", "rereferral_12m_pct", 2015, {});
  EXPECT_EQ(b.published_text(), "-");
  EXPECT_FALSE(b.has_published());
  EXPECT_EQ(b.rank(), 0);
  EXPECT_EQ(b.quartile(), "");
  // A published 0 is a number: ranked.
  v1::LaBenchmark zero = BenchmarkOf(l, "928", "rereferral_12m_pct", 2015, {});
  ASSERT_TRUE(zero.has_published());
  EXPECT_EQ(zero.published(), 0);
  // The neighbours of 301: 302, 303, 304, 305 and 928 twice each; 305 has no number, so
  // eight of ten: (12 + 12 + 15 + 0) * 2 / 8 = 9.75 (with 305 as 0 it would be 7.8).
  v1::LaBenchmark sn = BenchmarkOf(l, "301", "rereferral_12m_pct", 2015, {});
  EXPECT_EQ(sn.neighbours_listed(), 10);
  EXPECT_EQ(sn.neighbours_with_value(), 8);
  EXPECT_DOUBLE_EQ(sn.neighbours_average(), 9.75);
  EXPECT_DOUBLE_EQ(sn.england(), 11);
  EXPECT_DOUBLE_EQ(sn.region(), 12.5);
}

TEST(BenchmarkTest, DirectionOfTravelByPolarity) {
  std::string rows = TiesRows("rereferral_12m_pct", "ReReferral") + TiesRows("icpc_timeliness_pct", "CP_conf_15days");
  rows += Row("rereferral_12m_pct", "ReReferral", "301", 2016, "8") + Row("rereferral_12m_pct", "ReReferral", "302", 2016, "14") +
          Row("rereferral_12m_pct", "ReReferral", "303", 2016, "12") + Row("icpc_timeliness_pct", "CP_conf_15days", "301", 2016, "8") +
          Row("rereferral_12m_pct", "ReReferral", "305", 2016, "20");
  Lait l = Constructed(rows);
  v1::LaBenchmark down = BenchmarkOf(l, "301", "rereferral_12m_pct", 2016, {});
  EXPECT_DOUBLE_EQ(down.previous(), 10);
  EXPECT_DOUBLE_EQ(down.change(), -2);
  EXPECT_EQ(down.direction(), "down");
  EXPECT_EQ(down.travel(), "improving");  // Low: fewer re-referrals is better
  EXPECT_EQ(BenchmarkOf(l, "302", "rereferral_12m_pct", 2016, {}).travel(), "worsening");
  EXPECT_EQ(BenchmarkOf(l, "303", "rereferral_12m_pct", 2016, {}).travel(), "no change");
  EXPECT_EQ(BenchmarkOf(l, "303", "rereferral_12m_pct", 2016, {}).direction(), "same");
  EXPECT_EQ(BenchmarkOf(l, "301", "icpc_timeliness_pct", 2016, {}).travel(), "worsening");  // High
  // The year before suppressed: no direction.
  EXPECT_EQ(BenchmarkOf(l, "305", "rereferral_12m_pct", 2016, {}).direction(), "");
}

TEST(BenchmarkTest, ACouncilFigureDfeHasNotPublishedIsPlacedInTheLatestDistribution) {
  // 2015-16 published for 301..304 and 928; 2016-17 not yet; the council has 11 for 2016-17.
  Lait l = Constructed(TiesRows("rereferral_12m_pct", "ReReferral") + TiesRows("cin_rate", "CIN"));
  v1::LaBenchmark b = BenchmarkOf(l, "301", "rereferral_12m_pct", 2016, {{2016, 11}});
  EXPECT_FALSE(b.has_published());
  EXPECT_DOUBLE_EQ(b.computed(), 11);
  EXPECT_EQ(b.rank(), 0);  // no published rank of its own
  ASSERT_TRUE(b.has_placement());
  // Among 2015-16's others (0, 12, 12, 15; its own 10 left out): 11 is beaten by 0 alone.
  EXPECT_EQ(b.placement().period(), "2015-16");
  EXPECT_EQ(b.placement().rank(), 2);
  EXPECT_EQ(b.placement().rank_of(), 5);
  // Cuts of 2015-16's published figures 0, 10, 12, 12, 15: 11 is above 10, up to 12: B.
  EXPECT_EQ(b.placement().quartile(), "B");
  EXPECT_FALSE(b.placement().outside_range());
  // Worse than every published figure: last of five and D, outside the range.
  v1::LaBenchmark worst = BenchmarkOf(l, "301", "rereferral_12m_pct", 2017, {{2017, 40}});
  EXPECT_EQ(worst.placement().period(), "2015-16");
  EXPECT_EQ(worst.placement().rank(), 5);
  EXPECT_EQ(worst.placement().quartile(), "D");
  EXPECT_TRUE(worst.placement().outside_range());
  // A year before any published: the earliest distribution.
  EXPECT_EQ(BenchmarkOf(l, "301", "rereferral_12m_pct", 2013, {{2013, 11}}).placement().period(), "2015-16");
  // Without polarity: placed among N, with no rank or band.
  v1::LaBenchmark rate = BenchmarkOf(l, "301", "cin_rate", 2016, {{2016, 11}});
  EXPECT_EQ(rate.placement().rank(), 0);
  EXPECT_EQ(rate.placement().rank_of(), 5);
  EXPECT_EQ(rate.placement().quartile(), "");
  // A published year is not placed: it has its own rank.
  EXPECT_FALSE(BenchmarkOf(l, "301", "rereferral_12m_pct", 2015, {{2015, 11}}).has_placement());
  // The council's figure of a suppressed year is placed too (305's "-" in 2015-16).
  v1::LaBenchmark supp = BenchmarkOf(l, "305", "rereferral_12m_pct", 2015, {{2015, 13}});
  EXPECT_EQ(supp.placement().period(), "2015-16");
  EXPECT_EQ(supp.placement().rank(), 5);  // 0, 10, 12, 12 are better
  EXPECT_EQ(supp.placement().rank_of(), 6);
}

TEST(BenchmarkTest, ReconciliationBesideDfesFigures) {
  std::string rows = TiesRows("rereferral_12m_pct", "ReReferral") + TiesRows("cin_rate", "CIN") +
                     Row("rereferral_12m_pct", "ReReferral", "301", 2016, "9.5") + Row("cin_rate", "CIN", "301", 2016, "-");
  Lait l = Constructed(rows);
  // 2015-16: 10.04 rounds to DfE's 10.0 (1 dp): agrees, no reason. 2016-17: 11 against 9.5.
  // 2017-18: DfE has nothing: no reconciliation row.
  v1::LaBenchmark b = BenchmarkOf(l, "301", "rereferral_12m_pct", 2016, {{2015, 10.04}, {2016, 11}, {2017, 12}});
  ASSERT_EQ(b.reconciliation_size(), 2);
  EXPECT_EQ(b.reconciliation(0).period(), "2015-16");
  EXPECT_NEAR(b.reconciliation(0).difference(), 0.04, 1e-9);
  EXPECT_EQ(b.reconciliation(0).reason(), "");
  EXPECT_EQ(b.reconciliation(1).period(), "2016-17");
  EXPECT_DOUBLE_EQ(b.reconciliation(1).computed(), 11);
  EXPECT_DOUBLE_EQ(b.reconciliation(1).published(), 9.5);
  EXPECT_DOUBLE_EQ(b.reconciliation(1).difference(), 1.5);
  EXPECT_EQ(b.reconciliation(1).reason(), "Re-referral difference.");
  EXPECT_DOUBLE_EQ(b.computed(), 11);
  EXPECT_DOUBLE_EQ(b.published(), 9.5);  // the two figures side by side, never mixed

  // A rate: the reason names carestat's population and says DfE's were revised.
  auto pops = Populations::Parse("entity,mid_year,age_band,population,source\n301,2015,0-17,61000,Test ONS\n");
  ASSERT_TRUE(pops.ok()) << pops.status();
  v1::LaBenchmark rate = BenchmarkOf(l, "301", "cin_rate", 2015, {{2015, 12}, {2016, 13}}, &*pops);
  ASSERT_EQ(rate.reconciliation_size(), 1);  // 2016-17 is "-": nothing to reconcile
  const std::string& why = rate.reconciliation(0).reason();
  EXPECT_NE(why.find("CIN difference."), std::string::npos) << why;
  EXPECT_NE(why.find("61000 children aged 0-17 (reference/populations.csv, mid-2015: Test ONS)"), std::string::npos)
      << why;
  EXPECT_NE(why.find("revised"), std::string::npos) << why;
}

TEST(BenchmarkTest, LatestPublishedYear) {
  EXPECT_EQ(LatestPublishedYear(L(), "928", "cpp_repeat_pct"), 2020);
  EXPECT_EQ(LatestPublishedYear(L(), "301", "cpp_repeat_pct"), 2024);
  EXPECT_EQ(LatestPublishedYear(L(), "301", "sw_caseload_avg"), 2025);  // 30 September 2025
  EXPECT_EQ(LatestPublishedYear(L(), "301", "contacts"), std::nullopt);
}

TEST(BenchmarkTest, TheMay2025ListAppliesFromItsStart) {
  // sw_caseload_avg 2025-26 (30 September 2025) ends after 1 May 2025.
  v1::LaBenchmark b = BenchmarkOf(L(), "301", "sw_caseload_avg", 2025, {});
  EXPECT_EQ(b.neighbour_list(), "sn_may_2025");
  EXPECT_TRUE(b.neighbour_list_in_force());
  auto list = L().Neighbours("301", DayNumber(2026, 3, 31));
  ASSERT_TRUE(list.has_value());
  double sum = 0;
  int n = 0;
  for (const auto& c : list->neighbours) {
    if (auto v = L().Number("sw_caseload_avg", c, 2025)) sum += *v, ++n;
  }
  ASSERT_GT(n, 0);
  EXPECT_EQ(b.neighbours_with_value(), n);
  EXPECT_DOUBLE_EQ(b.neighbours_average(), sum / n);
}

}  // namespace
}  // namespace carestat

namespace carestat {
namespace {

// Comparators from the loaded LAs' own returns, on constructed points whose pooled figures
// are worked by hand in the comments.
TEST(LoadedComparatorsTest, PooledRegionNeighboursRankAndQuartileFromLoadedLas) {
  const int fy = 2015;
  std::vector<std::string> london;
  for (const auto& code : L().LasIn(fy)) {
    if (L().FindArea(code)->region_code == "986") london.push_back(code);
  }
  ASSERT_EQ(L().LasIn(fy).size(), 152u);  // England's LAs in 2015-16
  ASSERT_EQ(london.size(), 33u);          // the 32 boroughs and the City
  LoadedFigures loaded;
  // Re-referrals: every London LA 20 of 100 (20%), Barking and Dagenham 30 of 100.
  for (const auto& code : london) loaded[code] = {true, 20, 20, 100};
  loaded["301"] = {true, 30, 30, 100};
  // Only its own figure: nothing to compare with.
  EXPECT_FALSE(LoadedComparatorsOf(L(), "301", "rereferral_12m_pct", fy, {{"301", {true, 30, 30, 100}}}));

  auto c = LoadedComparatorsOf(L(), "301", "rereferral_12m_pct", fy, loaded);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->las_with_figure(), 33);
  EXPECT_EQ(c->las(), 152);
  EXPECT_FALSE(c->has_england());  // 33 of 152 loaded
  EXPECT_EQ(c->region_las(), 33);
  EXPECT_EQ(c->region_las_with_figure(), 33);
  ASSERT_TRUE(c->has_region());
  EXPECT_NEAR(c->region(), 670.0 / 33.0, 1e-9);  // (32 x 20 + 30) / 3,300 x 100
  // Four of 301's ten neighbours are in London (203, 308, 316, 320): no average yet.
  EXPECT_EQ(c->neighbours_with_figure(), 4);
  EXPECT_FALSE(c->has_neighbours_average());
  // Polarity Low: 30% is worse than all 32 others, which tie at rank 1.
  EXPECT_EQ(c->rank(), 33);
  EXPECT_EQ(c->rank_of(), 33);
  EXPECT_EQ(c->quartile(), "D");  // above the 75% cut (20)
  EXPECT_EQ(LoadedComparatorsOf(L(), "308", "rereferral_12m_pct", fy, loaded)->rank(), 1);

  // The six neighbours outside London at 10 of 100: the mean of ten figures
  // (4 x 20 + 6 x 10) / 10 = 14, an unweighted mean as DfE averages neighbours.
  for (const char* code : {"352", "821", "330", "871", "892", "331"}) loaded[code] = {true, 10, 1, 10};
  // An LA formed in 2021 (North Northamptonshire) has no place in 2015-16.
  loaded["940"] = {true, 5, 5, 100};
  c = LoadedComparatorsOf(L(), "301", "rereferral_12m_pct", fy, loaded);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->las_with_figure(), 39);
  EXPECT_EQ(c->neighbours_with_figure(), 10);
  ASSERT_TRUE(c->has_neighbours_average());
  EXPECT_DOUBLE_EQ(c->neighbours_average(), 14);
  EXPECT_EQ(c->rank(), 39);
  EXPECT_NEAR(c->region(), 670.0 / 33.0, 1e-9);  // the region is unchanged

  // A London LA with a point but no figure (no re-referrals to count: 0 of 0) still
  // pools (it adds nothing), but is not ranked.
  loaded["202"] = {false, 0, 0, 0};
  c = LoadedComparatorsOf(L(), "301", "rereferral_12m_pct", fy, loaded);
  EXPECT_EQ(c->region_las_with_figure(), 32);
  EXPECT_NEAR(c->region(), 650.0 / 32.0, 1e-9);  // (31 x 20 + 30) / 3,200 x 100
  EXPECT_EQ(c->rank_of(), 38);
  // A London LA missing altogether: no region figure.
  loaded.erase("202");
  EXPECT_FALSE(LoadedComparatorsOf(L(), "301", "rereferral_12m_pct", fy, loaded)->has_region());
}

// The catalogue's definitions say how DfE publishes each indicator, from the one mapping.
TEST(LoadedComparatorsTest, TheCatalogueCitesTheMapping) {
  int with_difference = 0;
  for (const auto& d : Catalogue()) {
    v1::IndicatorDefinition p = ToProto(d);
    const Lait::Mapping* m = L().FindMapping(d.id);
    ASSERT_NE(m, nullptr) << d.id;  // every catalogue indicator is in lait_mapping.csv
    EXPECT_EQ(p.dfe_status(), m->status) << d.id;
    EXPECT_EQ(p.dfe_measure(), m->measure) << d.id;
    EXPECT_EQ(p.dfe_difference(), m->difference) << d.id;
    with_difference += !p.dfe_difference().empty();
  }
  EXPECT_GT(with_difference, 20);
  EXPECT_EQ(ToProto(*FindIndicator("contacts")).dfe_status(), "not published by DfE");
  EXPECT_EQ(ToProto(*FindIndicator("referral_rate")).dfe_measure(), "CPP_Total_Rateper10,000");
}

TEST(LoadedComparatorsTest, EnglandOnlyWhenEveryLaIsLoadedAndCountsAreSummed) {
  const int fy = 2015;
  LoadedFigures loaded;
  for (const auto& code : L().LasIn(fy)) loaded[code] = {true, 100, 100, 0};
  auto c = LoadedComparatorsOf(L(), "301", "referrals", fy, loaded);
  ASSERT_TRUE(c);
  ASSERT_TRUE(c->has_england());
  EXPECT_DOUBLE_EQ(c->england(), 15200);  // 152 LAs x 100
  EXPECT_DOUBLE_EQ(c->region(), 3300);    // 33 London LAs x 100
  EXPECT_EQ(c->rank(), 0);  // LAIT gives the count no polarity: no rank
  loaded.erase("931");      // Oxfordshire not loaded
  c = LoadedComparatorsOf(L(), "301", "referrals", fy, loaded);
  EXPECT_FALSE(c->has_england());
  EXPECT_EQ(c->las_with_figure(), 151);
  EXPECT_TRUE(c->has_region());
}

}  // namespace
}  // namespace carestat
