#include <gtest/gtest.h>

#include "services/ingestion/formats/format.h"

namespace carestat {
namespace {

TEST(DetectTest, ByContentNotName) {
  EXPECT_EQ(DetectFormat("<?xml version=\"1.0\"?><Message><Header><CollectionDetails><Collection>CIN")
                .format,
            Format::kCinCensusXml);
  auto list1 = DetectFormat("\xEF\xBB\xBF" "Child Unique ID,Gender,Ethnicity,Date of Birth,Age,Date of Contact,"
                            "Contact Source\r\n1,a) Male,a) WBRI,,,01/04/2015,q) 6: Police\r\n");
  EXPECT_EQ(list1.format, Format::kAnnexACsv);
  EXPECT_EQ(list1.dataset, "annex-a-list-1");
  EXPECT_EQ(DetectFormat("<?xml version='1.0'?><EXPSSDA903><CHILD>").format, Format::kSsda903Xml);
  EXPECT_EQ(DetectFormat(std::string("PK\x03\x04rest", 8)).format, Format::kAnnexAXlsx);
}

TEST(DetectTest, UnknownInputSaysWhatWasExpected) {
  auto empty = DetectFormat("  \n");
  EXPECT_EQ(empty.format, Format::kUnknown);
  EXPECT_NE(empty.problem.find("empty"), std::string::npos);
  auto binary = DetectFormat(std::string("\x01\x02\x00\x03", 4));
  EXPECT_EQ(binary.format, Format::kUnknown);
  EXPECT_NE(binary.problem.find("binary"), std::string::npos);
  auto csv = DetectFormat("Name,Shoe size\nx,9\n");
  EXPECT_EQ(csv.format, Format::kUnknown);
  // The row's values are never quoted (a file without its header row has a child's id
  // there): its width and what is missing are.
  EXPECT_EQ(csv.problem.find("Shoe size"), std::string::npos) << csv.problem;
  EXPECT_NE(csv.problem.find("the first row has 2 columns"), std::string::npos) << csv.problem;
  EXPECT_NE(csv.problem.find("Date of Contact"), std::string::npos) << csv.problem;
  auto xml = DetectFormat("<html><body>");
  EXPECT_EQ(xml.format, Format::kUnknown);
  EXPECT_NE(xml.problem.find("CIN census"), std::string::npos);
}

}  // namespace
}  // namespace carestat
