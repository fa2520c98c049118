// Tests of the Ofsted Annex A readers: every list as CSV, the XLSX workbook (the shared
// sample and small workbooks built here with minizip), and damaged input.
#include "services/ingestion/formats/xlsx.h"

#include <gtest/gtest.h>
#include <unistd.h>
#include <zip.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "services/common/dates.h"
#include "services/ingestion/check.h"
#include "services/ingestion/formats/annex_a.h"
#include "services/ingestion/formats/format.h"

namespace carestat {
namespace {

struct Sink : ParseSink {
  std::vector<std::pair<v1::Record, std::string>> records;
  std::vector<v1::ValidationIssue> issues;
  int fatal = 0;

  void OnRecord(v1::Record r, const std::string& raw_id) override { records.emplace_back(std::move(r), raw_id); }
  void OnIssue(v1::ValidationIssue i, bool is_fatal) override {
    fatal += is_fatal ? 1 : 0;
    issues.push_back(std::move(i));
  }
  int Count(v1::Record::KindCase kind) const {
    int n = 0;
    for (const auto& [r, id] : records) n += r.kind_case() == kind ? 1 : 0;
    return n;
  }
  std::string Messages() const {
    std::string out;
    for (const auto& i : issues) out += i.message() + "\n";
    return out;
  }
  // Every record as protobuf text and binary: what a store would keep.
  std::string AllRecordBytes() const {
    std::string out;
    for (const auto& [r, id] : records) out += r.DebugString() + r.SerializeAsString();
    return out;
  }
};

std::string TempPath(const std::string& name) {
  static int n = 0;
  return testing::TempDir() + "/annexa_" + std::to_string(::getpid()) + "_" + std::to_string(++n) + "_" + name;
}

std::string WriteFile(const std::string& name, const std::string& bytes) {
  std::string path = TempPath(name);
  std::ofstream(path, std::ios::binary) << bytes;
  return path;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Writes the parts as a zip (deflated, as Excel writes them) and returns its path.
std::string WriteZip(const std::string& name, const std::vector<std::pair<std::string, std::string>>& parts) {
  std::string path = TempPath(name);
  zipFile z = zipOpen64(path.c_str(), APPEND_STATUS_CREATE);
  EXPECT_NE(z, nullptr);
  for (const auto& [part, data] : parts) {
    zip_fileinfo info{};
    EXPECT_EQ(zipOpenNewFileInZip64(z, part.c_str(), &info, nullptr, 0, nullptr, 0, nullptr, Z_DEFLATED,
                                    Z_DEFAULT_COMPRESSION, 0),
              ZIP_OK);
    EXPECT_EQ(zipWriteInFileInZip(z, data.data(), static_cast<unsigned>(data.size())), ZIP_OK);
    EXPECT_EQ(zipCloseFileInZip(z), ZIP_OK);
  }
  EXPECT_EQ(zipClose(z, nullptr), ZIP_OK);
  return path;
}

constexpr char kMain[] = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
constexpr char kRel[] = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

struct SheetSpec {
  std::string name;
  std::string rows;  // the XML inside <sheetData>
};

// The parts of a minimal workbook; `workbook_pr` goes into <workbookPr .../>.
std::vector<std::pair<std::string, std::string>> WorkbookParts(const std::vector<SheetSpec>& sheets,
                                                               const std::vector<std::string>& shared = {},
                                                               const std::string& workbook_pr = "") {
  std::string wb = std::string("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?><workbook xmlns=\"") +
                   kMain + "\" xmlns:r=\"" + kRel + "\"><workbookPr " + workbook_pr + "/><sheets>";
  std::string rels =
      "<?xml version=\"1.0\"?><Relationships "
      "xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">";
  std::vector<std::pair<std::string, std::string>> parts;
  for (size_t i = 0; i < sheets.size(); ++i) {
    std::string n = std::to_string(i + 1);
    wb += "<sheet name=\"" + sheets[i].name + "\" sheetId=\"" + n + "\" r:id=\"rId" + n + "\"/>";
    rels +=
        "<Relationship Id=\"rId" + n + "\" Type=\"" + kRel + "/worksheet\" Target=\"worksheets/sheet" + n + ".xml\"/>";
    parts.push_back({"xl/worksheets/sheet" + n + ".xml", std::string("<?xml version=\"1.0\"?><worksheet xmlns=\"") +
                                                             kMain + "\"><sheetData>" + sheets[i].rows +
                                                             "</sheetData></worksheet>"});
  }
  wb += "</sheets></workbook>";
  if (!shared.empty()) {
    rels += std::string("<Relationship Id=\"rIdS\" Type=\"") + kRel + "/sharedStrings\" Target=\"sharedStrings.xml\"/>";
    std::string sst = std::string("<?xml version=\"1.0\"?><sst xmlns=\"") + kMain + "\">";
    for (const auto& s : shared) sst += "<si>" + s + "</si>";
    parts.push_back({"xl/sharedStrings.xml", sst + "</sst>"});
  }
  rels += "</Relationships>";
  parts.insert(parts.begin(), {"xl/_rels/workbook.xml.rels", rels});
  parts.insert(parts.begin(), {"xl/workbook.xml", wb});
  parts.insert(parts.begin(),
               {"_rels/.rels", std::string("<?xml version=\"1.0\"?><Relationships "
                                           "xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
                                           "<Relationship Id=\"rId1\" Type=\"") +
                                   kRel + "/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>"});
  return parts;
}

// An inline-string cell.
std::string Is(const std::string& ref, const std::string& text) {
  return "<c r=\"" + ref + "\" t=\"inlineStr\"><is><t>" + text + "</t></is></c>";
}
// A number cell.
std::string Num(const std::string& ref, const std::string& value) {
  return "<c r=\"" + ref + "\"><v>" + value + "</v></c>";
}
// A header row of inline strings from a CSV header line (no quoted commas).
std::string HeaderRow(const std::string& csv_header) {
  std::string out = "<row r=\"1\">";
  std::stringstream in(csv_header);
  std::string h;
  int col = 0;
  while (std::getline(in, h, ',')) {
    std::string ref(1, static_cast<char>('A' + col++));
    out += Is(ref + "1", h);
  }
  return out + "</row>";
}

Sink ParseXlsx(const std::string& path) {
  Sink sink;
  EXPECT_TRUE(ParseAnnexAXlsx(path, "annex_a.xlsx", sink).ok());
  return sink;
}

int32_t Days(const v1::Date& d) { return ToDays(d); }

// ---------------------------------------------------------------------------------------
// The shared sample workbook.

// Data rows per sheet of shared/external/annex-a/Annex_A.xlsx, counted outside this code:
// `unzip -o Annex_A.xlsx -d /tmp/annexa`, then each xl/worksheets/sheetN.xml (sheet
// "List N" per xl/_rels/workbook.xml.rels) listed with Python's zipfile and ElementTree:
// every sheet has Ofsted's headings in row 1 and one child (adopter on list 11) per
// following row with an identifier in column A: List 1 rows 2-6, List 2 rows 2-6,
// List 3 rows 2-7, List 4 2-6, List 5 2-6, List 6 2-6, List 7 2-8, List 8 2-6,
// List 9 2-7, List 10 2-6, List 11 2-6.
const std::map<v1::Record::KindCase, int> kSampleRows = {
    {v1::Record::kContact, 5},    {v1::Record::kEarlyHelpAssessment, 5},
    {v1::Record::kReferral, 6},   {v1::Record::kAssessment, 5},
    {v1::Record::kSection47, 5},  {v1::Record::kCinCase, 5},
    {v1::Record::kCpPlan, 7},     {v1::Record::kCarePeriod, 5},
    {v1::Record::kCareLeaver, 6}, {v1::Record::kAdoption, 5},
    {v1::Record::kAdopter, 5},
};

class SampleWorkbookTest : public testing::Test {
 protected:
  void SetUp() override {
    path_ = std::string(CARESTAT_SHARED_DIR) + "/external/annex-a/Annex_A.xlsx";
    if (!std::filesystem::exists(path_)) {
      GTEST_SKIP() << "the shared sample " << path_
                   << " is absent (the shared/ folder is not beside the repository): skipping the conformance test";
    }
    sink_ = ParseXlsx(path_);
  }
  std::string path_;
  Sink sink_;
};

TEST_F(SampleWorkbookTest, EveryListsRowsComeThrough) {
  EXPECT_EQ(sink_.fatal, 0) << sink_.Messages();
  int total = 0;
  for (const auto& [kind, rows] : kSampleRows) {
    EXPECT_EQ(sink_.Count(kind), rows) << "record kind " << kind;
    total += rows;
  }
  EXPECT_EQ(static_cast<int>(sink_.records.size()), total);
}

TEST_F(SampleWorkbookTest, NoWorkerTeamOrFreeTextReachesARecord) {
  ASSERT_FALSE(sink_.records.empty());
  const std::string bytes = sink_.AllRecordBytes();
  for (const char* dropped : {"Dustin", "Hazlett", "Mathilde", "Cutsforth", "Eugene Swift", "Jae Vang",
                              "Top Town Academy", "Early Help Locality", "Multi Agency Safeguarding Hub",
                              "Care Leavers Team", "Home Town", "T28 2WB", "2WB", "14159183" /* family identifier */}) {
    EXPECT_EQ(bytes.find(dropped), std::string::npos) << dropped;
  }
  // Issues are stored too: none quotes a worker.
  EXPECT_EQ(sink_.Messages().find("Dustin"), std::string::npos);
  EXPECT_EQ(sink_.Messages().find("Hazlett"), std::string::npos);
}

TEST_F(SampleWorkbookTest, ValuesAreDecodedLikeTheCsvPath) {
  ASSERT_FALSE(sink_.records.empty());
  const auto& [first, first_id] = sink_.records.front();
  ASSERT_TRUE(first.has_contact());
  EXPECT_EQ(first_id, "9212044");  // a number in the id column, not "9212044.0"
  EXPECT_EQ(first.line(), 2);
  EXPECT_EQ(Days(first.contact().contact_date()), DayNumber(2020, 9, 16));  // serial 44090
  EXPECT_EQ(Days(first.contact().birth_date()), DayNumber(2015, 1, 25));    // serial 42029
  EXPECT_EQ(first.contact().source(), "6");
  EXPECT_EQ(first.contact().sex(), v1::FEMALE);  // "Female", without Ofsted's letter
  EXPECT_EQ(first.contact().ethnicity(), "WBRI");

  bool saw_referral = false, saw_leaver = false, saw_period = false, saw_plan = false;
  for (const auto& [r, id] : sink_.records) {
    if (r.has_referral() && id == "6537810") {
      saw_referral = true;
      EXPECT_EQ(r.referral().source(), "8");
      EXPECT_TRUE(r.referral().nfa_known());
      EXPECT_FALSE(r.referral().nfa());
      EXPECT_EQ(r.referral().referrals_last_12m(), 0);
      EXPECT_TRUE(r.referral().referrals_last_12m_known());
    }
    if (r.has_care_leaver() && id == "7961370") {
      saw_leaver = true;
      EXPECT_EQ(r.care_leaver().in_touch(), "YES");
      EXPECT_EQ(r.care_leaver().accommodation(), "Y1");  // "Y: Other accommodation", suitable
      EXPECT_EQ(r.care_leaver().activity(), "F1");
      EXPECT_EQ(Days(r.care_leaver().birth_date()), DayNumber(2002, 8, 7));
    }
    if (r.has_care_period() && id == "3623204") {
      saw_period = true;
      EXPECT_EQ(r.care_period().legal_status(), "C1");
      EXPECT_EQ(r.care_period().reason_ceased(), "E47");
      EXPECT_EQ(r.care_period().placement(), "H5");
      EXPECT_EQ(r.care_period().provider(), "PR4");
      EXPECT_EQ(r.care_period().placement_postcode_district(), "P13");
      EXPECT_EQ(Days(r.care_period().end_date()), DayNumber(2020, 9, 22));
    }
    if (r.has_cp_plan() && id == "10721552") {
      saw_plan = true;
      EXPECT_EQ(r.cp_plan().initial_category(), "PHY");
      EXPECT_EQ(Days(r.cp_plan().start_date()), DayNumber(2020, 11, 23));
      EXPECT_EQ(Days(r.cp_plan().end_date()), DayNumber(2021, 2, 16));
    }
  }
  EXPECT_TRUE(saw_referral && saw_leaver && saw_period && saw_plan);
}

TEST_F(SampleWorkbookTest, BadValuesAreQueriesThatSayWhere) {
  // List 6 row 2 gives "PSRMEM - Support with memory and cognition" as a primary need.
  bool found = false;
  for (const auto& i : sink_.issues) {
    if (i.field() == "Primary Need Code") {
      found = true;
      EXPECT_EQ(i.severity(), v1::QUERY);
      EXPECT_EQ(i.path(), "List 6");
      EXPECT_EQ(i.line(), 2);
      EXPECT_NE(i.message().find("sheet List 6 row 2"), std::string::npos) << i.message();
    }
  }
  EXPECT_TRUE(found) << sink_.Messages();
  bool recorded = false;
  for (const auto& [r, id] : sink_.records) {
    if (r.has_cin_case() && id == "12598894") {
      recorded = true;
      EXPECT_EQ(r.cin_case().primary_need(), "");
      ASSERT_EQ(r.issue_rules_size(), 1);
      EXPECT_EQ(r.issue_rules(0), "code");
      EXPECT_FALSE(r.has_error());
    }
  }
  EXPECT_TRUE(recorded);  // a bad non-key value keeps the record
}

// ---------------------------------------------------------------------------------------
// Each list as CSV.

struct CsvCase {
  int list;
  std::string csv;  // header line and one row
  v1::Record::KindCase kind;
  std::string raw_id;
  std::string key_heading;  // named in the expected set when a column is unknown
};

std::string HeaderOf(const std::string& csv) { return csv.substr(0, csv.find('\n')); }

const std::vector<CsvCase>& CsvCases() {
  static const auto* cases = new std::vector<CsvCase>{
      {1,
       "Child Unique ID,Gender,Ethnicity,Date of Birth,Age,Date of Contact,Contact Source\n"
       "C1,a) Male,a) WBRI,01/02/2010,6,31/03/2016,q) 6: Police\n",
       v1::Record::kContact, "C1", "Date of Contact"},
      {2,
       "Child Unique ID,Gender,Ethnicity,Date of Birth,Age,Assessment start date,Assessment completion date,"
       "Organisation completing assessment\n"
       "C2,b) Female,k) APKN,03/04/2012,4,01/05/2016,2016-05-20,Top Town Academy\n",
       v1::Record::kEarlyHelpAssessment, "C2", "Assessment start date"},
      {3,
       "Child Unique ID,Gender,Ethnicity,Date of Birth,Age,Date of Referral,Referral Source,Referral NFA?,"
       "Number of Referrals in Last 12 Months,Allocated Team,Allocated Worker\n"
       "C3,a) Male,a) WBRI,,,15/06/2016,e) 2A: Schools,b) No,2,Locality 4 Duty Team,Dustin Hazlett\n",
       v1::Record::kReferral, "C3", "Date of Referral"},
      {4,
       "Child Unique ID,Gender,Ethnicity,Date of Birth,Age,Does the Child have a Disability,"
       "Continuous Assessment Start Date,Child Seen During Continuous Assessment,"
       "Continuous Assessment Date of Authorisation,"
       "Was the child assessed as requiring LA children's social care support?,Allocated Team,Allocated Worker\n"
       "C4,b) Female,a) WBRI,01/01/2010,6,a) Yes,01/04/2016,Yes,10/05/2016,b) No,Team A,Dustin Hazlett\n",
       v1::Record::kAssessment, "C4", "Continuous Assessment Start Date"},
      {5,
       "Child Unique ID,Gender,Ethnicity,Date of Birth,Age,Does the Child have a Disability,"
       "Strategy discussion initiating Section 47 Enquiry Start Date,"
       "Was an Initial Child Protection Conference deemed unnecessary?,"
       "Date of Initial Child Protection Conference,"
       "Did the Initial Child Protection Conference Result in a Child Protection Plan,"
       "Number of Section 47 Enquiries in the last 12 months,Number of ICPCs in the last 12 months,"
       "Allocated Team,Allocated Worker\n"
       "C5,a) Male,s) NOBT,,,b) No,02/05/2016,No,20/05/2016,Yes,1,1,Team B,Dustin Hazlett\n",
       v1::Record::kSection47, "C5", "Strategy discussion initiating Section 47 Enquiry Start Date"},
      {6,
       "Child Unique ID,Gender,Ethnicity,Date of Birth,Age,Does the Child have a Disability,CIN Start Date,"
       "Primary Need Code,Date Child Was Last Seen,CIN Closure Date,Reason for Closure,Case Status,"
       "Allocated Team,Allocated Worker\n"
       "C6,b) Female,a) WBRI,,,b) No,01/04/2015,N1 - Abuse or Neglect,01/03/2016,31/03/2016,"
       "\"RC8 - Case closed after assessment, no further action\",e) Closed episode,Team C,Dustin Hazlett\n",
       v1::Record::kCinCase, "C6", "CIN Start Date"},
      {7,
       "Child Unique ID,Gender,Ethnicity,Date of Birth,Age,Does the Child have a Disability,"
       "Child Protection Plan Start Date,Initial Category of Abuse,Latest Category of Abuse,"
       "Date of the Last Statutory Visit,Was the Child Seen Alone?,Date of latest review conference,"
       "Child Protection Plan End Date,"
       "Subject to Emergency Protection Order or Protected Under Police Powers in Last Six Months (Y/N),"
       "Number of Previous Child Protection Plans,Allocated Team,Allocated Worker\n"
       "C7,a) Male,a) WBRI,,,b) No,01/06/2015,a) Neglect,Emotional abuse,01/03/2016,a) Yes,15/12/2015,,b) No,1,"
       "Team D,Dustin Hazlett\n",
       v1::Record::kCpPlan, "C7", "Child Protection Plan Start Date"},
      {8,
       "Child Unique ID,Gender,Ethnicity,Date of Birth,Age,"
       "Unaccompanied Asylum Seeking Child (UASC) within the Last 12 Months (Y/N),"
       "Does the Child have a Disability,Date Started to be Looked After,Child's Category of Need,"
       "Is this a second or subsequent period of being a Looked After Child within the last 12 months (Y/N),"
       "Start date of current legal status,Child's Legal Status,Date of Latest Statutory Review,"
       "Date of Last Social Work Visit,What is the permanence plan for this child?,"
       "Date of Last IRO Visit / Contact to the Child,Date of Last Health Assessment,Date of Last Dental Check,"
       "Number of Placements in the Last 12 months,Date Ceased to be Looked After,"
       "Reason Ceased to be Looked After,Start Date of Most Recent Placement,Placement Type,Placement Provider,"
       "Placement postcode,URN of Placement,Placement Location,LA of Placement,"
       "Number of Episodes the Child has been 'Missing' from their Placement in the last 12 months,"
       "Number of Episodes the Child has been 'Absent' from their Placement in the last 12 months,"
       "Was the child offered a Return Interview after their last missing episode (Y/N)?,"
       "Did the child accept a Return Interview after their last missing episode (Y/N)?,"
       "Allocated Team,Allocated Worker\n"
       "C8,b) Female,a) WBRI,01/01/2008,8,b) No,b) No,01/02/2015,N1 - Abuse or Neglect,b) No,01/03/2015,C2: FCO,"
       "01/02/2016,01/03/2016,f) Long-term fostering,01/03/2016,01/01/2016,01/12/2015,2,,,01/06/2015,"
       "d) U4: Foster placement - long term,b) PR1 - Own provision,T28 2WB,SC123456,a) In,Home Town,0,1,,,"
       "Children in Care Team 1,Dustin Hazlett\n",
       v1::Record::kCarePeriod, "C8", "Date Started to be Looked After"},
      {9,
       "Child Unique ID,Gender,Ethnicity,Date of Birth,Age,"
       "\"Unaccompanied Asylum Seeking Child (UASC), or formerly UASC if 18 or over (Y/N)\","
       "Does the Child have a Disability,Allocated Team,Allocated Worker,Allocated Personal Advisor,"
       "Eligibility Category,Latest Pathway Plan Review Date,LA in Touch,Latest Date of Contact,"
       "Type of Accommodation,Suitability of Accommodation,Activity Status\n"
       "C9,a) Male,r) OOTH,07/08/2002,18,a) Yes,b) No,Care Leavers Team,Dustin Hazlett,Jae Vang,"
       "b) Former relevant child,01/02/2021,a) Yes,01/03/2021,U: Independent living,a) Suitable,"
       "F1: Full time in higher education\n",
       v1::Record::kCareLeaver, "C9", "Eligibility Category"},
      {10,
       "Child Unique ID,Family identifier,Gender,Ethnicity,Date of Birth,Age of Child (Years),"
       "Does the Child have a Disability,Date the Child Entered Care,"
       "Date of Decision that Child Should be Placed for Adoption,Date of Placement Order,"
       "Date of Matching Child and Prospective Adopters,Date Placed for Adoption,Date of Adoption Order,"
       "Date of Decision that Child Should No Longer be Placed for Adoption,"
       "Reason Why Child No Longer Placed for Adoption,"
       "Date the child was placed for fostering in FFA or concurrent planning placement\n"
       "C10,F99887766,a) Male,a) WBRI,01/01/2014,2,b) No,06/08/2015,11/08/2015,16/08/2015,21/08/2015,26/08/2015,"
       "31/08/2016,,,\n",
       v1::Record::kAdoption, "C10", "Date of Decision that Child Should be Placed for Adoption"},
      {11,
       "Individual adopter identifier,Family identifier,Gender,Ethnicity,Disability,"
       "Is the (prospective) adopter fostering for adoption?,Date enquiry received,Date Stage 1 started,"
       "Date Stage 1 ended,Date Stage 2 started,Date Stage 2 ended,Date application submitted,"
       "Date application approved,Date adopter matched with child(ren),"
       "Date child/children placed with adopter(s),No. of children placed,Date of Adoption Order,"
       "Date of leaving adoption process,Reason for leaving adoption process\n"
       "A11,F99887766,b) Female,a) WBRI,b) No,Yes,06/08/2015,19/08/2015,01/09/2015,14/09/2015,27/09/2015,"
       "10/10/2015,23/10/2015,05/11/2015,18/11/2015,2,21/11/2016,,\n",
       v1::Record::kAdopter, "A11", "Date enquiry received"},
  };
  return *cases;
}

Sink ParseCsvFile(const std::string& content, int list) {
  // Through a file, as the ingestion service reads it.
  std::string path = WriteFile("list" + std::to_string(list) + ".csv", content);
  std::ifstream in(path, std::ios::binary);
  Sink sink;
  EXPECT_TRUE(ParseAnnexAList(in, list, "list" + std::to_string(list) + ".csv", sink).ok());
  return sink;
}

class AnnexACsvTest : public testing::TestWithParam<CsvCase> {};

TEST_P(AnnexACsvTest, HeaderIsRecognisedAndTheRowBecomesItsRecord) {
  const CsvCase& c = GetParam();
  Detected d = DetectFormat(c.csv);
  EXPECT_EQ(d.format, Format::kAnnexACsv) << d.problem;
  EXPECT_EQ(d.annex_a_list, c.list);
  Sink sink = ParseCsvFile(c.csv, c.list);
  EXPECT_EQ(sink.fatal, 0) << sink.Messages();
  EXPECT_TRUE(sink.issues.empty()) << sink.Messages();
  ASSERT_EQ(sink.records.size(), 1u);
  EXPECT_EQ(sink.records[0].first.kind_case(), c.kind);
  EXPECT_EQ(sink.records[0].second, c.raw_id);
  EXPECT_EQ(sink.records[0].first.line(), 2);
  EXPECT_FALSE(sink.records[0].first.has_error());
  const std::string bytes = sink.AllRecordBytes();
  for (const char* dropped :
       {"Dustin", "Hazlett", "Team", "Top Town", "Jae Vang", "Home Town", "SC123456", "2WB", "F99887766"}) {
    EXPECT_EQ(bytes.find(dropped), std::string::npos) << dropped;
  }
  // The raw identifier is not in the record; the sink's pseudonym goes into it.
  EXPECT_EQ(bytes.find(c.raw_id + "\""), std::string::npos);
  v1::Record pseudonymised = sink.records[0].first;
  SetChildId(&pseudonymised, "PSEUDONYM-XYZ");
  EXPECT_NE(pseudonymised.DebugString().find("child_id: \"PSEUDONYM-XYZ\""), std::string::npos)
      << pseudonymised.DebugString();
}

TEST_P(AnnexACsvTest, AnUnknownColumnIsFatalAndNamesItAndTheExpectedSet) {
  const CsvCase& c = GetParam();
  std::string header = HeaderOf(c.csv);
  std::string row = c.csv.substr(header.size() + 1);
  row.pop_back();  // the newline
  Sink sink = ParseCsvFile(header + ",Social Worker Name\n" + row + ",Dustin Hazlett\n", c.list);
  EXPECT_GT(sink.fatal, 0);
  ASSERT_FALSE(sink.issues.empty());
  EXPECT_NE(sink.issues[0].message().find("unknown column 'Social Worker Name'"), std::string::npos)
      << sink.issues[0].message();
  EXPECT_NE(sink.issues[0].message().find(c.key_heading), std::string::npos) << sink.issues[0].message();
  EXPECT_EQ(sink.issues[0].field(), "Social Worker Name");
  EXPECT_TRUE(sink.records.empty());
}

INSTANTIATE_TEST_SUITE_P(EveryList, AnnexACsvTest, testing::ValuesIn(CsvCases()),
                         [](const testing::TestParamInfo<CsvCase>& i) {
                           return "List" + std::to_string(i.param.list);
                         });

// A copy: the sink is often a temporary.
v1::Record OnlyRecord(const Sink& sink) {
  EXPECT_EQ(sink.records.size(), 1u) << sink.Messages();
  return sink.records.empty() ? v1::Record() : sink.records[0].first;
}

TEST(AnnexACsvFieldsTest, List1Contact) {
  const v1::Record r = OnlyRecord(ParseCsvFile(CsvCases()[0].csv, 1));
  EXPECT_EQ(Days(r.contact().contact_date()), DayNumber(2016, 3, 31));
  EXPECT_EQ(r.contact().source(), "6");
  EXPECT_EQ(r.contact().sex(), v1::MALE);
  EXPECT_EQ(r.contact().ethnicity(), "WBRI");
  EXPECT_EQ(Days(r.contact().birth_date()), DayNumber(2010, 2, 1));
}

TEST(AnnexACsvFieldsTest, List2EarlyHelp) {
  const v1::Record r = OnlyRecord(ParseCsvFile(CsvCases()[1].csv, 2));
  const auto& a = r.early_help_assessment();
  EXPECT_EQ(Days(a.start_date()), DayNumber(2016, 5, 1));
  EXPECT_EQ(Days(a.completion_date()), DayNumber(2016, 5, 20));  // ISO accepted too
  EXPECT_EQ(a.characteristics().sex(), v1::FEMALE);
  EXPECT_EQ(a.characteristics().ethnicity(), "APKN");
  EXPECT_EQ(Days(a.characteristics().birth_date()), DayNumber(2012, 4, 3));
  EXPECT_EQ(a.characteristics().child_id(), "");
}

TEST(AnnexACsvFieldsTest, List3Referral) {
  const v1::Record rec = OnlyRecord(ParseCsvFile(CsvCases()[2].csv, 3));
  const auto& f = rec.referral();
  EXPECT_EQ(Days(f.referral_date()), DayNumber(2016, 6, 15));
  EXPECT_EQ(f.source(), "2A");
  EXPECT_TRUE(f.nfa_known());
  EXPECT_FALSE(f.nfa());
  EXPECT_EQ(f.referrals_last_12m(), 2);
  EXPECT_FALSE(f.characteristics().has_birth_date());
}

TEST(AnnexACsvFieldsTest, List4Assessment) {
  const v1::Record rec = OnlyRecord(ParseCsvFile(CsvCases()[3].csv, 4));
  const auto& a = rec.assessment();
  EXPECT_EQ(Days(a.start_date()), DayNumber(2016, 4, 1));
  EXPECT_EQ(Days(a.authorisation_date()), DayNumber(2016, 5, 10));
  EXPECT_TRUE(a.child_seen_known());
  EXPECT_TRUE(a.child_seen());
  EXPECT_TRUE(a.needs_support_known());
  EXPECT_FALSE(a.needs_support());
  EXPECT_TRUE(a.characteristics().disabled_known());
  EXPECT_TRUE(a.characteristics().disabled());
}

TEST(AnnexACsvFieldsTest, List5Section47) {
  const v1::Record rec = OnlyRecord(ParseCsvFile(CsvCases()[4].csv, 5));
  const auto& s = rec.section47();
  EXPECT_EQ(Days(s.start_date()), DayNumber(2016, 5, 2));
  EXPECT_TRUE(s.icpc_not_required_known());
  EXPECT_FALSE(s.icpc_not_required());
  EXPECT_EQ(Days(s.icpc_date()), DayNumber(2016, 5, 20));
  EXPECT_TRUE(s.icpc_led_to_plan());
  EXPECT_EQ(s.enquiries_last_12m(), 1);
  EXPECT_EQ(s.icpcs_last_12m(), 1);
  EXPECT_EQ(s.characteristics().ethnicity(), "NOBT");
}

TEST(AnnexACsvFieldsTest, List6ChildInNeed) {
  const v1::Record rec = OnlyRecord(ParseCsvFile(CsvCases()[5].csv, 6));
  const auto& c = rec.cin_case();
  EXPECT_EQ(Days(c.start_date()), DayNumber(2015, 4, 1));
  EXPECT_EQ(c.primary_need(), "N1");
  EXPECT_EQ(Days(c.last_seen_date()), DayNumber(2016, 3, 1));
  EXPECT_EQ(Days(c.closure_date()), DayNumber(2016, 3, 31));
  EXPECT_EQ(c.closure_reason(), "RC8");
  EXPECT_EQ(c.case_status(), "CLOSED");
}

TEST(AnnexACsvFieldsTest, List7ChildProtectionPlan) {
  const v1::Record rec = OnlyRecord(ParseCsvFile(CsvCases()[6].csv, 7));
  const auto& p = rec.cp_plan();
  EXPECT_EQ(Days(p.start_date()), DayNumber(2015, 6, 1));
  EXPECT_EQ(p.initial_category(), "NEG");
  EXPECT_EQ(p.latest_category(), "EMO");
  EXPECT_EQ(Days(p.last_visit_date()), DayNumber(2016, 3, 1));
  EXPECT_TRUE(p.seen_alone());
  ASSERT_EQ(p.review_dates_size(), 1);
  EXPECT_EQ(Days(p.review_dates(0)), DayNumber(2015, 12, 15));
  EXPECT_FALSE(p.has_end_date());
  EXPECT_TRUE(p.emergency_protection_6m_known());
  EXPECT_FALSE(p.emergency_protection_6m());
  EXPECT_TRUE(p.previous_plans_known());
  EXPECT_EQ(p.previous_plans(), 1);
}

TEST(AnnexACsvFieldsTest, List8CarePeriod) {
  const v1::Record rec = OnlyRecord(ParseCsvFile(CsvCases()[7].csv, 8));
  const auto& c = rec.care_period();
  EXPECT_EQ(Days(c.start_date()), DayNumber(2015, 2, 1));
  EXPECT_EQ(c.cin_category(), "N1");
  EXPECT_TRUE(c.repeat_period_12m_known());
  EXPECT_FALSE(c.repeat_period_12m());
  EXPECT_EQ(Days(c.legal_status_start_date()), DayNumber(2015, 3, 1));
  EXPECT_EQ(c.legal_status(), "C2");
  EXPECT_EQ(c.permanence_plan(), "FOSTERING");
  EXPECT_EQ(Days(c.last_dental_check_date()), DayNumber(2015, 12, 1));
  EXPECT_EQ(c.placements_12m(), 2);
  EXPECT_FALSE(c.has_end_date());
  EXPECT_EQ(Days(c.placement_start_date()), DayNumber(2015, 6, 1));
  EXPECT_EQ(c.placement(), "U4");
  EXPECT_EQ(c.provider(), "PR1");
  EXPECT_EQ(c.placement_postcode_district(), "T28");
  EXPECT_TRUE(c.placed_inside_la_known());
  EXPECT_TRUE(c.placed_inside_la());
  EXPECT_EQ(c.missing_episodes_12m(), 0);
  EXPECT_TRUE(c.missing_episodes_12m_known());
  EXPECT_EQ(c.absent_episodes_12m(), 1);
  EXPECT_FALSE(c.return_interview_offered_known());
  EXPECT_TRUE(c.characteristics().uasc_known());
  EXPECT_FALSE(c.characteristics().uasc());
}

TEST(AnnexACsvFieldsTest, List9CareLeaver) {
  const v1::Record rec = OnlyRecord(ParseCsvFile(CsvCases()[8].csv, 9));
  const auto& l = rec.care_leaver();
  EXPECT_EQ(Days(l.birth_date()), DayNumber(2002, 8, 7));
  EXPECT_EQ(l.in_touch(), "YES");
  EXPECT_EQ(l.accommodation(), "U1");
  EXPECT_EQ(l.activity(), "F1");
  EXPECT_EQ(l.eligibility(), "FORMER_RELEVANT");
  EXPECT_EQ(Days(l.pathway_plan_review_date()), DayNumber(2021, 2, 1));
  EXPECT_EQ(Days(l.latest_contact_date()), DayNumber(2021, 3, 1));
  EXPECT_TRUE(l.characteristics().uasc());
  EXPECT_EQ(l.characteristics().ethnicity(), "OOTH");
}

TEST(AnnexACsvFieldsTest, List10Adoption) {
  const v1::Record rec = OnlyRecord(ParseCsvFile(CsvCases()[9].csv, 10));
  const auto& a = rec.adoption();
  EXPECT_EQ(Days(a.entered_care_date()), DayNumber(2015, 8, 6));
  EXPECT_EQ(Days(a.decision_date()), DayNumber(2015, 8, 11));
  EXPECT_EQ(Days(a.court_authority_date()), DayNumber(2015, 8, 16));
  EXPECT_EQ(Days(a.match_date()), DayNumber(2015, 8, 21));
  EXPECT_EQ(Days(a.placed_date()), DayNumber(2015, 8, 26));
  EXPECT_EQ(Days(a.adoption_order_date()), DayNumber(2016, 8, 31));
  EXPECT_FALSE(a.has_decision_ceased_date());
  EXPECT_EQ(a.decision_ceased_reason(), "");
}

TEST(AnnexACsvFieldsTest, List11Adopter) {
  const v1::Record rec = OnlyRecord(ParseCsvFile(CsvCases()[10].csv, 11));
  const auto& a = rec.adopter();
  EXPECT_EQ(a.child_id(), "");  // the sink sets the adopter's pseudonym
  EXPECT_EQ(a.sex(), v1::FEMALE);
  EXPECT_TRUE(a.disabled_known());
  EXPECT_FALSE(a.disabled());
  EXPECT_TRUE(a.fostering_for_adoption());
  EXPECT_EQ(Days(a.enquiry_date()), DayNumber(2015, 8, 6));
  EXPECT_EQ(Days(a.approval_date()), DayNumber(2015, 10, 23));
  EXPECT_EQ(Days(a.placed_date()), DayNumber(2015, 11, 18));
  EXPECT_EQ(a.children_placed(), 2);
  EXPECT_EQ(Days(a.adoption_order_date()), DayNumber(2016, 11, 21));
  EXPECT_FALSE(a.has_left_date());
}

TEST(AnnexACsvRulesTest, BadNonKeyValuesAreNotedOnTheRecord) {
  // List 7 with an end date that is no date (an error: it decides whether the plan is
  // open) and a category that is no option (a query).
  std::string csv = HeaderOf(CsvCases()[6].csv) +
                    "\nC7,a) Male,a) WBRI,,,b) No,01/06/2015,z) Unheard of,b) Physical abuse,,,,31/02/2016,,0,T,W\n";
  Sink sink = ParseCsvFile(csv, 7);
  EXPECT_EQ(sink.fatal, 0) << sink.Messages();
  ASSERT_EQ(sink.issues.size(), 2u) << sink.Messages();
  EXPECT_EQ(sink.issues[0].severity(), v1::QUERY);
  EXPECT_EQ(sink.issues[0].field(), "Initial Category of Abuse");
  EXPECT_EQ(sink.issues[1].severity(), v1::ERROR);
  EXPECT_EQ(sink.issues[1].field(), "Child Protection Plan End Date");
  EXPECT_EQ(sink.issues[1].child(), "C7");
  EXPECT_EQ(sink.issues[1].line(), 2);
  const v1::Record r = OnlyRecord(sink);
  EXPECT_TRUE(r.has_error());
  ASSERT_EQ(r.issue_rules_size(), 2);
  EXPECT_EQ(r.issue_rules(0), "code");
  EXPECT_EQ(r.issue_rules(1), "date");
  EXPECT_EQ(r.cp_plan().initial_category(), "");
  EXPECT_EQ(r.cp_plan().latest_category(), "PHY");
}

TEST(AnnexACsvRulesTest, BadKeyDateAndEmptyIdentifierAreFatal) {
  std::string header = HeaderOf(CsvCases()[10].csv);
  Sink sink = ParseCsvFile(header +
                               "\n,F1,a) Male,a) WBRI,b) No,No,06/08/2015,,,,,,,,,,,,\n"
                               "A2,F1,a) Male,a) WBRI,b) No,No,6 Aug 2015,,,,,,,,,,,,\n"
                               "A3,F1,a) Male,a) WBRI,b) No,No,06/08/2015,,,,,,,,,,,,\n",
                           11);
  EXPECT_EQ(sink.fatal, 2);
  ASSERT_GE(sink.issues.size(), 2u);
  EXPECT_EQ(sink.issues[0].field(), "Individual adopter identifier");
  EXPECT_EQ(sink.issues[0].line(), 2);
  EXPECT_EQ(sink.issues[1].field(), "Date enquiry received");
  EXPECT_NE(sink.issues[1].message().find("'6 Aug 2015'"), std::string::npos);
  ASSERT_EQ(sink.records.size(), 1u);
  EXPECT_EQ(sink.records[0].second, "A3");
}

TEST(AnnexACsvRulesTest, MissingKeyColumnNamesItAndTheExpectedSet) {
  Sink sink = ParseCsvFile("Child Unique ID,Gender,Eligibility Category\nC1,a) Male,a) Relevant child\n", 8);
  EXPECT_GT(sink.fatal, 0);
  EXPECT_NE(sink.Messages().find("unknown column 'Eligibility Category'"), std::string::npos) << sink.Messages();
  EXPECT_NE(sink.Messages().find("missing column 'Date Started to be Looked After'"), std::string::npos);
  EXPECT_NE(sink.Messages().find("Placement Provider"), std::string::npos);  // the expected set
  EXPECT_TRUE(sink.records.empty());
}

TEST(AnnexACsvRulesTest, BlankRowsAndEmptyTrailingHeadingsAreTolerated) {
  Sink sink = ParseCsvFile(
      "Child Unique ID,Date of Contact,Contact Source,,\r\nC1,01/04/2016,q) 6: Police,,\r\n,,,,\r\n"
      "C2,02/04/2016,q) 6: Police,,note\r\n",
      1);
  EXPECT_EQ(sink.fatal, 0) << sink.Messages();
  ASSERT_EQ(sink.records.size(), 2u);
  // The value under a column without a heading is not read, and that is said once.
  ASSERT_EQ(sink.issues.size(), 1u);
  EXPECT_EQ(sink.issues[0].severity(), v1::QUERY);
  EXPECT_EQ(sink.issues[0].line(), 4);
  EXPECT_EQ(sink.AllRecordBytes().find("note"), std::string::npos);
}

TEST(AnnexAListOfTest, ToleratesCaseSpacingAndPunctuationAndTellsListsApart) {
  EXPECT_EQ(AnnexAListOf({"CHILD UNIQUE ID", "date\xC2\xA0of  referral "}), 3);
  EXPECT_EQ(AnnexAListOf({"Child Unique ID", "Assessment start date"}), 2);
  EXPECT_EQ(AnnexAListOf({"Child Unique ID", "Continuous Assessment Start Date"}), 4);
  EXPECT_EQ(AnnexAListOf({"Child Unique ID",
                          "Number of Episodes the Child has been \xE2\x80\x98Missing\xE2\x80\x99 from their "
                          "Placement in the last 12 months"}),
            8);
  EXPECT_EQ(AnnexAListOf({"Individual adopter identifier", "Date enquiry received"}), 11);
  // Shared columns alone tell no list.
  EXPECT_EQ(AnnexAListOf({"Child Unique ID", "Gender", "Date of Adoption Order"}), 0);
  // Without its identifier column, a list's own heading is not enough.
  EXPECT_EQ(AnnexAListOf({"Date of Contact", "Contact Source"}), 0);
  for (int list = 1; list <= 11; ++list) {
    EXPECT_FALSE(AnnexAListColumns(list).empty()) << list;
  }
  EXPECT_EQ(AnnexAListColumns(12), "");
}

TEST(AnnexACodesTest, OfstedCodesAndSerialDates) {
  EXPECT_EQ(OfstedCode("e) PR4 - Private provision"), "PR4");
  EXPECT_EQ(OfstedCode("N1 - Abuse or Neglect"), "N1");
  EXPECT_EQ(OfstedCode("k) E47: Special Guardianship Orders - relative/friend"), "E47");
  EXPECT_EQ(OfstedCode("p1) 5D: LA services"), "5D");
  EXPECT_EQ(OfstedCode("Foster placement - not FFA"), "Foster placement - not FFA");
  EXPECT_EQ(ExcelSerialToDays(1, false), DayNumber(1900, 1, 1));
  EXPECT_EQ(ExcelSerialToDays(59, false), DayNumber(1900, 2, 28));
  EXPECT_EQ(ExcelSerialToDays(60, false), std::nullopt);  // 29 February 1900 never was
  EXPECT_EQ(ExcelSerialToDays(61, false), DayNumber(1900, 3, 1));
  EXPECT_EQ(ExcelSerialToDays(44090.75, false), DayNumber(2020, 9, 16));
  EXPECT_EQ(ExcelSerialToDays(0, false), std::nullopt);
  EXPECT_EQ(ExcelSerialToDays(0, true), DayNumber(1904, 1, 1));
  EXPECT_EQ(ExcelSerialToDays(42628, true), DayNumber(2020, 9, 16));
  EXPECT_EQ(ExcelSerialToDays(9212044, false), std::nullopt);  // beyond 9999
  EXPECT_EQ(XlsxColumnIndex("A1"), 0);
  EXPECT_EQ(XlsxColumnIndex("Z9"), 25);
  EXPECT_EQ(XlsxColumnIndex("AB12"), 27);
  EXPECT_EQ(XlsxColumnIndex("XFD1048576"), 16383);
  EXPECT_EQ(XlsxColumnIndex("A"), -1);
  EXPECT_EQ(XlsxColumnIndex("12"), -1);
  EXPECT_EQ(XlsxColumnIndex("ABCD1"), -1);
}

// ---------------------------------------------------------------------------------------
// Workbooks built here.

const char kList1Header[] = "Child Unique ID,Gender,Ethnicity,Date of Birth,Age,Date of Contact,Contact Source";

TEST(AnnexAXlsxTest, SharedInlineNumbersGapsAndMissingReferences) {
  // Shared strings: a heading split in rich-text runs, with a phonetic run that is not
  // part of the text.
  std::vector<std::string> shared = {"<t>Child Unique ID</t>",
                                     "<r><t>Date of </t></r><r><rPr><b/></rPr><t>Contact</t></r>"
                                     "<rPh sb=\"0\" eb=\"1\"><t>XX</t></rPh>",
                                     "<t>a) WBRI</t>", "<t>Allocated Worker Dustin</t>"};
  std::string rows = "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c>" + Is("B1", "Gender") + Is("C1", "Ethnicity") +
                     Is("D1", "Date of Birth") + Is("E1", "Age") + "<c r=\"F1\" t=\"s\"><v>1</v></c>" +
                     Is("G1", "Contact Source") +
                     "</row>"
                     // Row 2: an id written in exponent form, a cell without r (column C), a gap over D
                     // and E, a date serial, and the source without r (column G).
                     "<row r=\"2\">" +
                     Num("A2", "9.212044E6") + Is("B2", "a) Male") + "<c t=\"s\"><v>2</v></c>" + Num("F2", "44090") +
                     "<c t=\"inlineStr\"><is><t>q) 6: Police</t></is></c></row>"
                     // Row 3 has only empty cells; rows 4 is absent.
                     "<row r=\"3\"><c r=\"A3\"/><c r=\"B3\" t=\"inlineStr\"><is><t></t></is></c></row>"
                     // Row 5: Excel's 29 February 1900 as the date of birth (a query), 1 March 1900 as the
                     // contact date; row 6 without r: 28 February 1900.
                     "<row r=\"5\">" +
                     Is("A5", "C5") + Num("D5", "60") + Num("F5", "61") + Is("G5", "t) 9: Anonymous") + "</row><row>" +
                     Is("A6", "C6") + Num("F6", "59") + Is("G6", "b) 1B: Individual") + "</row>";
  // The sheet is called "Contacts": its header, not its name, makes it list 1.
  std::string path = WriteZip("features.xlsx", WorkbookParts({{"Contacts", rows}}, shared));
  Sink sink = ParseXlsx(path);
  EXPECT_EQ(sink.fatal, 0) << sink.Messages();
  ASSERT_EQ(sink.records.size(), 3u) << sink.Messages();
  const auto& [r2, id2] = sink.records[0];
  EXPECT_EQ(id2, "9212044");
  EXPECT_EQ(r2.line(), 2);
  EXPECT_EQ(r2.contact().sex(), v1::MALE);
  EXPECT_EQ(r2.contact().ethnicity(), "WBRI");
  EXPECT_EQ(Days(r2.contact().contact_date()), DayNumber(2020, 9, 16));
  EXPECT_EQ(r2.contact().source(), "6");
  EXPECT_EQ(sink.records[1].second, "C5");
  EXPECT_EQ(sink.records[1].first.line(), 5);
  EXPECT_EQ(Days(sink.records[1].first.contact().contact_date()), DayNumber(1900, 3, 1));
  EXPECT_FALSE(sink.records[1].first.contact().has_birth_date());
  EXPECT_EQ(sink.records[2].first.line(), 6);
  EXPECT_EQ(Days(sink.records[2].first.contact().contact_date()), DayNumber(1900, 2, 28));
  EXPECT_EQ(sink.records[2].first.contact().source(), "1B");
  ASSERT_EQ(sink.issues.size(), 1u) << sink.Messages();
  const auto& q = sink.issues[0];
  EXPECT_EQ(q.severity(), v1::QUERY);
  EXPECT_EQ(q.field(), "Date of Birth");
  EXPECT_EQ(q.path(), "Contacts");
  EXPECT_EQ(q.line(), 5);
  // A date of birth is never repeated in a message, nor the child's id.
  EXPECT_NE(q.message().find("sheet Contacts row 5, Date of Birth (value not shown)"), std::string::npos)
      << q.message();
  EXPECT_EQ(q.message().find("C5"), std::string::npos) << q.message();
  EXPECT_EQ(q.child(), "C5");
}

TEST(AnnexAXlsxTest, Date1904BooleansFormulaTextAndPrefixedNamespaces) {
  std::string rows = HeaderRow("Child Unique ID,Date of Referral,Referral NFA?,Referral Source") + "<row r=\"2\">" +
                     Is("A2", "R1") + Num("B2", "42628") +
                     "<c r=\"C2\" t=\"b\"><v>1</v></c><c r=\"D2\" t=\"str\"><f>X</f><v>q) 6: Police</v></c></row>";
  auto parts = WorkbookParts({{"List 3", rows}}, {}, "date1904=\"1\"");
  // Some writers prefix the spreadsheet namespace ("x:row").
  for (auto& [name, data] : parts) {
    if (name == "xl/worksheets/sheet1.xml") {
      std::string prefixed;
      for (size_t i = 0; i < data.size(); ++i) {
        if (data[i] == '<' && i + 1 < data.size() && data[i + 1] != '?') {
          prefixed += data[i + 1] == '/' ? "</x:" : "<x:";
          if (data[i + 1] == '/') ++i;
          continue;
        }
        prefixed += data[i];
      }
      auto ns = prefixed.find("xmlns=");
      prefixed.replace(ns, 6, "xmlns:x=");
      data = prefixed;
    }
  }
  Sink sink = ParseXlsx(WriteZip("date1904.xlsx", parts));
  EXPECT_EQ(sink.fatal, 0) << sink.Messages();
  const v1::Record rec = OnlyRecord(sink);
  const auto& f = rec.referral();
  EXPECT_EQ(Days(f.referral_date()), DayNumber(2020, 9, 16));  // 1904 system
  EXPECT_TRUE(f.nfa_known());
  EXPECT_TRUE(f.nfa());
  EXPECT_EQ(f.source(), "6");
}

TEST(AnnexAXlsxTest, UnknownSheetsAreQueriedEmptySheetsSkippedStrayCellsNoted) {
  std::string list1 = HeaderRow(kList1Header) + "<row r=\"2\">" + Is("A2", "C1") + Num("F2", "44090") +
                      Is("J2", "Dustin Hazlett") + "</row>";
  std::string notes = "<row r=\"1\">" + Is("A1", "Comments") + "</row><row r=\"2\">" + Is("A2", "Dustin") + "</row>";
  Sink sink = ParseXlsx(WriteZip("sheets.xlsx", WorkbookParts({{"Notes", notes}, {"Blank", ""}, {"List 1", list1}})));
  EXPECT_EQ(sink.fatal, 0) << sink.Messages();
  ASSERT_EQ(sink.records.size(), 1u);
  EXPECT_EQ(sink.AllRecordBytes().find("Dustin"), std::string::npos);
  ASSERT_EQ(sink.issues.size(), 2u) << sink.Messages();
  EXPECT_EQ(sink.issues[0].rule(), "sheet");
  EXPECT_EQ(sink.issues[0].severity(), v1::QUERY);
  EXPECT_EQ(sink.issues[0].path(), "Notes");
  EXPECT_NE(sink.issues[0].message().find("'Comments'"), std::string::npos) << sink.issues[0].message();
  EXPECT_EQ(sink.issues[0].line(), 1);
  EXPECT_EQ(sink.issues[1].severity(), v1::QUERY);  // J2 lies right of the last heading
  EXPECT_EQ(sink.issues[1].path(), "List 1");
  EXPECT_EQ(sink.issues[1].line(), 2);
}

TEST(AnnexAXlsxTest, ATitleAboveTheHeadingsIsPassedOver) {
  std::string rows = "<row r=\"1\">" + Is("A1", "Annex A List 1: Contacts") + "</row>" + "<row r=\"3\">" +
                     Is("A3", "Child Unique ID") + Is("B3", "Date of Contact") + "</row>" + "<row r=\"4\">" +
                     Is("A4", "C1") + Num("B4", "44090") + "</row>";
  Sink sink = ParseXlsx(WriteZip("title.xlsx", WorkbookParts({{"List 1", rows}})));
  EXPECT_EQ(sink.fatal, 0) << sink.Messages();
  EXPECT_TRUE(sink.issues.empty()) << sink.Messages();
  ASSERT_EQ(sink.records.size(), 1u);
  EXPECT_EQ(sink.records[0].first.line(), 4);
}

TEST(AnnexAXlsxTest, NoListInTheWorkbookIsFatal) {
  Sink sink = ParseXlsx(
      WriteZip("nolist.xlsx", WorkbookParts({{"Sheet1", "<row r=\"1\">" + Is("A1", "x") + "</row>"}, {"Sheet2", ""}})));
  EXPECT_EQ(sink.fatal, 1);
  EXPECT_NE(sink.Messages().find("no sheet of the workbook"), std::string::npos) << sink.Messages();
}

TEST(AnnexAXlsxTest, AnUnknownColumnInASheetIsFatalAndSaysWhere) {
  std::string rows = HeaderRow(std::string(kList1Header) + ",Worker Name") + "<row r=\"2\">" + Is("A2", "C1") +
                     Num("F2", "44090") + "</row>";
  Sink sink = ParseXlsx(WriteZip("unknown.xlsx", WorkbookParts({{"List 1", rows}})));
  EXPECT_EQ(sink.fatal, 1) << sink.Messages();
  ASSERT_FALSE(sink.issues.empty());
  EXPECT_NE(sink.issues[0].message().find("sheet List 1 row 1: unknown column 'Worker Name'"), std::string::npos)
      << sink.issues[0].message();
  EXPECT_EQ(sink.issues[0].path(), "List 1");
  EXPECT_TRUE(sink.records.empty());
}

TEST(AnnexAXlsxTest, AKeyDateThatIsNoDateIsFatal) {
  std::string rows = HeaderRow(kList1Header) + "<row r=\"2\">" + Is("A2", "C1") + Num("F2", "60") + "</row>";
  Sink sink = ParseXlsx(WriteZip("serial60.xlsx", WorkbookParts({{"List 1", rows}})));
  EXPECT_EQ(sink.fatal, 1);
  ASSERT_EQ(sink.issues.size(), 1u);
  EXPECT_EQ(sink.issues[0].field(), "Date of Contact");
  EXPECT_EQ(sink.issues[0].line(), 2);
  EXPECT_TRUE(sink.records.empty());
}

TEST(AnnexAXlsxTest, MalformedSheetXmlIsFatalAndNamesThePart) {
  auto parts = WorkbookParts({{"List 1", HeaderRow(kList1Header) + "<row r=\"2\"><c r=\"A2\"><v>1</c></row>"}});
  Sink sink = ParseXlsx(WriteZip("malformed.xlsx", parts));
  EXPECT_EQ(sink.fatal, 1);
  EXPECT_NE(sink.Messages().find("xl/worksheets/sheet1.xml"), std::string::npos) << sink.Messages();
  EXPECT_NE(sink.Messages().find("not well-formed"), std::string::npos) << sink.Messages();
  EXPECT_NE(sink.Messages().find("List 1"), std::string::npos) << sink.Messages();
}

TEST(AnnexAXlsxTest, AMissingSharedStringIsFatal) {
  auto parts = WorkbookParts({{"List 1", "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>7</v></c></row>"}}, {"<t>x</t>"});
  Sink sink = ParseXlsx(WriteZip("sst.xlsx", parts));
  EXPECT_EQ(sink.fatal, 1);
  EXPECT_NE(sink.Messages().find("shared string '7'"), std::string::npos) << sink.Messages();
}

TEST(AnnexAXlsxTest, ADtdIsRefused) {
  auto parts = WorkbookParts({{"List 1", HeaderRow(kList1Header)}});
  parts[1].second = "<?xml version=\"1.0\"?><!DOCTYPE workbook [<!ENTITY a \"aaaa\">]>" +
                    parts[1].second.substr(parts[1].second.find("<workbook"));
  ASSERT_EQ(parts[1].first, "xl/workbook.xml");
  Sink sink = ParseXlsx(WriteZip("dtd.xlsx", parts));
  EXPECT_EQ(sink.fatal, 1);
  EXPECT_NE(sink.Messages().find("DTD"), std::string::npos) << sink.Messages();
}

// ---------------------------------------------------------------------------------------
// Damaged input: never a crash, always one fatal issue, never a record.

void ExpectOneFatal(const std::string& path, const std::string& what) {
  Sink sink;
  ASSERT_TRUE(ParseAnnexAXlsx(path, "annex_a.xlsx", sink).ok()) << what;
  EXPECT_EQ(sink.fatal, 1) << what << "\n" << sink.Messages();
  EXPECT_TRUE(sink.records.empty()) << what;
}

std::string GoodWorkbookPath() {
  std::string rows = HeaderRow(kList1Header);
  std::mt19937 rng(7);
  for (int r = 2; r < 400; ++r) {
    rows += "<row r=\"" + std::to_string(r) + "\">" + Num("A" + std::to_string(r), std::to_string(rng())) +
            Num("F" + std::to_string(r), std::to_string(40000 + rng() % 5000)) + "</row>";
  }
  return WriteZip("good.xlsx", WorkbookParts({{"List 1", rows}}));
}

TEST(AnnexAXlsxRobustnessTest, TheIntactWorkbookReads) {
  Sink sink = ParseXlsx(GoodWorkbookPath());
  EXPECT_EQ(sink.fatal, 0) << sink.Messages();
  EXPECT_EQ(sink.records.size(), 398u);
}

TEST(AnnexAXlsxRobustnessTest, EmptyFile) { ExpectOneFatal(WriteFile("empty.xlsx", ""), "empty file"); }

TEST(AnnexAXlsxRobustnessTest, ZipCutShort) {
  const std::string bytes = ReadFile(GoodWorkbookPath());
  ASSERT_GT(bytes.size(), 1000u);
  for (size_t cut : {size_t{2}, size_t{4}, size_t{30}, size_t{100}, bytes.size() / 3, bytes.size() / 2,
                     bytes.size() - 100, bytes.size() - 22, bytes.size() - 1}) {
    ExpectOneFatal(WriteFile("cut.xlsx", bytes.substr(0, cut)), "cut at " + std::to_string(cut));
  }
}

TEST(AnnexAXlsxRobustnessTest, DamagedCompressedData) {
  std::string bytes = ReadFile(GoodWorkbookPath());
  // The sheet is nearly all of the archive: its compressed rows lie around the middle.
  for (size_t i = bytes.size() / 2; i < bytes.size() / 2 + 16; ++i) bytes[i] = static_cast<char>(bytes[i] ^ 0x5A);
  // Rows read before the damage may have reached the sink (it stores nothing of a file
  // with a fatal issue); the damage itself must be fatal.
  Sink sink;
  ASSERT_TRUE(ParseAnnexAXlsx(WriteFile("damaged.xlsx", bytes), "annex_a.xlsx", sink).ok());
  EXPECT_GE(sink.fatal, 1) << sink.Messages();
  EXPECT_LT(sink.records.size(), 398u);
  EXPECT_NE(sink.Messages().find("xl/worksheets/sheet1.xml"), std::string::npos) << sink.Messages();
}

TEST(AnnexAXlsxRobustnessTest, NoWorkbookPart) {
  auto parts = WorkbookParts({{"List 1", HeaderRow(kList1Header)}});
  std::vector<std::pair<std::string, std::string>> without;
  for (auto& p : parts) {
    if (p.first != "xl/workbook.xml") without.push_back(p);
  }
  std::string path = WriteZip("noworkbook.xlsx", without);
  ExpectOneFatal(path, "no workbook");
  Sink sink = ParseXlsx(path);
  EXPECT_NE(sink.Messages().find("xl/workbook.xml"), std::string::npos) << sink.Messages();
}

TEST(AnnexAXlsxRobustnessTest, RandomBytesStartingWithPk) {
  std::mt19937 rng(2016);
  for (size_t size : {size_t{4}, size_t{64}, size_t{1000}, size_t{70000}}) {
    std::string bytes("PK\x03\x04", 4);
    while (bytes.size() < size) bytes.push_back(static_cast<char>(rng()));
    ExpectOneFatal(WriteFile("random.xlsx", bytes), "random " + std::to_string(size));
  }
}

TEST(AnnexAXlsxRobustnessTest, AFileThatCannotBeOpenedIsAnIoError) {
  Sink sink;
  EXPECT_FALSE(ParseAnnexAXlsx(TempPath("does_not_exist.xlsx"), "x.xlsx", sink).ok());
}

}  // namespace
}  // namespace carestat
