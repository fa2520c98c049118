// RowCollector spilling an SSDA903 CSV return's rows to temporary files (so that a national
// return is checked in bounded memory) finds exactly what holding every row finds: the
// same rules on the same children, lines, fields and files, and the same child count.
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "gtest/gtest.h"
#include "services/common/csv.h"
#include "services/ingestion/formats/ssda903.h"
#include "services/ingestion/validation/engine.h"
#include "tests/unit/ingestion/test_sink.h"

namespace carestat::validation {
namespace {

struct RowsSink : CollectingSink {
  RowCollector* rows = nullptr;
  RowCollector* Ssda903Rows() override { return rows; }
};

using Found = std::set<std::tuple<std::string, std::string, int64_t, std::string, std::string>>;

// The sample tables in ../shared/external/ssda903 (other projects' synthetic files, with
// many breaks), read into one collector with the given spill threshold, then checked.
Found Check(size_t threshold, size_t* children, bool* spilled) {
  RowCollector rows;
  rows.SetSpillThreshold(threshold);
  RowsSink parse;
  parse.rows = &rows;
  std::vector<std::filesystem::path> tables;
  for (const auto& e : std::filesystem::directory_iterator(std::string(CARESTAT_SHARED_DIR) + "/external/ssda903"))
    if (e.path().extension() == ".csv" && e.path().stem() != "placed_for_adoption_errors") tables.push_back(e.path());
  std::sort(tables.begin(), tables.end());
  EXPECT_EQ(tables.size(), 12u);
  for (const auto& t : tables) {
    std::ifstream head(t, std::ios::binary);
    CsvReader header(head);  // the project's reader: a byte order mark and CRLF are its to handle
    std::vector<std::string> cols;
    EXPECT_TRUE(header.Next(&cols)) << t << ": " << header.error();
    const std::string table = Ssda903TableOf(cols);
    EXPECT_FALSE(table.empty()) << t;
    std::ifstream in(t, std::ios::binary);
    Ssda903Options o;
    o.collection_year = 2018;
    EXPECT_TRUE(ParseSsda903Csv(in, table, t.filename().string(), parse, o).ok()) << t;
  }
  *spilled = rows.spilled();
  CollectingSink out;
  rows.Run(out, 2018, "301");
  *children = rows.children();
  Found found;
  for (const auto& i : out.issues) found.insert({i.rule(), i.child(), i.line(), i.field(), i.message()});
  return found;
}

TEST(RowCollectorSpill, SpillingFindsExactlyWhatHoldingFinds) {
  size_t held_children = 0, spilled_children = 0;
  bool held_spilled = true, spilled = false;
  const Found held = Check(size_t{1} << 30, &held_children, &held_spilled);
  // A threshold of one byte spills after every row: the hardest case (each child's rows
  // written in many pieces, across files).
  const Found tiny = Check(1, &spilled_children, &spilled);
  EXPECT_FALSE(held_spilled);
  EXPECT_TRUE(spilled);
  EXPECT_GT(held.size(), 100u);  // the samples break many rules
  EXPECT_EQ(held, tiny);
  EXPECT_EQ(held_children, spilled_children);
  EXPECT_GT(held_children, 10u);
}

}  // namespace
}  // namespace carestat::validation
