#include "services/common/csv.h"

#include <gtest/gtest.h>

#include <sstream>

namespace carestat {
namespace {

std::vector<std::vector<std::string>> ReadAll(const std::string& text, std::string* error = nullptr,
                                              std::vector<int64_t>* lines = nullptr) {
  std::istringstream in(text);
  CsvReader r(in);
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  while (r.Next(&row)) {
    rows.push_back(row);
    if (lines) lines->push_back(r.line());
  }
  if (error) *error = r.error();
  return rows;
}

TEST(CsvTest, BomCrlfAndMissingFinalNewline) {
  std::string err;
  auto rows = ReadAll("\xEF\xBB\xBF" "CHILD,DOB\r\n1,01/01/2010\r\n2,02/02/2011", &err);
  EXPECT_EQ(err, "");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0], (std::vector<std::string>{"CHILD", "DOB"}));
  EXPECT_EQ(rows[2], (std::vector<std::string>{"2", "02/02/2011"}));
}

TEST(CsvTest, QuotesCommasAndNewlinesInFields) {
  std::vector<int64_t> lines;
  auto rows = ReadAll("a,b\n\"x, y\",\"say \"\"hi\"\"\"\n\"two\nlines\",z\nlast,row\n", nullptr, &lines);
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[1][0], "x, y");
  EXPECT_EQ(rows[1][1], "say \"hi\"");
  EXPECT_EQ(rows[2][0], "two\nlines");
  // The row after a quoted newline starts on line 5, not 4.
  EXPECT_EQ(lines[3], 5);
}

TEST(CsvTest, BlankLinesAndEmptyFields) {
  auto rows = ReadAll("a,b,c\n\n1,,3\n,,\n");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1], (std::vector<std::string>{"1", "", "3"}));
}

TEST(CsvTest, UnclosedQuoteIsAnErrorNamingTheLine) {
  std::string err;
  auto rows = ReadAll("a,b\n1,2\n3,\"cut", &err);
  EXPECT_EQ(rows.size(), 2u);
  EXPECT_NE(err.find("line 3"), std::string::npos) << err;
  EXPECT_NE(err.find("not closed"), std::string::npos) << err;
}

TEST(CsvTest, BinaryAndOverlongRecordsAreErrors) {
  std::string err;
  ReadAll(std::string("a,b\n1,\0\n", 8), &err);
  EXPECT_NE(err.find("NUL"), std::string::npos) << err;
  std::istringstream in("a,b\n" + std::string(5000, 'x') + "\n");
  CsvReader r(in, 1000);
  std::vector<std::string> row;
  EXPECT_TRUE(r.Next(&row));
  EXPECT_FALSE(r.Next(&row));
  EXPECT_NE(r.error().find("longer than 1000"), std::string::npos) << r.error();
}

TEST(CsvTest, HeadingsNormalise) {
  EXPECT_EQ(NormaliseHeading("  Child  Unique\tID "), "child unique id");
  EXPECT_EQ(NormaliseHeading("Date\xC2\xA0of Contact"), "date of contact");
}

}  // namespace
}  // namespace carestat

namespace carestat {
namespace {

TEST(CsvWriterTest, EveryRecordReadsBackAsWritten) {
  const std::vector<std::vector<std::string>> rows = {
      {"child", "rule", "message"},
      {"C,1", "he said \"no\"", "two\nlines"},
      {"", "crlf\r\nin it", " spaces kept "},
      {"plain"},
  };
  std::stringstream ss;
  CsvWriter w(ss);
  for (const auto& r : rows) w.Row(r);
  EXPECT_EQ(CsvField("plain"), "plain");
  EXPECT_EQ(CsvField("a,b"), "\"a,b\"");
  EXPECT_EQ(CsvField("say \"x\""), "\"say \"\"x\"\"\"");
  CsvReader reader(ss);
  std::vector<std::vector<std::string>> back;
  for (std::vector<std::string> r; reader.Next(&r);) back.push_back(r);
  EXPECT_EQ(reader.error(), "");
  EXPECT_EQ(back, rows);
}

}  // namespace
}  // namespace carestat
