// Issue 13, what the parsers accept and what they say (items 5, 8, 12, 16): each case
// runs the real `carestat validate` or `carestat run` on small synthetic files written
// into a temporary directory. No real child is described: the identifiers, dates of
// birth and postcodes below are made up so that a leak is easy to find.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

#include "carestat/v1/reporting.pb.h"
#include "services/common/dates.h"
#include "services/ingestion/formats/local_measures.h"
#include "services/metrics/indicators/catalogue.h"
#include "services/metrics/indicators/context.h"
#include "services/metrics/metrics.h"
#include "services/metrics/reference/population.h"
#include "services/reporting/format.h"
#include "services/reporting/render/render.h"
#include "services/reporting/reports/rating.h"
#include "tests/integration/test_util.h"

namespace carestat {
namespace fs = std::filesystem;
namespace {


void Write(const std::string& path, const std::string& bytes) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream(path, std::ios::binary) << bytes;
}

// Everything under `dir`, concatenated: the reports `run` and `pipeline` leave.
std::string ReadTree(const std::string& dir) {
  std::string all;
  if (!fs::exists(dir)) return all;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.is_regular_file()) all += e.path().string() + "\n" + ReadAll(e.path().string()) + "\n";
  }
  return all;
}

CommandResult Validate(const std::string& path, const std::string& la = "301", const std::string& year = "2016",
                       bool json = true) {
  std::vector<std::string> argv = {CarestatBin(), "validate", path, "--la", la, "--collection-year", year};
  if (json) argv.push_back("--json");
  return RunCommand(argv);
}

// UTF-16 with a byte order mark, as Windows tools write it.
std::string Utf16(const std::string& ascii, bool big_endian) {
  std::string out = big_endian ? std::string("\xFE\xFF", 2) : std::string("\xFF\xFE", 2);
  for (char c : ascii) {
    if (big_endian) {
      out.push_back('\0');
      out.push_back(c);
    } else {
      out.push_back(c);
      out.push_back('\0');
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// Item 5: local measures.

TEST(LocalMeasureValues, NanInfinityAndOutOfRangePercentagesAreRefusedNamingLineAndField) {
  const std::string dir = MakeTempDir("lm-values");
  struct Case {
    const char* value;
    const char* indicator;
    const char* says;
  } cases[] = {
      {"NaN", "agency_sw_rate_pct", "not a finite number"},
      {"1e400", "agency_sw_rate_pct", "not a finite number"},
      {"inf", "overspend_gbp", "not a finite number"},
      {"450", "agency_sw_rate_pct", "over 100"},
      {"-45", "agency_sw_rate_pct", "negative"},
      {"-5670000", "overspend_gbp", "negative"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.value);
    const std::string path = dir + "/" + c.indicator + "_" + c.value + ".csv";
    Write(path, std::string("indicator,la,period,value,source\n"
                            "cp_visits_timely_pct,301,2015-16,97,seed\n") +
                    c.indicator + ",301,2015-16," + c.value + ",seed\n");
    auto r = Validate(path);
    EXPECT_EQ(r.exit_code, 2) << r.out << r.err;  // unusable: nothing of it may be stored
    EXPECT_NE(r.out.find("\"usable\": false"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("\"rule\": \"local-measure\""), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("\"line\": 3"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("\"field\": \"value\""), std::string::npos) << r.out;
    EXPECT_NE(r.out.find(c.says), std::string::npos) << r.out;
  }
  // A count that is not whole is refused when the file gives the unit.
  const std::string count = dir + "/count.csv";
  Write(count, "indicator,la,period,value,source,unit\nnrpf_cases,301,2015-16,16.5,seed,count\n");
  auto r = Validate(count);
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.out.find("not a whole number"), std::string::npos) << r.out;
  // The borough's own figures still pass.
  const std::string good = dir + "/good.csv";
  Write(good, "indicator,la,period,value,source\nagency_sw_rate_pct,301,2015-16,45,seed\n"
              "cp_visits_timely_pct,301,2015-16,0,seed\noverspend_gbp,301,2015-16,5670000,seed\n");
  auto ok = Validate(good);
  EXPECT_EQ(ok.exit_code, 0) << ok.out << ok.err;
}

TEST(LocalMeasureValues, TheUnitAnIdImpliesIsTheCataloguesUnit) {
  // The parser reads a measure's unit from its id as the catalogue names them: the two
  // must agree for every indicator, or a valid figure would be refused (or a bad one let in).
  int checked = 0;
  for (const auto& def : Catalogue()) {
    const std::string unit = LocalMeasureUnit(def.id, "");
    if (unit.empty()) continue;
    ++checked;
    EXPECT_TRUE(def.unit.starts_with(unit)) << def.id << " is " << def.unit << " in the catalogue, " << unit
                                            << " to the local measures parser";
  }
  EXPECT_GT(checked, 20);
  for (const char* id : {"agency_sw_rate_pct", "cp_visits_timely_pct", "cp_core_groups_held_pct", "overspend_gbp"}) {
    const IndicatorDef* def = FindIndicator(id);
    ASSERT_NE(def, nullptr) << id;
    EXPECT_EQ(LocalMeasureUnit(id, ""), def->unit) << id;
  }
}

TEST(LocalMeasureValues, ARejectedFileIsNotStoredAndItsReportSaysWhy) {
  const std::string dir = MakeTempDir("lm-run");
  Write(dir + "/inbox/301/2016/local.csv",
        "indicator,la,period,value,source\nagency_sw_rate_pct,301,2015-16,NaN,seed\n");
  auto run = RunCommand({CarestatBin(), "run", "--init", "--verbose", "--inbox", dir + "/inbox", "--out", dir + "/out", "--data", dir + "/data"});
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  const std::string reports = ReadTree(dir + "/out/rejected");
  EXPECT_NE(reports.find("line 2"), std::string::npos) << reports;
  EXPECT_NE(reports.find("not a finite number"), std::string::npos) << reports;
  EXPECT_EQ((run.out + run.err).find("-> 301/2016/local-measures"), std::string::npos) << run.out;
}

TEST(LocalMeasureRows, RowsForAnotherLaOrYearAreReportedNotDroppedInSilence) {
  const std::string dir = MakeTempDir("lm-rows");
  const std::string path = dir + "/local.csv";
  Write(path, "indicator,la,period,value,source\n"
              "agency_sw_rate_pct,301,2015-16,45,seed\n"
              "agency_sw_rate_pct,302,2015-16,30,seed\n"
              "agency_sw_rate_pct,301,2013-14,40,seed\n");
  auto r = Validate(path);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  // Line 3 is another LA's, line 4 another year's: each named with its field.
  EXPECT_NE(r.out.find("line 3: la is 302 but the file was filed for LA 301"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"line\": 3, \"child\": \"\", \"field\": \"la\""), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("line 4: period 2013-14 is not the collection year of the return, 2015-16"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("\"line\": 4, \"child\": \"\", \"field\": \"period\""), std::string::npos) << r.out;
}

TEST(ReportNumbers, NonFiniteValuesNeverReachJsonOrAPage) {
  // Whatever reaches the renderer, JSON holds no NaN or Infinity and no page "-0".
  v1::AnnualReport report;
  report.set_la("301");
  report.set_year("2015-16");
  auto* f = report.add_facts();
  f->set_section("Workforce");
  f->set_indicator("agency_sw_rate_pct");
  f->set_label("Social workers who are agency staff");
  f->set_unit("percent");
  f->set_polarity("down");
  f->set_period("2015-16");
  f->set_previous_period("2014-15");
  f->mutable_value()->set_has_value(true);
  f->mutable_value()->set_value(std::numeric_limits<double>::quiet_NaN());
  f->mutable_previous()->set_has_value(true);
  f->mutable_previous()->set_value(std::numeric_limits<double>::infinity());
  f->mutable_change()->set_has_value(true);
  f->mutable_change()->set_value(-0.3);
  f->mutable_change_pct()->set_has_value(true);
  f->mutable_change_pct()->set_value(-std::numeric_limits<double>::infinity());
  auto* g = report.add_figures();
  g->set_id("figure1");
  g->set_indicator("overspend_gbp");
  g->set_unit("gbp");
  g->add_periods("2014-15");
  g->add_periods("2015-16");
  auto* series = g->add_series();
  series->set_entity("301");
  series->add_values()->set_value(-0.2);
  series->mutable_values(0)->set_has_value(true);
  series->add_values()->set_value(std::numeric_limits<double>::quiet_NaN());
  series->mutable_values(1)->set_has_value(true);
  for (v1::Format format : {v1::JSON, v1::MARKDOWN, v1::HTML, v1::CSV}) {
    SCOPED_TRACE(v1::Format_Name(format));
    auto out = Render(report, format);
    ASSERT_TRUE(out.ok()) << out.status();
    for (const char* bad : {"NaN", "nan", "Infinity", "inf%", "-0%", "-£-0"}) {
      EXPECT_EQ(out->content().find(bad), std::string::npos) << bad << " in\n" << out->content().substr(0, 3000);
    }
  }
  v1::Cell c;
  c.set_has_value(true);
  c.set_value(-0.0);
  EXPECT_EQ(FormatValue(c, "percent"), "0%");
  EXPECT_EQ(FormatValue(c, "gbp"), "£0");
  c.set_value(-0.4);
  EXPECT_EQ(FormatValue(c, "gbp"), "£0");
  EXPECT_EQ(FormatChange(c), "0%");
  c.set_value(std::numeric_limits<double>::quiet_NaN());
  EXPECT_EQ(FormatValue(c, "gbp"), kNotAvailable);
  EXPECT_EQ(FormatChange(c), kNotAvailable);
  c.set_value(1e300);
  EXPECT_EQ(FormatValue(c, "count"), kNotAvailable);
}

TEST(ReportNumbers, ReferenceDataAndLocalMeasuresSentToMetricsRefuseNonFiniteNumbers) {
  const std::string dir = MakeTempDir("metrics-ref");
  auto engine = MetricsEngine::Open(dir + "/met");
  ASSERT_TRUE(engine.ok()) << engine.status();
  for (const char* v : {"NaN", "inf", "1e400", "-1e400"}) {
    SCOPED_TRACE(v);
    auto lm = (*engine)->PutLocalMeasures(std::string("indicator,la,period,value,source\nagency_sw_rate_pct,301,2015-16,") +
                                          v + ",seed\n");
    EXPECT_FALSE(lm.ok());
    EXPECT_NE(std::string(lm.status().message()).find("line 2"), std::string::npos) << lm.status();
    EXPECT_FALSE((*engine)
                     ->PutReferenceData("targets", std::string("la,indicator,period,kind,value,source\n301,"
                                                               "assessment_timeliness_pct,2015-16,local target,") +
                                                       v + ",seed\n")
                     .ok());
    EXPECT_FALSE((*engine)
                     ->PutReferenceData("comparators", std::string("entity,indicator,period,value,source\nENG,"
                                                                   "referrals,2015-16,") +
                                                           v + ",seed\n")
                     .ok());
    EXPECT_FALSE(Populations::Parse(std::string("entity,mid_year,age_band,population,source\n301,2015,0-17,") + v +
                                    ",seed\n")
                     .ok());
  }
  // Finite figures still load.
  EXPECT_TRUE((*engine)->PutLocalMeasures("indicator,la,period,value,source\nagency_sw_rate_pct,301,2015-16,45,seed\n").ok());
}

TEST(ReportNumbers, ANonFiniteFigureIsNeitherRatedNorGivenADirection) {
  v1::Cell nan, value;
  nan.set_has_value(true);
  nan.set_value(std::numeric_limits<double>::quiet_NaN());
  value.set_has_value(true);
  value.set_value(45);
  EXPECT_EQ(DirectionOfTravel(value, nan, "up"), v1::DIRECTION_UNSPECIFIED);
  EXPECT_EQ(DirectionOfTravel(nan, value, "down"), v1::DIRECTION_UNSPECIFIED);
  EXPECT_EQ(Judge(nan, "up", "percent", nullptr, {}).rating, v1::RATING_UNSPECIFIED);
  EXPECT_EQ(DirectionOfTravel(value, value, "up"), v1::STABLE);  // a real figure still is
}

TEST(ReportNumbers, MetricsNeverStoresANonFiniteFigure) {
  // A figure metrics computes from a NaN or an infinity is "not available", not a value.
  PointWriter out("301", 0);
  const v1::Period year = FinancialYear(2015);
  out.Count("agency_sw_rate_pct", "", year, std::numeric_limits<double>::quiet_NaN(), {"seed"});
  out.Count("overspend_gbp", "", year, std::numeric_limits<double>::infinity(), {"seed"});
  out.Ratio("contact_conversion_pct", "", year, std::numeric_limits<double>::infinity(), 10, 100, {"seed"});
  out.Ratio("contact_conversion_pct", "", year, 1e308, 1e-308, 100, {"seed"});
  out.Mean("adoption_a1_days", "", year, std::numeric_limits<double>::quiet_NaN(), 3, {"seed"});
  out.Count("referrals", "", year, 3255, {"seed"});
  ASSERT_EQ(out.points().size(), 6u);
  for (size_t i = 0; i < 5; ++i) {
    EXPECT_FALSE(out.points()[i].has_value()) << out.points()[i].DebugString();
    EXPECT_TRUE(std::isfinite(out.points()[i].value()));
  }
  EXPECT_TRUE(out.points()[5].has_value());
  EXPECT_EQ(out.points()[5].value(), 3255);
}

// ---------------------------------------------------------------------------------------
// Item 8: implausible values.

TEST(ImplausibleValues, Ssda903DateOfBirthInYear9999IsRule301AndTheDateIsNotRepeated) {
  const std::string dir = MakeTempDir("dob9999");
  const std::string path = dir + "/header.csv";
  Write(path, "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n"
              "QX100,1,01/05/2008,WBRI,,,\n"
              "QX101,2,31/12/9999,WBRI,,,\n");
  auto r = Validate(path);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("\"rule\": \"301\""), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"line\": 3, \"child\": \"QX101\", \"field\": \"DOB\""), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("31/12/9999"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("\"message\": \"header.csv line 3, child"), std::string::npos) << r.out;
}

TEST(ImplausibleValues, AnnexAContactDated9999IsFlaggedAndTheCountSaysWhy) {
  const std::string dir = MakeTempDir("contact9999");
  const std::string list1 = "Child Unique ID,Gender,Ethnicity,Date of Birth,Age,Date of Contact,Contact Source\n"
                            "CA1,a) Male,WBRI,01/05/2008,7,10/06/2015,Police\n"
                            "CA2,b) Female,WBRI,01/05/2009,6,11/06/2015,Police\n"
                            "CA3,b) Female,WBRI,01/05/2010,5,01/01/9999,Police\n"
                            "CA4,b) Female,WBRI,01/05/2010,5,01/01/1850,Police\n";
  Write(dir + "/list1.csv", list1);
  auto r = Validate(dir + "/list1.csv");
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("\"rule\": \"date-range\""), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("line 4: contact_date 01/01/9999 is after"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("line 5: contact_date 01/01/1850 is before 1900"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("left out of every figure"), std::string::npos) << r.out;

  // Through `run`: four contacts stored, two of them left out with errors, and the data
  // quality figure counts them: the count is 2 and the report says why.
  Write(dir + "/inbox/301/2016/list1.csv", list1);
  auto run = RunCommand({CarestatBin(), "run", "--init", "--verbose", "--inbox", dir + "/inbox", "--out", dir + "/out", "--data", dir + "/data"});
  ASSERT_NE(run.exit_code, 2) << run.out << run.err;
  auto ind = RunCommand({CarestatBin(), "indicators", "--data", dir + "/data", "--la", "301", "--period", "2015-16",
                         "--json"});
  ASSERT_EQ(ind.exit_code, 0) << ind.out << ind.err;
  EXPECT_NE(ind.out.find("\"dq_excluded_records\": 2"), std::string::npos) << ind.out;
}

TEST(ImplausibleValues, AnnexAAgesOutsideZeroToTwentyFiveAreFlaggedWithLineAndField) {
  const std::string dir = MakeTempDir("ages");
  const std::string path = dir + "/list1.csv";
  Write(path, "Child Unique ID,Gender,Ethnicity,Date of Birth,Age,Date of Contact,Contact Source\n"
              "CB1,a) Male,WBRI,01/05/2008,7,10/06/2015,Police\n"
              "CB2,a) Male,WBRI,01/05/2008,-5,10/06/2015,Police\n"
              "CB3,a) Male,WBRI,01/05/2008,100000000000000000000,10/06/2015,Police\n"
              "CB4,a) Male,WBRI,01/05/2008,1e20,10/06/2015,Police\n"
              "CB5,a) Male,WBRI,01/05/2008,seven,10/06/2015,Police\n"
              "CB6,a) Male,WBRI,01/05/2008,6.4,10/06/2015,Police\n");
  auto r = Validate(path);
  ASSERT_NE(r.exit_code, 2) << r.out << r.err;
  for (int line : {3, 4, 5, 6}) {
    const std::string where = "\"line\": " + std::to_string(line) + ", \"child\": \"CB" + std::to_string(line - 1) +
                              "\", \"field\": \"Age\"";
    EXPECT_NE(r.out.find(where), std::string::npos) << where << "\n" << r.out;
  }
  // A plausible age (whole, or the fractional years Ofsted's workbook computes) is not.
  for (const char* fine : {"\"line\": 2, \"child\": \"CB1\", \"field\": \"Age\"",
                           "\"line\": 7, \"child\": \"CB6\", \"field\": \"Age\""}) {
    EXPECT_EQ(r.out.find(fine), std::string::npos) << r.out;
  }
  EXPECT_NE(r.out.find("\"rule\": \"age\""), std::string::npos) << r.out;
}

// ---------------------------------------------------------------------------------------
// Item 12: no child data in any message.

// Made-up identifiers, easy to find anywhere they leak.
constexpr char kId[] = "ZQ7731046";
constexpr char kDobUk[] = "17/06/2009";
constexpr char kDobIso[] = "2009-06-17";
constexpr char kPostcode[] = "RM10 7ZQ";
constexpr char kUpn[] = "A123456789012";

void ExpectNoChildData(const std::string& text, const std::string& what) {
  for (const char* s : {kId, kDobUk, kDobIso, kPostcode, kUpn, "17/06/2O09"}) {
    EXPECT_EQ(text.find(s), std::string::npos) << "'" << s << "' leaks into " << what << ":\n" << text;
  }
}

// Files that fail in every place a child's identifier, date of birth or postcode sits.
std::vector<std::pair<std::string, std::string>> LeakyFiles() {
  const std::string id = kId, dob = kDobUk, iso = kDobIso, pc = kPostcode;
  return {
      // No header row: the first row is a child's.
      {"noheader_list1.csv", id + ",a) Male,WBRI," + dob + ",6,10/06/2015,Police\n" + id + "," + dob + ",x\n"},
      {"noheader_header.csv", id + ",1," + dob + ",WBRI,,,\n"},
      {"noheader_episodes.csv", id + ",01/04/2015,S,C2,N1,U1,PR1,,,," + pc + "," + pc + ",\n"},
      {"noheader_local.csv", id + ",301,2015-16," + dob + ",x\n"},
      // A header with a child's values standing in for a column name.
      {"strayheader_list1.csv", "Child Unique ID,Gender,Ethnicity,Date of Birth,Age,Date of Contact,Contact Source," +
                                    id + "\n" + id + ",a) Male,WBRI," + dob + ",6,10/06/2015,Police,x\n"},
      {"strayheader_header.csv", "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB," + dob + "\n"},
      // Bad values in the identifying columns themselves.
      {"baddob_list1.csv", "Child Unique ID,Gender,Ethnicity,Date of Birth,Age,Date of Contact,Contact Source\n" + id +
                               ",a) Male,WBRI,17/06/2O09,6,10/06/2015,Police\n" + id +
                               ",a) Male,WBRI," + dob + ",6,,Police\n"},
      {"baddob_header.csv", "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n" + id + ",1,17/06/2O09,WBRI," + kUpn + "X,,\n" +
                                id + ",1,31/12/9999,WBRI,,,\n"},
      {"badrows_episodes.csv", "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,"
                               "PL_POST,URN\n" +
                                   id + ",,S,C2,N1,U1,PR1,,,," + pc + "," + pc + ",\n" + id +
                                   ",01/04/2015,Q,C2,N1,U1,PR1,,,," + pc + "," + pc + ",\n" + id + ",01/04/2015,S\n"},
      {"bad_cin.xml",
       "<?xml version=\"1.0\"?><Message><Header><CollectionDetails><Collection>CIN</Collection><Year>2016</Year>"
       "<ReferenceDate>2016-03-31</ReferenceDate></CollectionDetails><Source><LEA>301</LEA></Source></Header>"
       "<Children><Child><ChildIdentifiers><LAchildID>" +
           id + "</LAchildID><UPN>" + kUpn + "</UPN><PersonBirthDate>" + dob +
           "</PersonBirthDate></ChildIdentifiers>" + pc +
           "<ChildCharacteristics><Ethnicity>WBRI</Ethnicity></ChildCharacteristics><CINdetails>"
           "<ReferralSource>1A</ReferralSource></CINdetails></Child>"
           "<Child><ChildIdentifiers><LAchildID>" +
           id + "</LAchildID><PersonBirthDate>" + iso +
           "</PersonBirthDate><Sex>1</Sex></ChildIdentifiers><CINdetails><CINreferralDate>2015-06-01</CINreferralDate>"
           "</CINdetails></Child></Children></Message>"},
  };
}

TEST(ChildDataInMessages, NoIdDateOfBirthOrPostcodeInValidateOutput) {
  const std::string dir = MakeTempDir("leak-validate");
  for (const auto& [name, content] : LeakyFiles()) {
    SCOPED_TRACE(name);
    Write(dir + "/" + name, content);
    auto json = Validate(dir + "/" + name);
    EXPECT_NE(json.exit_code, 0) << name << " should fail:\n" << json.out;
    // In JSON the child may appear only as the issue's `child` field: take those out.
    std::string messages = json.out;
    for (size_t at; (at = messages.find(std::string("\"child\": \"") + kId + "\"")) != std::string::npos;) {
      messages.erase(at, std::strlen("\"child\": \"\"") + std::strlen(kId));
    }
    ExpectNoChildData(messages + json.err, name + " (validate --json)");
    auto text = Validate(dir + "/" + name, "301", "2016", /*json=*/false);
    ExpectNoChildData(text.out + text.err, name + " (validate)");
  }
  // The headerless file is described by its width and what is missing.
  auto r = Validate(dir + "/noheader_header.csv", "301", "2016", false);
  EXPECT_NE((r.out + r.err).find("the first row has 7 columns"), std::string::npos) << r.out << r.err;
}

TEST(ChildDataInMessages, NoIdDateOfBirthOrPostcodeInRunOutputOrRejectedReports) {
  const std::string dir = MakeTempDir("leak-run");
  for (const auto& [name, content] : LeakyFiles()) Write(dir + "/inbox/301/2016/" + name, content);
  auto run = RunCommand({CarestatBin(), "run", "--init", "--verbose", "--inbox", dir + "/inbox", "--out", dir + "/out", "--data", dir + "/data"});
  EXPECT_NE(run.exit_code, 0) << run.out << run.err;
  ExpectNoChildData(run.out + run.err, "carestat run's output");
  const std::string reports = ReadTree(dir + "/out");
  EXPECT_FALSE(reports.empty());
  ExpectNoChildData(reports, "the reports under --out");
}

TEST(ChildDataInMessages, NoIdDateOfBirthOrPostcodeInTheServerLogOrQuarantine) {
  const std::string dir = MakeTempDir("leak-pipeline");
  const std::string log = dir + "/ingestion.log";
  auto server = [&](const std::string& name, const std::string& args) {
    return std::make_unique<ServerProcess>(std::vector<std::string>{
        "/bin/sh", "-c",
        "exec '" + BinDir() + "/services/" + name + "/carestat-" + name + "' --init --listen 127.0.0.1:0 " + args +
            " 2>>'" + dir + "/" + name + ".log'"});
  };
  auto ing = server("ingestion", "--data '" + dir + "/ing' --plaintext");
  ASSERT_TRUE(ing->Start());
  auto met = server("metrics", "--data '" + dir + "/met' --plaintext --ingestion " + ing->address());
  ASSERT_TRUE(met->Start());
  auto rep = server("reporting", "--plaintext --metrics " + met->address());
  ASSERT_TRUE(rep->Start());
  for (const auto& [name, content] : LeakyFiles()) Write(dir + "/inbox/301/2016/" + name, content);
  auto run = RunCommand({CarestatBin(), "pipeline", "--inbox", dir + "/inbox", "--out", dir + "/out", "--ingestion",
                         ing->address(), "--metrics", met->address(), "--reporting", rep->address(), "--settle",
                         "0"});
  ExpectNoChildData(run.out + run.err, "carestat pipeline's output");
  ing->Stop();
  met->Stop();
  rep->Stop();
  const std::string server_log = ReadAll(log);
  EXPECT_FALSE(server_log.empty());
  ExpectNoChildData(server_log, "the ingestion server's log");
  // The quarantined files hold the data, of course; their reports must not.
  std::string reports;
  for (const auto& e : fs::recursive_directory_iterator(dir + "/out")) {
    const std::string p = e.path().string();
    if (e.is_regular_file() && (p.ends_with(".json") || p.ends_with(".txt") || p.ends_with(".report"))) {
      reports += p + "\n" + ReadAll(p) + "\n";
    }
  }
  EXPECT_NE(reports.find("quarantine"), std::string::npos) << reports;
  ExpectNoChildData(reports, "the quarantine reports");
}

// ---------------------------------------------------------------------------------------
// Item 16: UTF-16 files and financial years.

TEST(Utf16Files, Utf16WithAByteOrderMarkIsReadLikeUtf8) {
  const std::string dir = MakeTempDir("utf16");
  const std::string csv = "Child Unique ID,Gender,Ethnicity,Date of Birth,Age,Date of Contact,Contact Source\r\n"
                          "CU1,a) Male,WBRI,01/05/2008,7,10/06/2015,Police\r\n"
                          "CU2,b) Female,WBRI,01/05/2009,6,11/06/2015,Police\r\n";
  for (bool be : {false, true}) {
    SCOPED_TRACE(be ? "UTF-16BE" : "UTF-16LE");
    const std::string path = dir + (be ? "/be.csv" : "/le.csv");
    Write(path, Utf16(csv, be));
    auto r = Validate(path);
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("\"contact\": 2"), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find("NUL"), std::string::npos) << r.out;
  }
  // Through `run` (the upload to ingestion) it is stored like any other file.
  Write(dir + "/inbox/301/2016/list1.csv", Utf16(csv, false));
  auto run = RunCommand({CarestatBin(), "run", "--init", "--verbose", "--inbox", dir + "/inbox", "--out", dir + "/out", "--data", dir + "/data"});
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_NE(run.out.find("-> 301/2016/annex-a-list-1: 2 records"), std::string::npos) << run.out << run.err;
  // A UTF-8 byte order mark keeps working.
  Write(dir + "/bom.csv", "\xEF\xBB\xBF" + csv);
  auto bom = Validate(dir + "/bom.csv");
  EXPECT_EQ(bom.exit_code, 0) << bom.out << bom.err;
  EXPECT_NE(bom.out.find("\"contact\": 2"), std::string::npos) << bom.out;
  // A CIN census saved as UTF-16 (declaring it) is read too.
  const std::string cin =
      "<?xml version=\"1.0\" encoding=\"UTF-16\"?><Message><Header><CollectionDetails><Collection>CIN</Collection>"
      "<Year>2016</Year><ReferenceDate>2016-03-31</ReferenceDate></CollectionDetails><Source><LEA>301</LEA></Source>"
      "</Header><Children><Child><ChildIdentifiers><LAchildID>CU9</LAchildID><PersonBirthDate>2008-05-01"
      "</PersonBirthDate><Sex>1</Sex></ChildIdentifiers><ChildCharacteristics><Ethnicity>WBRI</Ethnicity>"
      "</ChildCharacteristics><CINdetails><CINreferralDate>2015-06-01</CINreferralDate><ReferralSource>1A"
      "</ReferralSource><PrimaryNeedCode>N1</PrimaryNeedCode></CINdetails></Child></Children></Message>";
  Write(dir + "/cin.xml", Utf16(cin, false));
  auto x = Validate(dir + "/cin.xml");
  EXPECT_NE(x.exit_code, 2) << x.out << x.err;
  EXPECT_NE(x.out.find("\"referral\": 1"), std::string::npos) << x.out << x.err;
  // Damaged UTF-16 (an odd byte at the end) is refused saying what to do.
  Write(dir + "/odd.csv", Utf16(csv, false) + "x");
  auto odd = Validate(dir + "/odd.csv", "301", "2016", false);
  EXPECT_EQ(odd.exit_code, 2) << odd.out << odd.err;
  EXPECT_NE((odd.out + odd.err).find("UTF-16"), std::string::npos) << odd.out << odd.err;
  EXPECT_NE((odd.out + odd.err).find("UTF-8"), std::string::npos) << odd.out << odd.err;
}

TEST(FinancialYearText, Year1900IsQuotedAsGivenWithTheYearsAccepted) {
  const std::string dir = MakeTempDir("year1900");
  // A store with LA 301 in it, so that only the year can be wrong.
  Write(dir + "/inbox/301/2016/local.csv",
        "indicator,la,period,value,source\nagency_sw_rate_pct,301,2015-16,45,seed\n");
  auto run = RunCommand({CarestatBin(), "run", "--init", "--verbose", "--inbox", dir + "/inbox", "--out", dir + "/out", "--data", dir + "/data"});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  for (const char* kind : {"annual", "self-assessment"}) {
    SCOPED_TRACE(kind);
    auto r = RunCommand({CarestatBin(), "report", kind, "--la", "301", "--year", "1900-01", "--format", "json", "-o",
                         dir + "/r.json", "--data", dir + "/data"});
    EXPECT_NE(r.exit_code, 0);
    const std::string all = r.out + r.err;
    EXPECT_NE(all.find("'1900-01'"), std::string::npos) << all;
    EXPECT_NE(all.find("2000-01 to 2098-99"), std::string::npos) << all;
    EXPECT_EQ(all.find("1895"), std::string::npos) << all;
  }
  auto series = RunCommand({CarestatBin(), "series", "--la", "301", "--indicator", "referrals", "--from", "18-19",
                            "--data", dir + "/data"});
  EXPECT_NE(series.exit_code, 0);
  EXPECT_NE((series.out + series.err).find("'18-19' is not a financial year carestat accepts"), std::string::npos)
      << series.out << series.err;
}

}  // namespace
}  // namespace carestat
