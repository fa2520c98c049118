// --log-format json (issue 19): one JSON object per line with time, level, component,
// message and fields, whatever the message holds; and the text format's fields.
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "services/common/log.h"

namespace carestat {
namespace {

// What the logger wrote to stderr while `fn` ran, line by line.
template <typename Fn>
std::vector<std::string> CaptureStderr(Fn fn) {
  std::fflush(stderr);
  char path[] = "/tmp/carestat_log_test_XXXXXX";
  const int fd = ::mkstemp(path);
  const int saved = ::dup(2);
  ::dup2(fd, 2);
  fn();
  std::fflush(stderr);
  ::dup2(saved, 2);
  ::close(saved);
  ::close(fd);
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  ::unlink(path);
  return lines;
}

class LogFormatTest : public ::testing::Test {
 protected:
  void SetUp() override { SetLogComponent("ingestion"); }
  void TearDown() override { SetLogFormat(LogFormat::kText); }
};

TEST_F(LogFormatTest, JsonIsOneObjectPerLineWithTimeLevelComponentMessageAndFields) {
  SetLogFormat(LogFormat::kJson);
  auto lines = CaptureStderr([] {
    CS_LOG(INFO).With("la", "301").With("records", 1200) << "recomputed LA 301";
    CS_LOG(WARNING) << "careful";
    CS_LOG(ERROR) << "broken";
  });
  ASSERT_EQ(lines.size(), 3u);
  const auto first = nlohmann::json::parse(lines[0]);
  EXPECT_EQ(first["level"], "info");
  EXPECT_EQ(first["component"], "ingestion");
  EXPECT_EQ(first["message"], "recomputed LA 301");
  EXPECT_EQ(first["fields"]["la"], "301");
  EXPECT_EQ(first["fields"]["records"], "1200");
  const std::string time = first["time"];
  EXPECT_EQ(time.size(), 24u) << time;   // 2026-12-05T06:53:18.123Z
  EXPECT_EQ(time.back(), 'Z');
  EXPECT_EQ(nlohmann::json::parse(lines[1])["level"], "warning");
  EXPECT_EQ(nlohmann::json::parse(lines[2])["level"], "error");
  EXPECT_TRUE(nlohmann::json::parse(lines[2])["fields"].is_object());
}

TEST_F(LogFormatTest, QuotesNewlinesControlCharactersAndBadUtf8StayOneParseableAsciiLine) {
  SetLogFormat(LogFormat::kJson);
  const std::string nasty = std::string("say \"hi\"\nforged line\r\n\x1b[2K\t\\ end ") + "\xe2\x80\xae" + "\xff\xfe" +
                            std::string(1, '\0') + " \xe2\x80\xa8 done";
  auto lines = CaptureStderr([&] { CS_LOG(ERROR).With("file\n", nasty) << nasty; });
  ASSERT_EQ(lines.size(), 1u) << "one event must be one line";
  for (char c : lines[0]) {
    EXPECT_TRUE(c >= 0x20 && c < 0x7f) << "not printable ASCII: " << static_cast<int>(static_cast<unsigned char>(c));
  }
  const auto j = nlohmann::json::parse(lines[0]);
  const std::string message = j["message"];
  EXPECT_EQ(message.rfind("say \"hi\"\nforged line\r\n\x1b[2K\t\\ end \xe2\x80\xae", 0), 0u) << message;
  EXPECT_NE(message.find("\xef\xbf\xbd"), std::string::npos) << "bad bytes become U+FFFD";
  EXPECT_NE(message.find(" done"), std::string::npos);
  EXPECT_TRUE(j["fields"].contains("file\n"));
}

TEST_F(LogFormatTest, ALongMessageIsCutAndSaysHowMuchWasLeftOut) {
  SetLogFormat(LogFormat::kJson);
  auto lines = CaptureStderr([] { CS_LOG(INFO) << std::string(kMaxLogLineBytes + 500, 'x'); });
  ASSERT_EQ(lines.size(), 1u);
  const std::string message = nlohmann::json::parse(lines[0])["message"];
  EXPECT_EQ(message, std::string(kMaxLogLineBytes, 'x') + "... (500 more bytes)");
}

TEST_F(LogFormatTest, TextKeepsItsFormatEscapedAndLeavesFieldsToJson) {
  auto lines = CaptureStderr([] { CS_LOG(INFO).With("la", "30\n1") << "hello\nworld"; });
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].substr(20), " I ingestion: hello\\nworld") << lines[0];
  EXPECT_TRUE(SetLogFormatByName("json"));
  EXPECT_TRUE(SetLogFormatByName("text"));
  EXPECT_FALSE(SetLogFormatByName("yaml"));
}

}  // namespace
}  // namespace carestat
