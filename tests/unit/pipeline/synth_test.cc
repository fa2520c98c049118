#include "pipeline/synth.h"

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"

// The files are re-read here with string scanning and std::chrono dates, not with the
// project's parsers or date helpers, so a shared bug cannot make both sides agree.

namespace carestat {
namespace {

constexpr int kYears[] = {2011, 2012, 2013, 2014, 2015, 2016};
constexpr int kContacts[] = {9765, 8683, 8363, 8856, 8515, 11393};
constexpr int kReferrals[] = {2704, 1812, 2586, 3126, 4084, 3255};
constexpr char kHeader[] =
    "Child Unique ID,Gender,Ethnicity,Date of Birth,Age,Date of Contact,Contact Source";

namespace fs = std::filesystem;

std::string ReadAll(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

int Days(int y, int m, int d) {
  return static_cast<int>(std::chrono::sys_days(std::chrono::year(y) / std::chrono::month(m) /
                                                std::chrono::day(d))
                              .time_since_epoch()
                              .count());
}

// "2015-06-02" -> day number; -1 when malformed.
int IsoDays(const std::string& s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return -1;
  return Days(std::stoi(s.substr(0, 4)), std::stoi(s.substr(5, 2)), std::stoi(s.substr(8, 2)));
}

// "02/06/2015" -> day number; -1 when malformed.
int UkDays(const std::string& s) {
  if (s.size() != 10 || s[2] != '/' || s[5] != '/') return -1;
  return Days(std::stoi(s.substr(6, 4)), std::stoi(s.substr(3, 2)), std::stoi(s.substr(0, 2)));
}

// Collection year (the year the financial year ends in) of a day number.
int CollectionYearOf(int days) {
  std::chrono::year_month_day ymd{std::chrono::sys_days(std::chrono::days(days))};
  const int y = static_cast<int>(ymd.year());
  return static_cast<unsigned>(ymd.month()) >= 4 ? y + 1 : y;
}

std::vector<std::string> Split(const std::string& line) {
  std::vector<std::string> out(1);
  for (char c : line) {
    if (c == ',') {
      out.emplace_back();
    } else {
      out.back() += c;
    }
  }
  return out;
}

// Text between <tag> and </tag> starting the search at `from`; "" and npos when absent.
std::string Element(const std::string& xml, const std::string& tag, size_t from, size_t to,
                    size_t* at = nullptr) {
  const std::string open = "<" + tag + ">", close = "</" + tag + ">";
  size_t b = xml.find(open, from);
  if (b == std::string::npos || b >= to) {
    if (at) *at = std::string::npos;
    return "";
  }
  b += open.size();
  const size_t e = xml.find(close, b);
  if (at) *at = b;
  return xml.substr(b, e - b);
}

struct CinEpisode {
  std::string child;
  std::string referral;
  std::string closure;  // "" when open
  std::string reason;
};

std::vector<CinEpisode> ScanCensus(const std::string& xml) {
  std::vector<CinEpisode> out;
  size_t child = xml.find("<Child>");
  while (child != std::string::npos) {
    const size_t child_end = xml.find("</Child>", child);
    const std::string id = Element(xml, "LAchildID", child, child_end);
    size_t cin = xml.find("<CINdetails>", child);
    while (cin != std::string::npos && cin < child_end) {
      const size_t cin_end = xml.find("</CINdetails>", cin);
      out.push_back({id, Element(xml, "CINreferralDate", cin, cin_end),
                     Element(xml, "CINclosureDate", cin, cin_end),
                     Element(xml, "ReasonForClosure", cin, cin_end)});
      cin = xml.find("<CINdetails>", cin_end);
    }
    child = xml.find("<Child>", child_end);
  }
  return out;
}

struct ContactRow {
  std::string child;
  int dob;
  int age;
  int day;
};

class SynthTest : public testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::path(testing::TempDir()) / "synth_test.XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    root_ = pattern;
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(root_, ec);
  }

  // Writes a borough under a fresh subdirectory and returns that inbox.
  fs::path Write(uint64_t seed, const std::string& name) {
    SynthOptions options;
    options.out_dir = (root_ / name).string();
    options.seed = seed;
    absl::StatusOr<SynthSummary> s = WriteSynthBorough(options);
    EXPECT_TRUE(s.ok()) << s.status();
    if (s.ok()) summary_ = *s;
    return root_ / name;
  }

  static fs::path Csv(const fs::path& inbox, int cy) {
    return inbox / "301" / std::to_string(cy) / "annex-a-list1-contacts.csv";
  }
  static fs::path Xml(const fs::path& inbox, int cy) {
    return inbox / "301" / std::to_string(cy) / "cin-census.xml";
  }

  static std::vector<ContactRow> ReadContacts(const fs::path& inbox, int cy) {
    std::vector<ContactRow> rows;
    std::istringstream in(ReadAll(Csv(inbox, cy)));
    std::string line;
    std::getline(in, line);
    while (std::getline(in, line)) {
      std::vector<std::string> f = Split(line);
      EXPECT_EQ(f.size(), 7u) << line;
      if (f.size() != 7) continue;
      rows.push_back({f[0], UkDays(f[3]), std::stoi(f[4]), UkDays(f[5])});
    }
    return rows;
  }

  fs::path root_;
  SynthSummary summary_;
};

TEST_F(SynthTest, CountsMatchTheProfileExactly) {
  const fs::path inbox = Write(1, "inbox");
  std::set<std::pair<std::string, std::string>> referrals;
  for (int i = 0; i < 6; ++i) {
    const std::string csv = ReadAll(Csv(inbox, kYears[i]));
    ASSERT_EQ(csv.substr(0, csv.find('\n')), kHeader);
    EXPECT_EQ(csv.find('\r'), std::string::npos);
    ASSERT_FALSE(csv.empty());
    EXPECT_EQ(csv.back(), '\n');
    int rows = 0;
    for (char c : csv) rows += c == '\n';
    EXPECT_EQ(rows - 1, kContacts[i]) << "contacts in collection year " << kYears[i];

    for (const CinEpisode& e : ScanCensus(ReadAll(Xml(inbox, kYears[i])))) {
      referrals.insert({e.child, e.referral});
    }
  }
  std::map<int, int> per_year;
  for (const auto& [child, date] : referrals) ++per_year[CollectionYearOf(IsoDays(date))];
  for (int i = 0; i < 6; ++i) {
    EXPECT_EQ(per_year[kYears[i]], kReferrals[i]) << "referrals in collection year " << kYears[i];
  }
  EXPECT_EQ(per_year.size(), 6u) << "referrals dated outside 2010-11..2015-16";

  EXPECT_EQ(summary_.files, 12);
  EXPECT_EQ(summary_.contacts, 9765 + 8683 + 8363 + 8856 + 8515 + 11393);
  EXPECT_EQ(summary_.referrals, 2704 + 1812 + 2586 + 3126 + 4084 + 3255);
  EXPECT_GT(summary_.children, 0);
  EXPECT_LT(summary_.children, summary_.contacts);
}

TEST_F(SynthTest, SameSeedSameBytesOtherSeedOtherBytes) {
  const fs::path a = Write(42, "a"), b = Write(42, "b"), c = Write(43, "c");
  for (int cy : kYears) {
    EXPECT_EQ(ReadAll(Csv(a, cy)), ReadAll(Csv(b, cy))) << cy;
    EXPECT_EQ(ReadAll(Xml(a, cy)), ReadAll(Xml(b, cy))) << cy;
    EXPECT_NE(ReadAll(Csv(a, cy)), ReadAll(Csv(c, cy))) << cy;
    EXPECT_NE(ReadAll(Xml(a, cy)), ReadAll(Xml(c, cy))) << cy;
  }
}

TEST_F(SynthTest, EpisodesAreWellFormedAndDoNotOverlap) {
  const fs::path inbox = Write(1, "inbox");
  // The latest view of each episode: a later return may add its closure.
  std::map<std::pair<std::string, int>, CinEpisode> latest;
  for (int cy : kYears) {
    const int fy_start = Days(cy - 1, 4, 1), fy_end = Days(cy, 3, 31);
    std::set<std::pair<std::string, int>> in_file;
    for (const CinEpisode& e : ScanCensus(ReadAll(Xml(inbox, cy)))) {
      const int referral = IsoDays(e.referral);
      ASSERT_GE(referral, 0) << e.child;
      EXPECT_TRUE(in_file.insert({e.child, referral}).second)
          << e.child << " has two referrals on " << e.referral << " in " << cy;
      EXPECT_LE(referral, fy_end) << e.child;
      EXPECT_EQ(e.closure.empty(), e.reason.empty()) << e.child << " " << e.referral;
      if (!e.closure.empty()) {
        const int closure = IsoDays(e.closure);
        EXPECT_GT(closure, referral) << e.child << " " << e.referral;
        EXPECT_LE(closure, fy_end) << e.child << " " << e.referral;
        EXPECT_GE(closure, fy_start) << "closed before the year, yet in " << cy;
      }
      latest[{e.child, referral}] = e;
    }
  }
  // Sorted by child then referral date: each referral comes after the child's
  // previous closure, and only the child's last episode may be open.
  const std::pair<std::string, int>* previous_key = nullptr;
  const CinEpisode* previous = nullptr;
  for (const auto& [key, e] : latest) {
    if (previous != nullptr && previous_key->first == key.first) {
      ASSERT_FALSE(previous->closure.empty()) << key.first << " has two open episodes";
      EXPECT_GT(key.second, IsoDays(previous->closure)) << key.first << " " << e.referral;
    }
    previous_key = &key;
    previous = &e;
  }
}

TEST_F(SynthTest, ReferralsFollowContactsAndChildrenAreUnder18) {
  const fs::path inbox = Write(1, "inbox");
  std::map<std::string, std::set<int>> contact_days;
  std::map<std::string, int> dob;
  for (int cy : kYears) {
    for (const ContactRow& r : ReadContacts(inbox, cy)) {
      ASSERT_GE(r.day, 0) << r.child;
      EXPECT_EQ(CollectionYearOf(r.day), cy) << r.child;
      EXPECT_LT(r.dob, r.day) << r.child << " contacted before birth";
      EXPECT_GE(r.age, 0) << r.child;
      EXPECT_LE(r.age, 17) << r.child;
      // Completed years, checked against the calendar: born on or before the date
      // `age` years ago, and after the date `age + 1` years ago.
      std::chrono::year_month_day c{std::chrono::sys_days(std::chrono::days(r.day))};
      auto back = [&](int years) {
        std::chrono::year_month_day ymd = c - std::chrono::years(years);
        if (!ymd.ok()) ymd = ymd.year() / ymd.month() / std::chrono::last;  // 29 Feb
        return static_cast<int>(std::chrono::sys_days(ymd).time_since_epoch().count());
      };
      EXPECT_LE(r.dob, back(r.age)) << r.child;
      EXPECT_GT(r.dob, back(r.age + 1)) << r.child;
      auto [it, fresh] = dob.insert({r.child, r.dob});
      EXPECT_EQ(it->second, r.dob) << r.child << " changes date of birth";
      contact_days[r.child].insert(r.day);
    }
  }
  int referrals = 0;
  std::set<std::pair<std::string, int>> seen;
  for (int cy : kYears) {
    for (const CinEpisode& e : ScanCensus(ReadAll(Xml(inbox, cy)))) {
      const int referral = IsoDays(e.referral);
      if (!seen.insert({e.child, referral}).second) continue;
      ++referrals;
      ASSERT_TRUE(dob.count(e.child)) << e.child << " has no contact at all";
      const std::set<int>& days = contact_days[e.child];
      auto it = days.lower_bound(referral - 3);
      const bool linked = it != days.end() && *it <= referral &&
                          CollectionYearOf(*it) == CollectionYearOf(referral);
      EXPECT_TRUE(linked) << e.child << " referred on " << e.referral
                          << " without a contact in the 3 days before";
    }
  }
  EXPECT_EQ(referrals, 17567);
}

TEST_F(SynthTest, UnknownProfileIsInvalidArgument) {
  SynthOptions options;
  options.profile = "camden";
  options.out_dir = (root_ / "inbox").string();
  absl::StatusOr<SynthSummary> s = WriteSynthBorough(options);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(s.status().message().find("camden"), absl::string_view::npos) << s.status();
  EXPECT_NE(s.status().message().find("barking-and-dagenham"), absl::string_view::npos)
      << s.status();
  EXPECT_FALSE(fs::exists(root_ / "inbox"));
}

TEST_F(SynthTest, UnwritableInboxNamesThePath) {
  // A regular file where the inbox should be: directories cannot be made under it.
  const fs::path blocker = root_ / "not-a-directory";
  std::ofstream(blocker) << "x";
  SynthOptions options;
  options.out_dir = blocker.string();
  absl::StatusOr<SynthSummary> s = WriteSynthBorough(options);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find(blocker.string()), absl::string_view::npos) << s.status();
}

}  // namespace
}  // namespace carestat
