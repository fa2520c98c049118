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

TEST(DetectTest, Utf16WithAByteOrderMarkIsReadAsUtf8) {
  auto utf16 = [](const std::string& ascii, bool be) {
    std::string out = be ? std::string("\xFE\xFF", 2) : std::string("\xFF\xFE", 2);
    for (char c : ascii) {
      out.push_back(be ? '\0' : c);
      out.push_back(be ? c : '\0');
    }
    return out;
  };
  const std::string csv = "indicator,la,period,value,source\r\nx,301,2015-16,1,y\r\n";
  for (bool be : {false, true}) {
    auto d = DetectFormat(utf16(csv, be));
    EXPECT_EQ(d.format, Format::kLocalMeasures) << d.problem;
    EXPECT_TRUE(d.utf16);
    EXPECT_EQ(d.utf16_big_endian, be);
    // A head cut in the middle of a character still detects.
    auto cut = DetectFormat(utf16(csv, be).substr(0, 75));
    EXPECT_EQ(cut.format, Format::kLocalMeasures) << cut.problem;
  }
  // Characters beyond ASCII, a surrogate pair among them.
  auto text = Utf16ToUtf8(std::string("\xA3\x00\x41\x00\x3D\xD8\x00\xDE", 8), false, false);
  ASSERT_TRUE(text.has_value());
  EXPECT_EQ(*text, "\xC2\xA3" "A" "\xF0\x9F\x98\x80");
  EXPECT_FALSE(Utf16ToUtf8(std::string("\x00\xDE", 2), false, false).has_value());  // a lone low surrogate
  EXPECT_FALSE(Utf16ToUtf8(std::string("\x41\x00\x42", 3), false, false).has_value());  // an odd byte
  EXPECT_TRUE(Utf16ToUtf8(std::string("\x41\x00\x42", 3), false, true).has_value());    // a cut head
  // Not text at all after the mark: said, with what to do.
  auto bad = DetectFormat(std::string("\xFF\xFE\x00\xDC\x41\x00", 6));
  EXPECT_EQ(bad.format, Format::kUnknown);
  EXPECT_NE(bad.problem.find("UTF-8"), std::string::npos) << bad.problem;
}

TEST(DetectTest, AnUnknownHeaderIsDescribedByWidthAndMissingColumnsNeverByValues) {
  // A header with some real column names: they are named, with what the nearest table lacks.
  auto partial = DetectFormat("CHILD,SEX,DOB,C0071234\n");
  EXPECT_EQ(partial.format, Format::kUnknown);
  EXPECT_NE(partial.problem.find("the first row has 4 columns"), std::string::npos) << partial.problem;
  EXPECT_NE(partial.problem.find("(CHILD, SEX, DOB)"), std::string::npos) << partial.problem;
  EXPECT_NE(partial.problem.find("lacks ETHNIC, UPN, MOTHER, MC_DOB"), std::string::npos) << partial.problem;
  EXPECT_EQ(partial.problem.find("C0071234"), std::string::npos) << partial.problem;
  // A data row where the header should be: nothing of it is repeated.
  auto data = DetectFormat("C0071234,1,17/06/2009,WBRI,,,\n");
  EXPECT_NE(data.problem.find("the first row has 7 columns and none of them is a column name"), std::string::npos)
      << data.problem;
  for (const char* v : {"C0071234", "17/06/2009", "WBRI"}) EXPECT_EQ(data.problem.find(v), std::string::npos) << v;
}

TEST(DetectTest, IdentifyingFieldsAreNeverQuoted) {
  for (const char* f : {"CHILD", "LAchildID", "Child Unique ID", "Adopter ID", "UPN", "FormerUPN", "DOB", "MC_DOB",
                        "PersonBirthDate", "Date of Birth", "birth_date", "HOME_POST", "PL_POST", "Postcode",
                        "Child's name"}) {
    EXPECT_TRUE(IsIdentifyingField(f)) << f;
    EXPECT_EQ(ShowValue(f, "X1"), "(value not shown)") << f;
  }
  for (const char* f : {"DECOM", "Date of Contact", "Contact Source", "Age", "value", "ReferralSource", "LS",
                        "Was the child assessed as requiring LA children's social care support?"}) {
    EXPECT_FALSE(IsIdentifyingField(f)) << f;
  }
  EXPECT_EQ(ShowValue("DECOM", "32/13/2015"), "'32/13/2015'");
  EXPECT_EQ(ShowHeading("Worker Name"), "'Worker Name'");
  EXPECT_EQ(ShowHeading("Date Stage 1 started"), "'Date Stage 1 started'");
  EXPECT_EQ(ShowHeading("C0071234"), "(not shown)");
  EXPECT_EQ(ShowHeading("17/06/2009"), "(not shown)");
  EXPECT_EQ(ShowHeading("RM10 7ZQ"), "(not shown)");
  EXPECT_EQ(UnknownColumn(7, "C0071234"), "unknown column number 8 (heading not shown: it may be data)");
  EXPECT_EQ(HeadingField(7, "C0071234"), "column 8");
  EXPECT_EQ(HeadingField(2, "Worker"), "Worker");
}
}  // namespace
}  // namespace carestat
