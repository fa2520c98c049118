// The demand model against DEMAND.md: the reference model's exact expectations for the
// projection step, and stock, rates and entrants worked by hand on small histories.
#include "services/metrics/forecast/demand.h"

#include <stdlib.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/dates.h"

namespace carestat::forecast {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

const int PT1 = StateOf(0, kFostering), PT2 = StateOf(0, kResidential), PT3 = StateOf(0, kSupported);

Population Pop(std::initializer_list<std::pair<int, double>> v) {
  Population p{};
  for (auto [s, n] : v) p[s] = n;
  return p;
}

TEST(ProjectionStep, TwoStateDrainDailyAndInFiveDaySteps) {
  Matrix r = ZeroMatrix();
  r[PT1][PT2] = 0.1;
  auto days = Predict(Pop({{PT1, 100}}), r, ZeroMatrix(), 25, 1);
  EXPECT_DOUBLE_EQ(days[0][PT1], 90);
  EXPECT_DOUBLE_EQ(days[0][PT2], 10);
  EXPECT_NEAR(days[1][PT1], 81, 1e-9);
  EXPECT_NEAR(days[1][PT2], 19, 1e-9);
  EXPECT_NEAR(days[4][PT1], 59.0, 0.1);
  EXPECT_NEAR(days[4][PT2], 41.0, 0.1);
  EXPECT_NEAR(days[24][PT1], 7.2, 0.1);
  EXPECT_NEAR(days[24][PT2], 92.8, 0.1);
  auto steps = Predict(Pop({{PT1, 100}}), r, ZeroMatrix(), 5, 5);
  EXPECT_NEAR(steps[0][PT1], 59.0, 0.1);
  EXPECT_NEAR(steps[0][PT2], 41.0, 0.1);
  EXPECT_NEAR(steps[4][PT1], 7.2, 0.1);
  EXPECT_NEAR(steps[4][PT2], 92.8, 0.1);
}

TEST(ProjectionStep, DrainBothWays) {
  Matrix r = ZeroMatrix();
  r[PT1][PT2] = 0.1;
  r[PT2][PT1] = 0.05;
  auto days = Predict(Pop({{PT1, 100}}), r, ZeroMatrix(), 25, 1);
  EXPECT_NEAR(days[0][PT1], 90, 1e-9);
  EXPECT_NEAR(days[1][PT1], 81.5, 1e-9);
  EXPECT_NEAR(days[1][PT2], 18.5, 1e-9);
  EXPECT_NEAR(days[4][PT1], 62.9, 0.1);
  EXPECT_NEAR(days[4][PT2], 37.1, 0.1);
  EXPECT_NEAR(days[24][PT1], 34.5, 0.1);
  EXPECT_NEAR(days[24][PT2], 65.5, 0.1);
  auto steps = Predict(Pop({{PT1, 100}}), r, ZeroMatrix(), 5, 5);
  EXPECT_NEAR(steps[0][PT1], 59.0, 0.1);
  EXPECT_NEAR(steps[4][PT1], 36.0, 0.1);
  EXPECT_NEAR(steps[4][PT2], 64.0, 0.1);
}

TEST(ProjectionStep, NumbersMoveFixedCountsUntilTheSourceIsEmpty) {
  Matrix n = ZeroMatrix();
  n[PT1][PT2] = 10;
  auto days = Predict(Pop({{PT1, 100}}), ZeroMatrix(), n, 25, 1);
  EXPECT_NEAR(days[0][PT1], 90, 1e-9);
  EXPECT_NEAR(days[1][PT1], 80, 1e-9);
  EXPECT_NEAR(days[4][PT1], 50, 1e-9);
  EXPECT_NEAR(days[24][PT1], 0, 1e-9);
  EXPECT_NEAR(days[24][PT2], 100, 1e-9);
  auto steps = Predict(Pop({{PT1, 100}}), ZeroMatrix(), n, 5, 5);
  EXPECT_NEAR(steps[0][PT1], 50, 1e-9);
  EXPECT_NEAR(steps[4][PT2], 100, 1e-9);
  // Both ways: an empty source moves nobody.
  n[PT2][PT1] = 5;
  days = Predict(Pop({{PT1, 100}}), ZeroMatrix(), n, 25, 1);
  EXPECT_NEAR(days[1][PT1], 85, 1e-9);
  EXPECT_NEAR(days[4][PT1], 70, 1e-9);
  EXPECT_NEAR(days[24][PT1], 5, 1e-9);
  steps = Predict(Pop({{PT1, 100}}), ZeroMatrix(), n, 5, 5);
  EXPECT_NEAR(steps[0][PT1], 50, 1e-9);
  EXPECT_NEAR(steps[4][PT1], 25, 1e-9);
  EXPECT_NEAR(steps[4][PT2], 75, 1e-9);
}

TEST(ProjectionStep, EntrantsAreAbsoluteCounts) {
  Matrix n = ZeroMatrix();
  n[kOutside][PT1] = 0.05;
  Population p = Pop({{PT1, 100}, {PT3, 200}});
  Population one = Step(p, ZeroMatrix(), n, 1);
  EXPECT_NEAR(one[PT1], 100.05, 1e-9);
  EXPECT_EQ(one[PT2], 0);
  EXPECT_EQ(one[PT3], 200);
  EXPECT_NEAR(Step(p, ZeroMatrix(), n, 10)[PT1], 100.5, 1e-9);
}

TEST(ProjectionStep, OverDrainingSplitsWhatThereIsByRate) {
  Matrix r = ZeroMatrix();
  r[PT1][PT2] = 0.6;
  r[PT1][PT3] = 0.7;
  Population next = Step(Pop({{PT1, 100}, {PT3, 200}}), r, ZeroMatrix(), 1);
  EXPECT_EQ(next[PT1], 0);
  EXPECT_NEAR(next[PT2], 46.15, 0.01);
  EXPECT_NEAR(next[PT3], 253.85, 0.01);
}

TEST(ProjectionStep, AgeingFromTheFirstBracket) {
  const Matrix ageing = AgeingRates();
  EXPECT_DOUBLE_EQ(ageing[StateOf(4, kOther)][kOutside], 1.0 / 5110);  // the 16+ bracket
  EXPECT_DOUBLE_EQ(ageing[StateOf(0, kNotInCare)][StateOf(1, kNotInCare)], 1.0 / 365);
  auto days = Predict(Pop({{PT1, 100}}), ageing, ZeroMatrix(), 365, 1);
  auto at = [&](int day, int bracket) { return days[day - 1][StateOf(bracket, kFostering)]; };
  EXPECT_NEAR(at(1, 0), 99.7, 0.05);
  EXPECT_NEAR(at(1, 1), 0.3, 0.05);
  EXPECT_NEAR(at(30, 0), 92.1, 0.05);
  EXPECT_NEAR(at(30, 1), 7.8, 0.05);
  EXPECT_NEAR(at(30, 2), 0.1, 0.05);
  EXPECT_NEAR(at(365, 0), 36.7, 0.05);
  EXPECT_NEAR(at(365, 1), 54.8, 0.05);
  EXPECT_NEAR(at(365, 2), 7.8, 0.05);
  EXPECT_NEAR(at(365, 3), 0.6, 0.05);
}

int32_t D(int y, int m, int d) { return DayNumber(y, m, d); }

EpisodeRow Ep(const std::string& child, int32_t decom, std::optional<int32_t> dec, const std::string& place,
              int line = 2) {
  return EpisodeRow{child, decom, dec, place, Source{"episodes.csv", line}};
}

// A (5-10) fostered 1-11 January 2020 then in a children's home, still open; B (10-16)
// fostered 5-31 January then leaves care.
EpisodeHistory FosterToResidential() {
  YearTables y;
  y.year = "2020";
  y.header = {{"A", D(2012, 6, 1), {"header.csv", 2}}, {"B", D(2005, 3, 1), {"header.csv", 3}}};
  y.episodes = {Ep("A", D(2020, 1, 1), D(2020, 1, 11), "U1"), Ep("A", D(2020, 1, 11), std::nullopt, "K2"),
                Ep("B", D(2020, 1, 5), D(2020, 1, 31), "U3")};
  return EpisodeHistory{{y}};
}

TEST(PopulationStats, StockRatesAndEntrantsByHand) {
  auto s = PopulationStats::Build(FosterToResidential());
  ASSERT_TRUE(s.ok()) << s.status();
  const int a_foster = StateOf(2, kFostering), a_resi = StateOf(2, kResidential), b_foster = StateOf(3, kFostering);
  EXPECT_EQ(s->first_day(), D(2020, 1, 1));
  EXPECT_EQ(s->last_day(), D(2020, 1, 31));
  EXPECT_EQ(s->StockAt(a_foster, D(2020, 1, 10)), 1);
  EXPECT_EQ(s->StockAt(a_foster, D(2020, 1, 11)), 0);  // an episode ends on its DEC
  EXPECT_EQ(s->StockAt(a_resi, D(2020, 1, 11)), 1);
  EXPECT_EQ(s->StockAt(a_resi, D(2021, 6, 1)), 1);     // the open episode stays in care
  EXPECT_EQ(s->StockAt(b_foster, D(2020, 1, 4)), 0);
  EXPECT_EQ(s->StockAt(b_foster, D(2020, 1, 30)), 1);
  EXPECT_EQ(s->StockAt(b_foster, D(2020, 1, 31)), 0);
  EXPECT_EQ(s->episodes()[0].after, kResidential);
  EXPECT_EQ(s->episodes()[1].before, kFostering);
  EXPECT_EQ(s->episodes()[2].after, kNotInCare);

  // 20 days; one move out of a stock of 1 the day before: 1/20.
  auto r = s->RawTransitionRates(D(2020, 1, 1), D(2020, 1, 20));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_DOUBLE_EQ((*r)[a_foster][a_resi], 1.0 / 20);
  EXPECT_DOUBLE_EQ((*r)[b_foster][StateOf(3, kNotInCare)], 0);
  r = s->RawTransitionRates(D(2020, 1, 1), D(2020, 12, 31));  // the window is cut to the data: 31 days
  ASSERT_TRUE(r.ok());
  EXPECT_DOUBLE_EQ((*r)[a_foster][a_resi], 1.0 / 31);
  EXPECT_DOUBLE_EQ((*r)[b_foster][StateOf(3, kNotInCare)], 1.0 / 31);

  auto n = s->DailyEntrants(D(2020, 1, 1), D(2020, 1, 31));
  ASSERT_TRUE(n.ok());
  EXPECT_DOUBLE_EQ((*n)[kOutside][a_foster], 1.0 / 30);
  EXPECT_DOUBLE_EQ((*n)[kOutside][b_foster], 1.0 / 30);
  EXPECT_DOUBLE_EQ((*n)[kOutside][a_resi], 0);  // a move, not an entry

  auto m = s->Learn(D(2020, 1, 1), D(2020, 1, 20));
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->population[a_resi], 1);
  EXPECT_EQ(m->population[b_foster], 1);
  EXPECT_DOUBLE_EQ(m->rates[a_foster][StateOf(3, kFostering)], 1.0 / 1825);  // ageing added
}

TEST(PopulationStats, MeanOfDailyRatiosWithYesterdaysStock) {
  // Two children fostered from 1 January; one moves on 2 January and one on 3 January.
  // Ratios: day 2 1/2 (stock on day 1), day 3 1/1; mean over 3 days = 0.5 (not 2/5).
  YearTables y;
  y.year = "2020";
  y.header = {{"A", D(2012, 6, 1), {}}, {"B", D(2012, 6, 1), {}}};
  y.episodes = {Ep("A", D(2020, 1, 1), D(2020, 1, 2), "U1"), Ep("A", D(2020, 1, 2), std::nullopt, "R1"),
                Ep("B", D(2020, 1, 1), D(2020, 1, 3), "U1"), Ep("B", D(2020, 1, 3), std::nullopt, "R1")};
  auto s = PopulationStats::Build(EpisodeHistory{{y}});
  ASSERT_TRUE(s.ok());
  auto r = s->RawTransitionRates(D(2020, 1, 1), D(2020, 1, 3));
  ASSERT_TRUE(r.ok());
  EXPECT_DOUBLE_EQ((*r)[StateOf(2, kFostering)][StateOf(2, kResidential)], (0 + 0.5 + 1.0) / 3);
}

TEST(PopulationStats, OverlappingEpisodeIsTrimmedToTheNextStart) {
  YearTables y;
  y.year = "2020";
  y.header = {{"C", D(2012, 6, 1), {}}};
  y.episodes = {Ep("C", D(2020, 1, 1), D(2020, 2, 1), "U1"), Ep("C", D(2020, 1, 15), std::nullopt, "R1")};
  auto s = PopulationStats::Build(EpisodeHistory{{y}});
  ASSERT_TRUE(s.ok());
  ASSERT_EQ(s->episodes().size(), 2u);
  EXPECT_EQ(s->episodes()[0].dec, D(2020, 1, 15));
  EXPECT_EQ(s->episodes()[0].after, kResidential);
  EXPECT_EQ(s->StockAt(StateOf(2, kFostering), D(2020, 1, 20)), 0);
  EXPECT_EQ(s->StockAt(StateOf(2, kResidential), D(2020, 1, 20)), 1);
}

TEST(PopulationStats, DuplicateEpisodesCountOnce) {
  // The same episode open in one year's return and closed in the next; and a second
  // row with the same end (the longer, earlier-starting one is kept).
  YearTables y1{"2019", {{"D", D(2012, 6, 1), {}}}, {Ep("D", D(2019, 3, 1), std::nullopt, "U1")}};
  YearTables y2{"2020", {{"D", D(2012, 6, 1), {}}},
                {Ep("D", D(2019, 3, 1), D(2019, 6, 1), "U1"), Ep("D", D(2019, 4, 1), D(2019, 6, 1), "U1")}};
  auto s = PopulationStats::Build(EpisodeHistory{{y1, y2}});
  ASSERT_TRUE(s.ok());
  ASSERT_EQ(s->episodes().size(), 1u);
  EXPECT_EQ(s->episodes()[0].decom, D(2019, 3, 1));
  EXPECT_EQ(s->episodes()[0].dec, D(2019, 6, 1));
  EXPECT_EQ(s->StockAt(StateOf(2, kFostering), D(2019, 4, 15)), 1);
  EXPECT_EQ(s->StockAt(StateOf(2, kFostering), D(2019, 6, 1)), 0);
}

TEST(PopulationStats, AnEndBeforeTheStartOrADateCenturiesAwayDoesNotBreakIt) {
  YearTables y;
  y.year = "2020";
  y.header = {{"E", D(2012, 6, 1), {"header.csv", 2}}};
  y.episodes = {Ep("E", D(2020, 1, 10), D(2019, 12, 1), "U1"), Ep("E", D(2020, 2, 1), std::nullopt, "U1")};
  auto s = PopulationStats::Build(EpisodeHistory{{y}});
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->first_day(), D(2019, 12, 1));
  EXPECT_TRUE(s->Learn(D(2019, 12, 1), D(2020, 2, 1)).ok());
  y.episodes = {Ep("E", D(2020, 1, 10), D(9999, 12, 1), "U1", 7)};
  auto far = PopulationStats::Build(EpisodeHistory{{y}});
  ASSERT_FALSE(far.ok());
  EXPECT_THAT(far.status().message(), HasSubstr("episodes.csv line 7 field DEC"));
}

// A return covers its year to 31 March: a quiet March (a small LA's last move on 3
// March) is days with no move, so the stock runs to 31 March and the rates' mean counts
// those days; without the year's end the data stops at the last event.
TEST(PopulationStats, TheDataRunsToTheEndOfTheLastReturnsYear) {
  YearTables y;
  y.year = "2016";
  y.header = {{"F", D(2008, 6, 1), {}}, {"G", D(2008, 6, 1), {}}};
  y.episodes = {Ep("F", D(2015, 10, 1), std::nullopt, "U1"), Ep("G", D(2015, 10, 1), D(2016, 3, 3), "U1"),
                Ep("G", D(2016, 3, 3), std::nullopt, "R1")};
  EpisodeHistory h{{y}};
  EXPECT_EQ(CoverageEnd(h), D(2016, 3, 31));
  auto bare = PopulationStats::Build(h);
  ASSERT_TRUE(bare.ok());
  EXPECT_EQ(bare->last_day(), D(2016, 3, 3));
  auto s = PopulationStats::Build(h, CoverageEnd(h));
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->last_day(), D(2016, 3, 31));
  EXPECT_EQ(s->StockAt(StateOf(2, kFostering), D(2016, 3, 31)), 1);
  EXPECT_EQ(s->StockAt(StateOf(2, kResidential), D(2016, 3, 31)), 1);
  // One move (fostering to residential, 1 of 2 fostered the day before) in the window's
  // days: 3 March to 31 March is 29 days, so the mean is (1/2) / 29.
  auto r = s->RawTransitionRates(D(2016, 3, 3), D(2016, 3, 31));
  ASSERT_TRUE(r.ok());
  EXPECT_DOUBLE_EQ((*r)[StateOf(2, kFostering)][StateOf(2, kResidential)], 0.5 / 29);
}

TEST(PopulationStats, AReferenceWindowWithNoDataIsAnError) {
  auto s = PopulationStats::Build(FosterToResidential());
  ASSERT_TRUE(s.ok());
  auto m = s->Learn(D(2018, 1, 1), D(2018, 6, 30));
  ASSERT_FALSE(m.ok());
  EXPECT_THAT(m.status().message(), HasSubstr("reference window 2018-01-01 to 2018-06-30 holds no day"));
  EXPECT_THAT(m.status().message(), HasSubstr("2020-01-01 to 2020-01-31"));
}

// Eleven children fostered since 1 January 2015; one leaves on 15 June 2016, one on 31
// December 2017. Nothing moves in any window before June 2016, so every projection from
// 31 March 2016 stays at 11 while 10 were in care 6 and 12 months on.
EpisodeHistory Steady() {
  YearTables y;
  y.year = "2018";
  for (int i = 0; i <= 10; ++i) {
    const std::string c = "S" + std::to_string(i);
    y.header.push_back({c, D(2013, 1, 1), {}});
    std::optional<int32_t> dec;
    if (i == 0) dec = D(2016, 6, 15);
    if (i == 10) dec = D(2017, 12, 31);
    y.episodes.push_back(Ep(c, D(2015, 1, 1), dec, "U2"));
  }
  return EpisodeHistory{{y}};
}

TEST(Backtest, ErrorsAgainstTheStockThatFollowed) {
  auto s = PopulationStats::Build(Steady());
  ASSERT_TRUE(s.ok()) << s.status();
  BacktestOptions o;
  o.origins = {D(2016, 3, 31)};
  auto b = Backtest(*s, o);
  ASSERT_TRUE(b.ok()) << b.status();
  ASSERT_EQ(b->points.size(), 2u);
  EXPECT_EQ(b->points[0].target, D(2016, 9, 30));
  // 11 but for the trickle that ageing passes through every bracket (a chain of rates).
  EXPECT_NEAR(b->points[0].projected[kFostering], 11, 0.001);
  EXPECT_EQ(b->points[0].actual[kFostering], 10);
  EXPECT_EQ(b->points[1].actual[kNotInCare], 10);  // [kNotInCare] holds all children in care
  ASSERT_EQ(b->errors.size(), 2u);
  for (const auto& e : b->errors) {
    EXPECT_EQ(e.points, 1);
    EXPECT_NEAR(e.mape[kFostering], 10, 0.01);
    EXPECT_NEAR(e.bias[kFostering], 10, 0.01);
    EXPECT_TRUE(std::isnan(e.mape[kResidential]));  // never any child there
  }
  // With no complete stock before any date, no default origin.
  BacktestOptions none;
  none.complete_from = D(2017, 1, 1);
  EXPECT_FALSE(Backtest(*s, none).ok());
}

TEST(Band, NothingMovingGivesNoWidthAndTheSameSeedTheSameBand) {
  auto s = PopulationStats::Build(Steady());
  ASSERT_TRUE(s.ok());
  ForecastOptions o;
  o.reference_start = D(2015, 9, 30);
  o.reference_end = D(2016, 3, 31);
  auto r = RunForecast(*s, o);
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->month_ends.size(), 12u);
  auto band = SimulateBand(*s, o, *r, BandOptions{});
  ASSERT_TRUE(band.ok()) << band.status();
  ASSERT_EQ(band->size(), 12u);
  for (const auto& b : *band) {
    EXPECT_EQ(b.lower[kNotInCare], 11);
    EXPECT_EQ(b.upper[kNotInCare], 11);
  }
  // A window with leavers: the band opens, holds the point forecast and widens.
  o.reference_start = D(2016, 4, 1);
  o.reference_end = D(2017, 12, 31);
  r = RunForecast(*s, o);
  ASSERT_TRUE(r.ok());
  BandOptions many;
  many.runs = 1000;
  band = SimulateBand(*s, o, *r, many);
  ASSERT_TRUE(band.ok());
  const auto& first = band->front();
  const auto& last = band->back();
  EXPECT_LE(last.lower[kNotInCare], InCare(r->month_ends.back().population));
  EXPECT_GE(last.upper[kNotInCare], InCare(r->month_ends.back().population));
  EXPECT_GE(last.upper[kNotInCare] - last.lower[kNotInCare], first.upper[kNotInCare] - first.lower[kNotInCare]);
  auto again = SimulateBand(*s, o, *r, many);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->back().lower[kNotInCare], last.lower[kNotInCare]);
  EXPECT_EQ(again->back().upper[kNotInCare], last.upper[kNotInCare]);
}

// An SSDA903 folder in a temporary directory.
class Folder : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string t = (std::filesystem::temp_directory_path() / "forecast_test.XXXXXX").string();
    ASSERT_NE(mkdtemp(t.data()), nullptr);
    dir_ = t;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void Write(const std::string& rel, const std::string& text) {
    std::filesystem::create_directories((dir_ / rel).parent_path());
    std::ofstream(dir_ / rel) << text;
  }
  void Header(const std::string& year, const std::string& rows) {
    Write(year + "/header.csv", "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n" + rows);
  }
  void Episodes(const std::string& year, const std::string& rows) {
    Write(year + "/episodes.csv",
          "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n" + rows);
  }
  std::filesystem::path dir_;
};

TEST_F(Folder, ReadsHeaderAndEpisodesOfEachYear) {
  Header("2019", "A,1,01/06/2012,WBRI,,,\n");
  Episodes("2019", "A,01/03/2019,S,C2,N1,U1,PR1,,,,,,\n");
  Header("2020", "A,1,01/06/2012,WBRI,,,\n");
  Episodes("2020", "A,01/03/2019,S,C2,N1,U1,PR1,01/06/2019,E11,,,,\nA,01/06/2019,P,C2,N1,K2,PR1,,,,,,\n");
  Write("2020/reviews.csv", "CHILD,DOB,REVIEW,REVIEW_CODE\nA,01/06/2012,01/04/2019,PN1\n");
  auto h = ReadSsda903Folder(dir_.string());
  ASSERT_TRUE(h.ok()) << h.status();
  ASSERT_EQ(h->years.size(), 2u);
  EXPECT_EQ(h->years[1].episodes.size(), 2u);
  EXPECT_EQ(h->years[1].episodes[1].place, "K2");
  EXPECT_EQ(h->years[1].episodes[1].src.line, 3);
  auto s = PopulationStats::Build(*h);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->episodes().size(), 2u);
  EXPECT_EQ(s->StockAt(StateOf(2, kResidential), D(2019, 7, 1)), 1);
}

TEST_F(Folder, AnEpisodeWithNoStartDateNamesFileLineAndField) {
  Header("2020", "A,1,01/06/2012,WBRI,,,\n");
  Episodes("2020", "A,01/03/2019,S,C2,N1,U1,PR1,01/06/2019,E11,,,,\nA,,P,C2,N1,K2,PR1,,,,,,\n");
  auto h = ReadSsda903Folder(dir_.string());
  ASSERT_FALSE(h.ok());
  EXPECT_THAT(h.status().message(), HasSubstr("2020/episodes.csv line 3 field DECOM"));
}

TEST_F(Folder, AChildInEpisodesButNotInHeaderNamesFileLineAndField) {
  Header("2020", "A,1,01/06/2012,WBRI,,,\n");
  Episodes("2020", "A,01/03/2019,S,C2,N1,U1,PR1,,,,,,\nZ,01/04/2019,S,C2,N1,U1,PR1,,,,,,\n");
  auto h = ReadSsda903Folder(dir_.string());
  ASSERT_TRUE(h.ok()) << h.status();
  auto s = PopulationStats::Build(*h);
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.status().message(), HasSubstr("2020/episodes.csv line 3 field CHILD: child Z is not in the Header"));
}

// Stored records carry pseudonyms: their errors name the row, never the child.
TEST_F(Folder, AStoredHistorysErrorNamesTheRowNotThePseudonym) {
  Header("2020", "A,1,01/06/2012,WBRI,,,\n");
  Episodes("2020", "A,01/03/2019,S,C2,N1,U1,PR1,,,,,,\nPSEUDO7QX,01/04/2019,S,C2,N1,U1,PR1,,,,,,\n");
  auto h = ReadSsda903Folder(dir_.string());
  ASSERT_TRUE(h.ok()) << h.status();
  h->quote_children = false;
  auto s = PopulationStats::Build(*h);
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.status().message(), HasSubstr("2020/episodes.csv line 3 field CHILD: the child is not in the Header"));
  EXPECT_THAT(s.status().message(), Not(HasSubstr("PSEUDO7QX")));
}

TEST_F(Folder, CostsAndAdjustmentsFiles) {
  Write("costs.csv", "line,category,weekly_cost,proportion\nin-house,FOSTERING,100,3\nIFA,FOSTERING,300,1\n"
                     "home,RESIDENTIAL,5000,\n");
  auto c = ReadCosts((dir_ / "costs.csv").string());
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_DOUBLE_EQ(c->weekly[kFostering], 150);
  EXPECT_DOUBLE_EQ(c->weekly[kResidential], 5000);
  EXPECT_DOUBLE_EQ(c->weekly[kSupported], 1000);  // default kept
  Write("bad.csv", "category,weekly_cost\nFOSTERING,lots\n");
  auto bad = ReadCosts((dir_ / "bad.csv").string());
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.status().message(), HasSubstr("bad.csv line 2 field weekly_cost"));
  Write("adj.csv", "from,to,age,per_month\nRESIDENTIAL,FOSTERING,TEN_TO_SIXTEEN,3\n");
  auto a = ReadAdjustments((dir_ / "adj.csv").string());
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_DOUBLE_EQ((*a)[StateOf(3, kResidential)][StateOf(3, kFostering)], 0.1);
  Write("adj2.csv", "from,to,age,per_month\nRESIDENTIAL,FOSTERING,TEENS,3\n");
  auto a2 = ReadAdjustments((dir_ / "adj2.csv").string());
  ASSERT_FALSE(a2.ok());
  EXPECT_THAT(a2.status().message(), HasSubstr("adj2.csv line 2 field age"));
  EXPECT_DOUBLE_EQ(DefaultCosts().weekly[kFostering], 500.0 / 3);
}

}  // namespace
}  // namespace carestat::forecast
