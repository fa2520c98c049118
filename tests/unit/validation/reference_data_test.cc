// Tests of the reference data loaders (reference_data.h): the ONS postcode lookup kept by
// sector, Ofsted's provider lists (CSV and XLSX, built here), and the shipped LA table.
// Every postcode, URN and coordinate here is made up.
#include "services/ingestion/validation/reference_data.h"

#include <gtest/gtest.h>
#include <unistd.h>
#include <zip.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "services/common/dates.h"

namespace carestat::validation {
namespace {

TEST(PostcodeSector, FullAndSectorPostcodesMeetAtTheSector) {
  EXPECT_EQ(PostcodeSector("AB1 2CD"), "AB1 2");
  EXPECT_EQ(PostcodeSector("ab12cd"), "AB1 2");
  EXPECT_EQ(PostcodeSector(" AB1 2 "), "AB1 2");
  EXPECT_EQ(PostcodeSector("AB12"), "AB1 2");  // a sector without its space
  EXPECT_EQ(PostcodeSector("SW1A 2AA"), "SW1A 2");
  EXPECT_EQ(PostcodeSector("SW1A 2"), "SW1A 2");
  EXPECT_EQ(PostcodeSector("EC1V9HQ"), "EC1V 9");
  EXPECT_EQ(PostcodeSector("AB1"), "");  // an outward code alone is no sector
  EXPECT_EQ(PostcodeSector("AB1 23"), "");
  EXPECT_EQ(PostcodeSector("12 3AB"), "");
  EXPECT_EQ(PostcodeSector(""), "");
  EXPECT_EQ(PostcodeSector("not a postcode"), "");
}

TEST(LaCodes, ShippedTableMapsOnsDistrictsToDfeCodes) {
  const LaCodes& la = LaCodes::Shipped();
  EXPECT_EQ(la.PlLaOfOns("E09000002"), "301");  // Barking and Dagenham
  EXPECT_EQ(la.PlLaOfOns("E06000023"), "801");  // Bristol
  EXPECT_EQ(la.PlLaOfOns("E07000008"), "873");  // Cambridge -> Cambridgeshire
  EXPECT_EQ(la.PlLaOfOns("E07000244"), "935");  // East Suffolk -> Suffolk
  EXPECT_EQ(la.PlLaOfOns("E07000026"), "942");  // Allerdale -> Cumberland (from 2023)
  EXPECT_EQ(la.PlLaOfOns("E07000031"), "943");  // South Lakeland -> Westmorland and Furness
  EXPECT_EQ(la.PlLaOfOns("E07000165"), "815");  // Harrogate -> North Yorkshire
  EXPECT_EQ(la.PlLaOfOns("E07000048"), "839");  // Christchurch -> BCP
  EXPECT_EQ(la.PlLaOfOns("E07000154"), "941");  // Northampton -> West Northamptonshire
  EXPECT_EQ(la.PlLaOfOns("E06000065"), "815");
  EXPECT_EQ(la.PlLaOfOns("E06000028"), "839");  // Bournemouth's old code
  EXPECT_EQ(la.PlLaOfOns("E10000006"), "");     // Cumbria: split, no one LA
  EXPECT_EQ(la.PlLaOfOns("W06000015"), "WAL");
  EXPECT_EQ(la.PlLaOfOns("S12000036"), "SCO");
  EXPECT_EQ(la.PlLaOfOns("N09000003"), "NIR");
  EXPECT_EQ(la.PlLaOfOns("L99999999"), "");  // Channel Islands: not known
  EXPECT_EQ(la.PlLaOfOns(""), "");
  EXPECT_EQ(la.OnsOfDfe("942"), "E06000063");
  EXPECT_EQ(la.DfeCodeOfName("Bristol, City of"), "801");
  EXPECT_EQ(la.DfeCodeOfName("Bristol"), "801");
  EXPECT_EQ(la.DfeCodeOfName("County Durham"), "840");
  EXPECT_EQ(la.DfeCodeOfName("Durham"), "840");
  EXPECT_EQ(la.DfeCodeOfName("Herefordshire"), "884");
  EXPECT_EQ(la.DfeCodeOfName("St Helens"), "342");
  EXPECT_EQ(la.DfeCodeOfName("hammersmith & fulham"), "205");
  EXPECT_EQ(la.DfeCodeOfName("Nowhere"), "");
}

TEST(LaCodes, EveryEnglishLaOfDfeIsThere) {
  // DfE's 153 LAs of 2024, each with its current ONS code, and every county district
  // (E07) of ONS's April 2021 lookup.
  const LaCodes& la = LaCodes::Shipped();
  int las = 0;
  for (int code = 200; code < 1000; ++code)
    if (!la.OnsOfDfe(std::to_string(code)).empty()) ++las;
  EXPECT_EQ(las, 153);
  EXPECT_GE(la.size(), 153u + 181u);
}

// A small NSPL extract: the columns ONS publishes, in its order, two sectors and a
// Welsh one; AB1 2 has a terminated postcode far off (left out of the mean while the
// sector has live ones) and one postcode in another district (the most are E09000002).
// Each postcode is kept too: a return's full postcode is looked up as itself.
constexpr char kNspl[] =
    "pcd,pcd2,pcds,dointr,doterm,usertype,oseast1m,osnrth1m,osgrdind,oa21,cty,ced,laua,ward\n"
    "AB1 2AA,AB1  2AA,AB1 2AA,198001,,0,500000,200000,1,E00000001,E99999999,,E09000002,E05000001\n"
    "AB1 2AB,AB1  2AB,AB1 2AB,198001,,0,500200,200400,1,E00000001,E99999999,,E09000002,E05000001\n"
    "AB1 2AD,AB1  2AD,AB1 2AD,198001,,0,500400,200200,1,E00000001,E99999999,,E09000003,E05000001\n"
    "AB1 2AE,AB1  2AE,AB1 2AE,198001,200001,0,900000,900000,1,E00000001,E99999999,,E09000003,E05000001\n"
    "CD3 4EF,CD3  4EF,CD3 4EF,198001,201001,0,510000,210000,1,E00000002,E10000003,,E07000008,E05000002\n"
    "CF1 1AA,CF1  1AA,CF1 1AA,198001,,0,318000,176000,1,W00000001,W99999999,,W06000015,W05000001\n"
    "GY1 1AA,GY1  1AA,GY1 1AA,198001,,0,,,9,,,,L99999999,\n";

TEST(ReferenceData, PostcodeLookupIsKeptBySector) {
  ReferenceData ref;
  std::istringstream in(kNspl);
  ASSERT_TRUE(ref.LoadPostcodesFrom(in, "nspl.csv").ok());
  EXPECT_TRUE(ref.has_postcodes());
  EXPECT_EQ(ref.sectors(), 4u);
  EXPECT_EQ(ref.postcodes(), 7u);
  const auto ab = ref.Locate("AB1 2");  // a sector
  ASSERT_TRUE(ab.has_value());
  EXPECT_DOUBLE_EQ(ab->east, 500200);  // the live ones' mean
  EXPECT_DOUBLE_EQ(ab->north, 200200);
  EXPECT_EQ(ab->ons_district, "E09000002");
  EXPECT_EQ(ab->pl_la, "301");
  const auto ad = ref.Locate("ab12ad");  // a full postcode: itself
  ASSERT_TRUE(ad.has_value());
  EXPECT_DOUBLE_EQ(ad->east, 500400);
  EXPECT_EQ(ad->ons_district, "E09000003");
  EXPECT_EQ(ad->pl_la, "302");
  EXPECT_TRUE(ref.Locate("AB1 2AE").has_value());   // terminated, still a postcode
  EXPECT_FALSE(ref.Locate("AB1 2ZZ").has_value());  // its sector is there, it is not
  const auto cd = ref.Locate("CD3 4");              // terminated only: still placed
  ASSERT_TRUE(cd.has_value());
  EXPECT_TRUE(cd->has_grid);
  EXPECT_EQ(cd->pl_la, "873");
  EXPECT_EQ(ref.Locate("CF1 1")->pl_la, "WAL");
  const auto gy = ref.Locate("GY1 1");  // in the lookup, no grid, no LA
  ASSERT_TRUE(gy.has_value());
  EXPECT_FALSE(gy->has_grid);
  EXPECT_EQ(gy->pl_la, "");
  EXPECT_FALSE(ref.Locate("GY1 1AA")->has_grid);
  EXPECT_FALSE(ref.Locate("ZZ9 9").has_value());
  // DfE's distance: straight line on the grid, km / 1.6093, one decimal.
  const double expect = std::round(std::sqrt(9800.0 * 9800 + 9800.0 * 9800) / 1000 / 1.6093 * 10) / 10;
  EXPECT_DOUBLE_EQ(*ReferenceData::Miles(*ab, *cd), expect);
  EXPECT_FALSE(ReferenceData::Miles(*ab, *gy).has_value());
}

TEST(ReferenceData, OnspdColumnNamesAndMissingColumns) {
  ReferenceData ref;
  std::istringstream onspd(
      "\"pcd\",\"oseast1m\",\"osnrth1m\",\"oslaua\"\n\"AB1 2AA\",\"500000\",\"200000\",\"E09000002\"\n");
  ASSERT_TRUE(ref.LoadPostcodesFrom(onspd, "onspd.csv").ok());
  EXPECT_EQ(ref.Locate("AB1 2")->pl_la, "301");
  ReferenceData bad;
  std::istringstream no_la("pcds,oseast1m,osnrth1m\nAB1 2AA,500000,200000\n");
  absl::Status s = bad.LoadPostcodesFrom(no_la, "x.csv");
  EXPECT_FALSE(s.ok());
  EXPECT_NE(std::string(s.message()).find("laua"), std::string::npos) << s.message();
  EXPECT_FALSE(bad.has_postcodes());
  std::istringstream empty("pcds,oseast1m,osnrth1m,laua\n");
  EXPECT_FALSE(bad.LoadPostcodesFrom(empty, "x.csv").ok());
}

// Ofsted's children's homes list as CSV with its headings, a title row above them.
constexpr char kHomesCsv[] =
    "Children's homes,,,,,,\n"
    "URN,Setting Name,Local Authority,Provider Code,Provider Placement Code,Closed Date,Setting Postcode\n"
    "SC000001,Home One,Barking and Dagenham,PR1/PR2,K2,,AB1 2AA\n"
    "SC000002,Home Two,\"Bristol, City of\",PR4,K2/K1,01/05/2024,cd3 4ef\n";

TEST(ReferenceData, ProviderListCsv) {
  ReferenceData ref;
  std::istringstream in(kHomesCsv);
  ASSERT_TRUE(ref.LoadProvidersCsv(in, "homes.csv").ok());
  EXPECT_TRUE(ref.has_providers());
  const Provider* one = ref.FindProvider("sc000001");
  ASSERT_NE(one, nullptr);
  EXPECT_EQ(one->provider_codes, (std::set<std::string>{"PR1", "PR2"}));
  EXPECT_EQ(one->place_codes, (std::set<std::string>{"K2"}));
  EXPECT_FALSE(one->reg_end.has_value());
  EXPECT_EQ(one->postcode, "AB12AA");
  EXPECT_EQ(one->la, "301");
  const Provider* two = ref.FindProvider("SC000002");
  ASSERT_NE(two, nullptr);
  EXPECT_EQ(two->place_codes, (std::set<std::string>{"K1", "K2"}));
  EXPECT_EQ(two->reg_end, DayNumber(2024, 5, 1));
  EXPECT_EQ(two->la, "801");
  EXPECT_EQ(ref.FindProvider("SC999999"), nullptr);

  ReferenceData not_a_list;
  std::istringstream other("a,b,c\n1,2,3\n");
  EXPECT_FALSE(not_a_list.LoadProvidersCsv(other, "other.csv").ok());
  EXPECT_FALSE(not_a_list.has_providers());
}

// ---- an XLSX provider list, built with minizip -----------------------------------------

std::string WriteZip(const std::vector<std::pair<std::string, std::string>>& parts) {
  static int n = 0;
  const std::string path =
      ::testing::TempDir() + "/refdata_" + std::to_string(::getpid()) + "_" + std::to_string(++n) + ".xlsx";
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

std::string Is(const std::string& ref, const std::string& text) {
  return "<c r=\"" + ref + "\" t=\"inlineStr\"><is><t>" + text + "</t></is></c>";
}
std::string Num(const std::string& ref, const std::string& v) { return "<c r=\"" + ref + "\"><v>" + v + "</v></c>"; }

// A workbook of the given sheets (name, the XML inside <sheetData>).
std::string Workbook(const std::vector<std::pair<std::string, std::string>>& sheets) {
  const std::string main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
  const std::string rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
  std::string wb = "<?xml version=\"1.0\"?><workbook xmlns=\"" + main + "\" xmlns:r=\"" + rel + "\"><sheets>";
  std::string rels =
      "<?xml version=\"1.0\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">";
  std::vector<std::pair<std::string, std::string>> parts;
  for (size_t i = 0; i < sheets.size(); ++i) {
    const std::string k = std::to_string(i + 1);
    wb += "<sheet name=\"" + sheets[i].first + "\" sheetId=\"" + k + "\" r:id=\"rId" + k + "\"/>";
    rels +=
        "<Relationship Id=\"rId" + k + "\" Type=\"" + rel + "/worksheet\" Target=\"worksheets/sheet" + k + ".xml\"/>";
    parts.push_back({"xl/worksheets/sheet" + k + ".xml", "<?xml version=\"1.0\"?><worksheet xmlns=\"" + main +
                                                             "\"><sheetData>" + sheets[i].second +
                                                             "</sheetData></worksheet>"});
  }
  parts.push_back({"xl/workbook.xml", wb + "</sheets></workbook>"});
  parts.push_back({"xl/_rels/workbook.xml.rels", rels + "</Relationships>"});
  parts.push_back({"_rels/.rels",
                   "<?xml version=\"1.0\"?><Relationships "
                   "xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship "
                   "Id=\"rId1\" Type=\"" +
                       rel + "/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>"});
  return WriteZip(parts);
}

TEST(ReferenceData, ProviderListXlsxSettingsAndAddressSheetsMakeOneProvider) {
  // The children's homes list of two sheets (settings; addresses) and the social care
  // providers list (current; closed, its date an Excel serial: 45413 is 1 May 2024).
  const std::string homes = Workbook(
      {{"Settings and Inspection Info",
        "<row r=\"1\">" + Is("A1", "URN") + Is("B1", "Local Authority") + Is("C1", "Provider Code") +
            Is("D1", "Provider Placement Code") + Is("E1", "Closed Date") + "</row>" + "<row r=\"2\">" +
            Is("A2", "SC000001") + Is("B2", "Barnet") + Is("C2", "PR1") + Is("D2", "K2") + "</row>"},
       {"Address Details", "<row r=\"1\">" + Is("A1", "URN") + Is("B1", "Setting Address Postcode") +
                               "</row><row r=\"2\">" + Is("A2", "SC000001") + Is("B2", "AB1 2AA") + "</row>"}});
  const std::string scp =
      Workbook({{"Current providers", "<row r=\"1\">" + Is("A1", "Provider list") + "</row><row r=\"3\">" +
                                          Is("A3", "URN") + Is("B3", "Local authority") + Is("C3", "Placement code") +
                                          Is("D3", "Placement provider code") + Is("E3", "Setting postcode") +
                                          "</row><row r=\"4\">" + Num("A4", "2000001") + Is("B4", "Leeds") +
                                          Is("C4", "K3") + Is("D4", "PR4") + Is("E4", "LS1 1AA") + "</row>"},
                {"Providers closed",
                 "<row r=\"1\">" + Is("A1", "URN") + Is("B1", "Local authority") + Is("C1", "Placement code") +
                     Is("D1", "Placement provider code") + Is("E1", "Deregistration date") +
                     Is("F1", "Setting postcode") + "</row><row r=\"2\">" + Num("A2", "2000002") + Is("B2", "Leeds") +
                     Is("C2", "K3") + Is("D2", "PR4") + Num("E2", "45413") + Is("F2", "LS1 1AB") + "</row>"}});
  ReferenceData ref;
  ASSERT_TRUE(ref.LoadProviders(homes).ok());
  ASSERT_TRUE(ref.LoadProviders(scp).ok());
  EXPECT_EQ(ref.providers(), 3u);
  const Provider* home = ref.FindProvider("SC000001");
  ASSERT_NE(home, nullptr);
  EXPECT_EQ(home->postcode, "AB12AA");  // from the address sheet
  EXPECT_EQ(home->la, "302");
  EXPECT_EQ(home->provider_codes, (std::set<std::string>{"PR1"}));
  const Provider* open = ref.FindProvider("2000001");
  ASSERT_NE(open, nullptr);
  EXPECT_EQ(open->place_codes, (std::set<std::string>{"K3"}));
  EXPECT_EQ(open->la, "383");
  EXPECT_FALSE(open->reg_end.has_value());
  EXPECT_EQ(ref.FindProvider("2000002")->reg_end, DayNumber(2024, 5, 1));

  ReferenceData none;
  const std::string other = Workbook({{"Sheet1", "<row r=\"1\">" + Is("A1", "Name") + "</row>"}});
  EXPECT_FALSE(none.LoadProviders(other).ok());
  for (const std::string& f : {homes, scp, other}) std::remove(f.c_str());
  EXPECT_FALSE(none.LoadProviders(::testing::TempDir() + "/no_such_file.xlsx").ok());
}

}  // namespace
}  // namespace carestat::validation
