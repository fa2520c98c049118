// Conformance: every sample return in ../shared/external (written by other projects, not
// by this team) through `carestat validate`, and the exact set of (rule, child) pairs it
// finds held to the reviewed list in tests/unit/pipeline/conformance/<sample>.pairs. A
// change to any rule that changes what is found on these files fails here until the
// list is looked at again: CARESTAT_UPDATE_CONFORMANCE=1 rewrites the lists, and the
// diff is what a reviewer reads.
#include <gtest/gtest.h>
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "pipeline/validate.h"

namespace carestat {
namespace {

namespace fs = std::filesystem;
using google::protobuf::Struct;

std::string External() { return std::string(CARESTAT_SHARED_DIR) + "/external"; }
std::string ListPath(const std::string& name) {
  return std::string(CARESTAT_SOURCE_DIR) + "/tests/unit/pipeline/conformance/" + name + ".pairs";
}

// "rule child" lines, sorted, from a JSON run of validate over `files`.
std::set<std::string> Pairs(const std::vector<std::string>& files) {
  ValidateOptions o;
  o.files = files;
  o.output = ValidateOutput::kJson;
  FILE* out = std::tmpfile();
  FILE* err = std::tmpfile();
  RunValidate(o, out, err);
  std::string json;
  std::fflush(out);
  std::rewind(out);
  char buf[1 << 16];
  for (size_t n; (n = std::fread(buf, 1, sizeof buf, out)) > 0;) json.append(buf, n);
  std::fclose(out);
  std::fclose(err);
  Struct s;
  EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(json, &s).ok()) << json.substr(0, 1000);
  std::set<std::string> pairs;
  if (!s.fields().count("files")) return pairs;
  for (const auto& f : s.fields().at("files").list_value().values()) {
    for (const auto& i : f.struct_value().fields().at("issues").list_value().values()) {
      const auto& x = i.struct_value().fields();
      pairs.insert(x.at("rule").string_value() + " " + x.at("child").string_value());
    }
  }
  return pairs;
}

std::set<std::string> ReadList(const std::string& path) {
  std::set<std::string> out;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line[0] != '#') out.insert(line);
  }
  return out;
}

void Check(const std::string& name, const std::vector<std::string>& files) {
  for (const auto& f : files) ASSERT_TRUE(fs::exists(f)) << f << " (../shared/external is missing)";
  const std::set<std::string> found = Pairs(files);
  const std::string list = ListPath(name);
  if (std::getenv("CARESTAT_UPDATE_CONFORMANCE")) {
    std::ofstream out(list);
    out << "# rule child: what carestat validate finds in ../shared/external's " << name
        << " (see conformance_test.cc)\n";
    for (const auto& p : found) out << p << "\n";
    return;
  }
  const std::set<std::string> want = ReadList(list);
  ASSERT_FALSE(want.empty()) << list << " is missing";
  std::vector<std::string> missing, extra;
  for (const auto& p : want)
    if (!found.count(p)) missing.push_back(p);
  for (const auto& p : found)
    if (!want.count(p)) extra.push_back(p);
  std::string says;
  for (const auto& p : missing) says += "  no longer found: " + p + "\n";
  for (const auto& p : extra) says += "  newly found: " + p + "\n";
  EXPECT_TRUE(missing.empty() && extra.empty()) << name << ":\n" << says;
}

TEST(Conformance, EveryCinCensusSample) {
  for (const auto& e : fs::directory_iterator(External() + "/cin-census")) {
    SCOPED_TRACE(e.path().filename().string());
    Check("cin-census__" + e.path().stem().string(), {e.path().string()});
  }
}

TEST(Conformance, TheSsda903SampleTablesAsOneReturn) {
  std::vector<std::string> tables;
  for (const auto& e : fs::directory_iterator(External() + "/ssda903")) {
    if (e.path().extension() == ".csv") tables.push_back(e.path().string());
  }
  std::sort(tables.begin(), tables.end());
  EXPECT_EQ(tables.size(), 13u);  // 12 tables, PlacedAdoption twice (one built to fail)
  Check("ssda903__csv-tables", tables);
}

TEST(Conformance, TheSsda903SampleXml) { Check("ssda903__fake_903", {External() + "/ssda903/fake_903.xml"}); }

}  // namespace
}  // namespace carestat
