// End to end (issue 18): `carestat forecast --ssda903` on the synthetic borough's SSDA903
// folders: the stock it starts from is the children the last return has in care, the
// projection runs month end by month end, costs and adjustments move what they should,
// and broken files are refused naming the file, line and field.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "services/common/csv.h"
#include "tests/integration/test_util.h"

namespace carestat {
namespace {

namespace fs = std::filesystem;
const char* const kCats[] = {"FOSTERING", "RESIDENTIAL", "SUPPORTED", "OTHER"};

struct Table {
  std::vector<std::string> head;
  std::vector<std::vector<std::string>> rows;
  int Col(const std::string& name) const {
    for (size_t i = 0; i < head.size(); ++i)
      if (head[i] == name) return i;
    ADD_FAILURE() << "no column " << name;
    return 0;
  }
  double Num(size_t row, const std::string& name) const { return std::stod(rows[row][Col(name)]); }
};

Table ParseCsv(const std::string& text) {
  std::istringstream in(text);
  CsvReader r(in);
  Table t;
  std::vector<std::string> row;
  if (r.Next(&row)) t.head = row;
  while (r.Next(&row)) t.rows.push_back(row);
  return t;
}

class ForecastEndToEnd : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::string(MakeTempDir("forecast"));
    auto r = RunCommand({CarestatBin(), "synth", "--profile", "barking-and-dagenham", "--out", *dir_ + "/inbox"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  static std::string Ssda903() { return *dir_ + "/inbox/301"; }
  static CommandResult Forecast(std::vector<std::string> extra) {
    std::vector<std::string> argv = {CarestatBin(), "forecast", "--ssda903", Ssda903()};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return RunCommand(argv);
  }
  static std::string* dir_;
};
std::string* ForecastEndToEnd::dir_ = nullptr;

TEST_F(ForecastEndToEnd, StartsFromTheLastReturnsChildrenInCareAndProjectsEachMonthEnd) {
  // Children in care on 31 March 2016: the 2016 Episodes rows still open.
  std::ifstream in(Ssda903() + "/2016/episodes.csv");
  CsvReader reader(in);
  std::vector<std::string> row;
  ASSERT_TRUE(reader.Next(&row));
  int open = 0;
  while (reader.Next(&row)) open += row[7].empty();
  ASSERT_GT(open, 100);

  auto r = Forecast({"--csv"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  Table t = ParseCsv(r.out);
  std::vector<size_t> actual, projected;
  for (size_t i = 0; i < t.rows.size(); ++i) (t.rows[i][1] == "actual" ? actual : projected).push_back(i);
  ASSERT_FALSE(actual.empty());
  EXPECT_EQ(t.rows[actual.back()][0], "2016-03-31");  // the data's last day ends the window
  EXPECT_EQ(t.Num(actual.back(), "in_care"), open);
  ASSERT_EQ(projected.size(), 12u);
  EXPECT_EQ(t.rows[projected.front()][0], "2016-04-30");
  EXPECT_EQ(t.rows[projected.back()][0], "2017-03-31");
  for (size_t i : projected) {
    double sum = 0, cost = 0;
    for (const char* c : kCats) {
      sum += t.Num(i, c);
      cost += t.Num(i, std::string("daily_cost_") + c);
    }
    EXPECT_NEAR(sum, t.Num(i, "in_care"), 0.02);
    EXPECT_NEAR(cost, t.Num(i, "daily_cost_total"), 0.05);
    // Default weekly costs: residential 1000 a week.
    EXPECT_NEAR(t.Num(i, "daily_cost_RESIDENTIAL"), t.Num(i, "RESIDENTIAL") * 1000 / 7, 1.0);
    // A year ahead the population changes gradually, not by jumps.
    const double before = t.Num(i - 1, "in_care");
    EXPECT_LT(std::abs(t.Num(i, "in_care") - before), 0.1 * before);
  }

  // Weekly steps land close to daily ones.
  auto weekly = Forecast({"--csv", "--step-days", "7"});
  ASSERT_EQ(weekly.exit_code, 0) << weekly.err;
  Table w = ParseCsv(weekly.out);
  EXPECT_NEAR(w.Num(w.rows.size() - 1, "in_care"), t.Num(t.rows.size() - 1, "in_care"),
              0.03 * t.Num(t.rows.size() - 1, "in_care"));

  // The text and JSON forms run on the same files.
  auto text = Forecast({});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("2017-03-31 projected"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("Cost of the 12 months projected"), std::string::npos);
  auto json = Forecast({"--json", "--horizon-months", "6"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  EXPECT_NE(json.out.find("\"reference_start\": \"2015-09-30\""), std::string::npos) << json.out.substr(0, 400);
  EXPECT_NE(json.out.find("\"date\": \"2016-09-30\""), std::string::npos);
  EXPECT_EQ(json.out.find("\"date\": \"2016-10-31\""), std::string::npos);
}

TEST_F(ForecastEndToEnd, CostsFileAndAdjustmentsChangeWhatTheyShould) {
  auto base = Forecast({"--csv"});
  ASSERT_EQ(base.exit_code, 0) << base.err;
  Table b = ParseCsv(base.out);
  const size_t last = b.rows.size() - 1;

  WriteAll(*dir_ + "/costs.csv", "category,weekly_cost\nRESIDENTIAL,4000\n");
  auto costed = Forecast({"--csv", "--costs", *dir_ + "/costs.csv"});
  ASSERT_EQ(costed.exit_code, 0) << costed.err;
  Table c = ParseCsv(costed.out);
  EXPECT_NEAR(c.Num(last, "daily_cost_RESIDENTIAL"), 4 * b.Num(last, "daily_cost_RESIDENTIAL"), 0.05);
  EXPECT_EQ(c.Num(last, "RESIDENTIAL"), b.Num(last, "RESIDENTIAL"));

  // One in twenty teenagers in residential homes a month moved to foster care (a rate
  // per child, as the reference model's adjustments are).
  WriteAll(*dir_ + "/adjust.csv", "from,to,age,per_month\nRESIDENTIAL,FOSTERING,TEN_TO_SIXTEEN,0.05\n");
  auto adjusted = Forecast({"--csv", "--adjust", *dir_ + "/adjust.csv"});
  ASSERT_EQ(adjusted.exit_code, 0) << adjusted.err;
  Table a = ParseCsv(adjusted.out);
  EXPECT_LT(a.Num(last, "RESIDENTIAL"), b.Num(last, "RESIDENTIAL") - 1);
  EXPECT_GT(a.Num(last, "FOSTERING"), b.Num(last, "FOSTERING") + 1);
  // Fostering and residential cost the same per child under neither file: the cost moves.
  EXPECT_LT(a.Num(last, "daily_cost_total"), b.Num(last, "daily_cost_total"));
}

TEST_F(ForecastEndToEnd, BrokenFilesAndWindowsAreRefusedNamingWhere) {
  const std::string copy = *dir_ + "/broken";
  fs::create_directories(copy + "/2016");
  fs::copy_file(Ssda903() + "/2016/header.csv", copy + "/2016/header.csv");
  std::string episodes = ReadAll(Ssda903() + "/2016/episodes.csv");
  // Blank the second row's DECOM.
  size_t line2 = episodes.find('\n') + 1;
  size_t comma = episodes.find(',', line2);
  size_t next = episodes.find(',', comma + 1);
  WriteAll(copy + "/2016/episodes.csv", episodes.substr(0, comma + 1) + episodes.substr(next));
  auto r = RunCommand({CarestatBin(), "forecast", "--ssda903", copy});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("2016/episodes.csv line 2 field DECOM"), std::string::npos) << r.err;

  auto window = Forecast({"--reference-start", "2030-01-01", "--reference-end", "2030-06-30"});
  EXPECT_EQ(window.exit_code, 2);
  EXPECT_NE(window.err.find("reference window 2030-01-01 to 2030-06-30 holds no day"), std::string::npos) << window.err;

  auto steps = Forecast({"--step-days", "0"});
  EXPECT_EQ(steps.exit_code, 2);
  EXPECT_NE(steps.err.find("1 to 180"), std::string::npos) << steps.err;
}

TEST_F(ForecastEndToEnd, TheBandHoldsThePointForecastWidensWithTheHorizonAndIsReproducible) {
  auto r = Forecast({"--csv"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  Table t = ParseCsv(r.out);
  std::vector<size_t> projected;
  for (size_t i = 0; i < t.rows.size(); ++i)
    if (t.rows[i][1] == "projected") projected.push_back(i);
  ASSERT_EQ(projected.size(), 12u);
  for (size_t i : projected) {
    EXPECT_LE(t.Num(i, "in_care_low"), t.Num(i, "in_care")) << t.rows[i][0];
    EXPECT_GE(t.Num(i, "in_care_high"), t.Num(i, "in_care")) << t.rows[i][0];
    for (const char* c : {"FOSTERING", "RESIDENTIAL"}) {
      EXPECT_LE(t.Num(i, std::string(c) + "_low"), t.Num(i, c)) << t.rows[i][0] << " " << c;
      EXPECT_GE(t.Num(i, std::string(c) + "_high"), t.Num(i, c)) << t.rows[i][0] << " " << c;
    }
  }
  auto width = [&](size_t i) { return t.Num(i, "in_care_high") - t.Num(i, "in_care_low"); };
  EXPECT_GT(width(projected.front()), 0);
  EXPECT_GT(width(projected.back()), 1.5 * width(projected.front()));
  EXPECT_GT(width(projected[6]), width(projected.front()));

  auto again = Forecast({"--csv"});
  EXPECT_EQ(again.out, r.out);  // a fixed seed: the same band every run
  auto other = Forecast({"--csv", "--seed", "7"});
  ASSERT_EQ(other.exit_code, 0) << other.err;
  EXPECT_NE(other.out, r.out);
}

TEST_F(ForecastEndToEnd, BacktestReportsErrorsAgainstTheStockThatFollowed) {
  auto r = RunCommand({CarestatBin(), "forecast", "--ssda903", Ssda903(), "--backtest", "--csv"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  Table t = ParseCsv(r.out);
  std::map<int, int> per_horizon;
  std::string last_target;
  double last_actual = -1;
  for (size_t i = 0; i < t.rows.size(); ++i) {
    if (t.rows[i][3] != "in_care") continue;
    ++per_horizon[std::stoi(t.rows[i][1])];
    // No origin before the first return's year (2010-11) has a window there.
    EXPECT_GE(t.rows[i][0], "2010-10-01") << t.rows[i][0];
    EXPECT_LE(t.rows[i][2], "2016-03-31");
    last_target = t.rows[i][2];
    last_actual = t.Num(i, "actual");
  }
  EXPECT_GE(per_horizon[6], 2);
  EXPECT_GE(per_horizon[12], 2);
  // The actual it compares with is the stock a forecast from that day starts from.
  auto f = Forecast({"--csv", "--reference-end", last_target});
  ASSERT_EQ(f.exit_code, 0) << f.err;
  Table ft = ParseCsv(f.out);
  bool found = false;
  for (size_t i = 0; i < ft.rows.size(); ++i)
    if (ft.rows[i][0] == last_target && ft.rows[i][1] == "actual") {
      EXPECT_EQ(ft.Num(i, "in_care"), last_actual);
      found = true;
    }
  EXPECT_TRUE(found) << f.out;

  auto text = RunCommand({CarestatBin(), "forecast", "--ssda903", Ssda903(), "--backtest"});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find(" 6 months ("), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("12 months ("), std::string::npos);
  auto json = RunCommand({CarestatBin(), "forecast", "--ssda903", Ssda903(), "--backtest", "--json"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  EXPECT_NE(json.out.find("\"mape\": "), std::string::npos);
}

// The Forecast RPC reads the same episodes from the store that --ssda903 reads from the
// files: the same figures, to the last digit, in every form and for the backtest.
TEST_F(ForecastEndToEnd, StoredReturnsGiveTheSameForecastAsTheFiles) {
  const std::string data = *dir_ + "/data";
  auto run = RunCommand({CarestatBin(), "run", "--init", "--inbox", *dir_ + "/inbox", "--data", data, "--out", *dir_ + "/out"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const std::vector<std::vector<std::string>> variants = {
      {"--csv"},
      {"--csv", "--step-days", "7", "--horizon-months", "18", "--seed", "5", "--runs", "50"},
      {"--csv", "--reference-start", "2014-04-01", "--reference-end", "2015-03-31"},
      {"--backtest", "--csv"},
      {}};
  for (const auto& v : variants) {
    auto files = Forecast(v);
    std::vector<std::string> argv = {CarestatBin(), "forecast", "--la", "301", "--data", data};
    argv.insert(argv.end(), v.begin(), v.end());
    auto stored = RunCommand(argv);
    ASSERT_EQ(files.exit_code, 0) << files.err;
    ASSERT_EQ(stored.exit_code, 0) << stored.err;
    std::string a = files.out, b = stored.out;
    if (v.empty()) {  // the text names its source on the first line
      a = a.substr(a.find('\n'));
      b = b.substr(b.find('\n'));
      EXPECT_NE(a.find("Cost of 2016-17: fostering"), std::string::npos) << a;
    }
    EXPECT_GT(a.size(), 200u);
    EXPECT_EQ(a, b) << "options:" << (v.empty() ? "" : " " + v[0]);
  }
  // The next financial year's cost is the sum of its days: with the default 12 months
  // from 31 March, the whole horizon.
  auto json = RunCommand({CarestatBin(), "forecast", "--la", "301", "--data", data, "--json"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  EXPECT_NE(json.out.find("\"cost_year\": \"2016-17\""), std::string::npos) << json.out.substr(0, 600);

  // An LA with nothing stored, and --la with --ssda903, are refused.
  auto none = RunCommand({CarestatBin(), "forecast", "--la", "999", "--data", data});
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_NE(none.err.find("no returns for LA 999"), std::string::npos) << none.err;
  auto both = RunCommand({CarestatBin(), "forecast", "--la", "301", "--ssda903", Ssda903()});
  EXPECT_EQ(both.exit_code, 2);
}

// An Episodes row the parser left out for want of a DECOM (rule 141) would shorten the
// stored history: the forecast names the return and the field instead.
TEST_F(ForecastEndToEnd, AStoredReturnThatLostAnEpisodeIsRefusedNamingIt) {
  const std::string copy = *dir_ + "/lost/inbox/301/2016";
  fs::create_directories(copy);
  fs::copy_file(Ssda903() + "/2016/header.csv", copy + "/header.csv");
  std::string episodes = ReadAll(Ssda903() + "/2016/episodes.csv");
  size_t line2 = episodes.find('\n') + 1;
  size_t comma = episodes.find(',', line2);
  size_t next = episodes.find(',', comma + 1);
  WriteAll(copy + "/episodes.csv", episodes.substr(0, comma + 1) + episodes.substr(next));
  const std::string data = *dir_ + "/lost/data";
  auto run = RunCommand(
      {CarestatBin(), "run", "--init", "--inbox", *dir_ + "/lost/inbox", "--data", data, "--out", *dir_ + "/lost/out"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  auto r = RunCommand({CarestatBin(), "forecast", "--la", "301", "--data", data});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("return 301/2016/ssda903-episodes"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("field DECOM"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("rule 141"), std::string::npos) << r.err;
}

// Every LA in one call: each LA's rows are those of its own forecast, and the LA whose
// returns the model refuses is named without stopping the others.
TEST(ForecastEveryLa, OneCallForecastsEveryLaAsItsOwnFilesWould) {
  const std::string dir = MakeTempDir("forecast-all");
  auto synth = RunCommand({CarestatBin(), "synth", "--las", "3", "--years", "2015-2016", "--out", dir + "/inbox"});
  ASSERT_EQ(synth.exit_code, 0) << synth.err;
  std::vector<std::string> las;
  for (const auto& e : fs::directory_iterator(dir + "/inbox")) las.push_back(e.path().filename().string());
  std::sort(las.begin(), las.end());
  ASSERT_EQ(las.size(), 3u);
  auto run = RunCommand({CarestatBin(), "run", "--init", "--inbox", dir + "/inbox", "--data", dir + "/data", "--out", dir + "/out"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  auto all = RunCommand({CarestatBin(), "forecast", "--la", "all", "--data", dir + "/data", "--csv", "--runs", "20"});
  ASSERT_EQ(all.exit_code, 0) << all.err;
  Table t = ParseCsv(all.out);
  ASSERT_EQ(t.head.front(), "la");
  for (const auto& la : las) {
    auto one = RunCommand({CarestatBin(), "forecast", "--ssda903", dir + "/inbox/" + la, "--csv", "--runs", "20"});
    ASSERT_EQ(one.exit_code, 0) << one.err;
    Table o = ParseCsv(one.out);
    std::vector<std::vector<std::string>> mine;
    for (const auto& row : t.rows)
      if (row[0] == la) mine.push_back(std::vector<std::string>(row.begin() + 1, row.end()));
    EXPECT_EQ(mine, o.rows) << "LA " << la;
    EXPECT_GT(o.rows.size(), 12u);
  }
  auto text = RunCommand({CarestatBin(), "forecast", "--la", "all", "--data", dir + "/data"});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  for (const auto& la : las) EXPECT_NE(text.out.find("\n" + la + " "), std::string::npos) << text.out;
}

}  // namespace
}  // namespace carestat

