// The command-line reader of the servers and the carestat CLI (flags.h): Abseil flags
// under their dashed names, each command's own set of names, typed values checked by
// Abseil, positional arguments and -o FILE in the CLI's syntax, flagfiles with the file
// and line in every message. The servers' and CLI's binaries are tested on top of this
// (telemetry_test, cli_flags_test); here the rules themselves, on flags of this test.
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "absl/flags/flag.h"
#include "absl/flags/reflection.h"
#include "absl/strings/match.h"
#include "services/common/flags.h"

ABSL_FLAG(int32_t, test_count, 6, "a count with a default");
ABSL_FLAG(std::optional<std::string>, test_dir, std::nullopt, "a path whose default the command chooses");
ABSL_FLAG(bool, test_switch, false, "a switch");
ABSL_FLAG(std::optional<std::string>, o, std::nullopt, "-o FILE");
ABSL_FLAG(std::optional<uint64_t>, test_seed, std::nullopt, "a seed");
ABSL_FLAG(double, test_seconds, 5, "a number");

namespace carestat {
namespace {

class FlagsTest : public ::testing::Test {
 protected:
  // Each test parses its own line: the flags go back to their defaults after it.
  absl::FlagSaver saver_;

  CommandLine Parse(std::vector<std::string> words, const std::set<std::string>& known, const FlagSyntax& syntax) {
    words.insert(words.begin(), {"prog", "cmd"});
    std::vector<char*> argv;
    for (auto& w : words) argv.push_back(w.data());
    return ParseFlags(static_cast<int>(argv.size()), argv.data(), 2, known, syntax);
  }
  CommandLine Cli(std::vector<std::string> words) {
    return Parse(std::move(words), {"test-count", "test-dir", "test-switch", "o", "test-seed", "test-seconds"},
                 CliSyntax());
  }
  std::string TempFile(const std::string& text) {
    std::string dir = (std::filesystem::temp_directory_path() / "flags_test.XXXXXX").string();
    EXPECT_NE(::mkdtemp(dir.data()), nullptr);
    dirs_.push_back(dir);
    std::ofstream(dir + "/f.flags") << text;
    return dir + "/f.flags";
  }
  void TearDown() override {
    for (const auto& d : dirs_) std::filesystem::remove_all(d);
  }
  std::vector<std::string> dirs_;
};

TEST_F(FlagsTest, TypedValuesAreParsedByAbseilAndAnIllTypedOneIsRefusedNamingTheFlag) {
  CommandLine ok = Cli({"--test-count", "12", "--test-seconds=0.5", "--test-seed", "7"});
  ASSERT_TRUE(ok.problem.ok()) << ok.problem;
  EXPECT_EQ(absl::GetFlag(FLAGS_test_count), 12);
  EXPECT_DOUBLE_EQ(absl::GetFlag(FLAGS_test_seconds), 0.5);
  EXPECT_EQ(absl::GetFlag(FLAGS_test_seed), std::optional<uint64_t>(7));

  CommandLine bad = Cli({"--test-count", "abc"});
  EXPECT_EQ(bad.problem.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(bad.problem.message(), "--test-count: 'abc' is not a whole number");
  EXPECT_FALSE(bad.Has(FLAGS_test_count)) << "a value that did not parse sets nothing";
  EXPECT_EQ(Cli({"--test-seed=-1"}).problem.message(), "--test-seed: '-1' is not a whole number, 0 or more");
  EXPECT_EQ(Cli({"--test-seconds", "soon"}).problem.message(), "--test-seconds: 'soon' is not a number");
  EXPECT_EQ(Cli({"--test-switch=maybe"}).problem.message(), "--test-switch: 'maybe' is not true or false");
}

TEST_F(FlagsTest, AFlagOutsideTheCommandsSetIsUnknownThoughTheBinaryDefinesIt) {
  CommandLine line = Parse({"--test-count", "3"}, {"test-dir"}, CliSyntax());
  EXPECT_EQ(line.problem.message(), "unknown flag --test-count");
  EXPECT_EQ(absl::GetFlag(FLAGS_test_count), 6) << "an unknown flag is not set";
  // Abseil's identifier is not a name carestat documents.
  EXPECT_EQ(Cli({"--test_count=3"}).problem.message(), "unknown flag --test_count");
  // A name in the set without an ABSL_FLAG is carestat's bug, said as such.
  EXPECT_TRUE(absl::StartsWith(Parse({}, {"no-such-flag"}, CliSyntax()).problem.message(),
                               "carestat bug: --no-such-flag is known"));
}

TEST_F(FlagsTest, TheCliKeepsPositionalArgumentsInOrderAndReadsDashOAsAFlag) {
  CommandLine line = Cli({"a.csv", "--test-switch", "b.csv", "-o", "out.csv", "--", "-"});
  ASSERT_TRUE(line.problem.ok()) << line.problem;
  EXPECT_EQ(line.positional, (std::vector<std::string>{"a.csv", "b.csv", "--", "-"}));
  EXPECT_TRUE(absl::GetFlag(FLAGS_test_switch)) << "a switch takes no value: b.csv stays positional";
  EXPECT_EQ(line.Get(FLAGS_o), "out.csv");
  EXPECT_EQ(Cli({"a.csv", "-o"}).problem.message(), "-o needs a value");
  EXPECT_EQ(Parse({"-o", "x"}, {"test-dir"}, CliSyntax()).problem.message(), "unknown flag -o");
  // The servers' syntax: every word is a flag.
  CommandLine server = Parse({"--test-switch", "yes"}, {"test-switch"}, FlagSyntax());
  EXPECT_TRUE(absl::StartsWith(server.problem.message(), "unexpected argument 'yes'")) << server.problem;
  EXPECT_TRUE(server.positional.empty());
}

TEST_F(FlagsTest, HasAndGetTellAnEmptyValueFromNoneAndADefaultFromAGivenValue) {
  CommandLine none = Cli({});
  EXPECT_FALSE(none.Has(FLAGS_test_dir));
  EXPECT_EQ(none.Get(FLAGS_test_dir, "data"), "data");
  EXPECT_EQ(none.Value(FLAGS_test_dir), std::nullopt);
  // --test-dir= : Abseil's optional reads it as no value, the command line did give it.
  CommandLine empty = Cli({"--test-dir="});
  ASSERT_TRUE(empty.problem.ok()) << empty.problem;
  EXPECT_TRUE(empty.Has(FLAGS_test_dir));
  EXPECT_TRUE(empty.Has("test-dir"));
  EXPECT_EQ(empty.Get(FLAGS_test_dir, "data"), "");
  EXPECT_EQ(empty.Value(FLAGS_test_dir), std::optional<std::string>(""));
  CommandLine given = Cli({"--test-dir", "d", "--test-dir", "e"});
  EXPECT_EQ(given.Get(FLAGS_test_dir, "data"), "e") << "the later flag wins";
  // A missing value is refused; the next word is a value even when it looks like a flag.
  EXPECT_EQ(Cli({"x", "--test-dir"}).problem.message(), "--test-dir needs a value");
  EXPECT_EQ(Cli({"--test-dir", "--test-switch"}).Get(FLAGS_test_dir), "--test-switch");
  EXPECT_TRUE(Cli({"--test-switch=false"}).Has(FLAGS_test_switch));
  EXPECT_FALSE(absl::GetFlag(FLAGS_test_switch));
}

TEST_F(FlagsTest, FlagfilesAreReadWhereTheyStandAndTheirProblemsNameTheFileAndLine) {
  const std::string file = TempFile("# a command's flags\n--test-count=9\n\n--test-dir=from file\n--test-switch\n");
  CommandLine line = Cli({"--flagfile", file, "--test-count", "10", "p"});
  ASSERT_TRUE(line.problem.ok()) << line.problem;
  EXPECT_EQ(absl::GetFlag(FLAGS_test_count), 10) << "a flag after the file overrides it";
  EXPECT_EQ(line.Get(FLAGS_test_dir), "from file") << "the rest of the line, spaces and all";
  EXPECT_TRUE(absl::GetFlag(FLAGS_test_switch));
  EXPECT_EQ(line.positional, std::vector<std::string>{"p"});

  const std::string typed = TempFile("--test-dir=x\n--test-count=many\n");
  EXPECT_EQ(Cli({"--flagfile=" + typed}).problem.message(),
            "--test-count (" + typed + " line 2): 'many' is not a whole number");
  const std::string other = TempFile("--bogus=1\n");
  EXPECT_EQ(Cli({"--flagfile", other}).problem.message(), "unknown flag --bogus (" + other + " line 1)");
  const std::string spaced = TempFile("--test-dir somewhere\n");
  EXPECT_EQ(Cli({"--flagfile", spaced}).problem.message(),
            "--test-dir (" + spaced + " line 1: write --test-dir=somewhere) needs a value");
  const std::string word = TempFile("-o x\n");
  EXPECT_TRUE(absl::StrContains(Cli({"--flagfile", word}).problem.message(), word + " line 1: '-o x' is not a flag"));
}

TEST_F(FlagsTest, HelpWinsOverABadFlagAndVersionIsTheServersAlone) {
  CommandLine line = Cli({"--bogus", "-h"});
  EXPECT_TRUE(line.help);
  EXPECT_FALSE(line.problem.ok()) << "still reported, for a caller that wants it";
  EXPECT_TRUE(Cli({"--help"}).help);
  EXPECT_EQ(Cli({"--version"}).problem.message(), "unknown flag --version");
  CommandLine server = Parse({"--version"}, {}, FlagSyntax());
  EXPECT_TRUE(server.version);
  EXPECT_TRUE(server.problem.ok());
}

}  // namespace
}  // namespace carestat
