#include "pipeline/synth.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/common/dates.h"

namespace carestat {
namespace {

constexpr char kProfile[] = "barking-and-dagenham";
constexpr char kLaCode[] = "301";
constexpr char kContactsFile[] = "annex-a-list1-contacts.csv";
constexpr char kCensusFile[] = "cin-census.xml";

// The counts the profile is calibrated to, by collection year: list 1 rows and
// referrals dated in the financial year that ends in that year.
struct YearTarget {
  int collection_year;
  int contacts;
  int referrals;
};
constexpr YearTarget kTargets[] = {
    {2011, 9765, 2704}, {2012, 8683, 1812}, {2013, 8363, 2586},
    {2014, 8856, 3126}, {2015, 8515, 4084}, {2016, 11393, 3255},
};

// xoshiro256** seeded through splitmix64. Written out here, with integer-only
// sampling on top, because std:: distributions may change between library versions
// and the files must not.
class Rng {
 public:
  explicit Rng(uint64_t seed) {
    uint64_t x = seed;
    for (uint64_t& word : s_) {
      x += 0x9e3779b97f4a7c15ULL;
      uint64_t z = x;
      z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
      z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
      word = z ^ (z >> 31);
    }
  }

  uint64_t Next() {
    const uint64_t result = Rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = Rotl(s_[3], 45);
    return result;
  }

  // Uniform in [0, n). REQUIRES: n > 0. Rejection keeps it unbiased for any n.
  uint64_t Below(uint64_t n) {
    const uint64_t threshold = (0 - n) % n;
    for (;;) {
      const uint64_t r = Next();
      if (r >= threshold) return r % n;
    }
  }

  // Uniform in [lo, hi]. REQUIRES: lo <= hi.
  int32_t Between(int32_t lo, int32_t hi) {
    return lo + static_cast<int32_t>(Below(static_cast<uint64_t>(hi - lo) + 1));
  }

  bool PerMille(int p) { return Below(1000) < static_cast<uint64_t>(p); }

  // An index drawn in proportion to `weights`. REQUIRES: a positive total.
  template <size_t N>
  int Weighted(const std::array<int, N>& weights) {
    uint64_t total = 0;
    for (int w : weights) total += static_cast<uint64_t>(w);
    uint64_t r = Below(total);
    for (size_t i = 0; i < N; ++i) {
      if (r < static_cast<uint64_t>(weights[i])) return static_cast<int>(i);
      r -= static_cast<uint64_t>(weights[i]);
    }
    return static_cast<int>(N - 1);
  }

 private:
  static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};

// Ofsted's lettered options follow the CIN referral source list without 5D, which
// Annex A of these years did not carry ("q) 6: Police", "s) 8: Other").
struct Source {
  const char* annex_a;
  const char* cin;
};
constexpr std::array<Source, 21> kSources = {{
    {"a) 1A: Individual", "1A"},      {"b) 1B: Individual", "1B"},
    {"c) 1C: Individual", "1C"},      {"d) 1D: Individual", "1D"},
    {"e) 2A: Schools", "2A"},         {"f) 2B: Education services", "2B"},
    {"g) 3A: Health services", "3A"}, {"h) 3B: Health services", "3B"},
    {"i) 3C: Health services", "3C"}, {"j) 3D: Health services", "3D"},
    {"k) 3E: Health services", "3E"}, {"l) 3F: Health services", "3F"},
    {"m) 4: Housing", "4"},           {"n) 5A: LA services", "5A"},
    {"o) 5B: LA services", "5B"},     {"p) 5C: LA services", "5C"},
    {"q) 6: Police", "6"},            {"r) 7: Other legal agency", "7"},
    {"s) 8: Other", "8"},             {"t) 9: Anonymous", "9"},
    {"u) 10: Unknown", "10"},
}};
// Police send the most contacts; fewer of theirs become referrals than schools' do.
constexpr std::array<int, 21> kContactSourceWeights = {
    60, 30, 10, 10, 140, 30, 30, 30, 10, 50, 30, 20, 20, 40, 20, 20, 300, 30, 50, 30, 10};
constexpr std::array<int, 21> kReferralSourceWeights = {
    70, 20, 10, 10, 170, 30, 30, 40, 10, 60, 40, 20, 20, 70, 30, 30, 220, 30, 40, 10, 10};

// DfE ethnicity codes in the order that gives Ofsted's letters; weights give an east
// London mix.
constexpr std::array<const char*, 20> kEthnicities = {
    "WBRI", "WIRI", "WOTH", "WIRT", "WROM", "MWBC", "MWBA", "MWAS", "MOTH", "AIND",
    "APKN", "ABAN", "AOTH", "BCRB", "BAFR", "BOTH", "CHNE", "OOTH", "REFU", "NOBT"};
constexpr std::array<int, 20> kEthnicityWeights = {400, 8, 80, 3,  5,   40, 20, 10, 35, 20,
                                                   35,  25, 20, 25, 150, 30, 4,  40, 20, 30};

// Age at first contact: unborn-to-infant concerns and teenagers are over-represented.
constexpr std::array<int, 18> kAgeWeights = {120, 60, 60, 60, 60, 50, 50, 50, 50,
                                             50,  50, 50, 60, 60, 60, 60, 50, 30};

constexpr std::array<int, 9> kNeedWeights = {450, 60, 40, 120, 160, 40, 10, 40, 80};  // N1..N9

// Closure reasons of episodes that ran past assessment, RC1..RC8 (RC6 is set when the
// child turns 18, not drawn).
constexpr std::array<int, 8> kLongClosureWeights = {10, 5, 40, 30, 100, 0, 800, 15};

// How many days before its referral the linking contact came: 0..3.
constexpr std::array<int, 4> kContactLeadWeights = {500, 250, 150, 100};

struct Child {
  int32_t dob = 0;
  int32_t eighteenth = 0;  // first day the child is no longer 0-17
  bool male = false;
  bool referred = false;
  uint8_t ethnicity = 0;
  int32_t last_closure = INT32_MIN;  // of the latest episode; may lie past the horizon
  std::vector<int32_t> contact_days;

  bool HasContactOn(int32_t day) const {
    return std::find(contact_days.begin(), contact_days.end(), day) != contact_days.end();
  }
  bool AgedUnder18On(int32_t day) const { return dob < day && day < eighteenth; }
};

struct Contact {
  int32_t day;
  int32_t child;
  uint8_t source;
};

struct Episode {
  int32_t child;
  int32_t referral;
  int32_t closure;  // past the horizon means still open at the last reference date
  uint8_t source;
  uint8_t need;    // 0-based: N1 is 0
  uint8_t reason;  // 0-based: RC1 is 0
  bool nfa;
};

int32_t ShiftYears(int32_t day, int years) {
  int y, m, d;
  CivilFromDays(day, &y, &m, &d);
  if (m == 2 && d == 29) d = 28;
  return DayNumber(y + years, m, d);
}

// Completed years; a 29 February birthday falls on 1 March in other years.
int AgeOn(int32_t dob, int32_t day) {
  int by, bm, bd, y, m, d;
  CivilFromDays(dob, &by, &bm, &bd);
  CivilFromDays(day, &y, &m, &d);
  return y - by - ((m < bm || (m == bm && d < bd)) ? 1 : 0);
}

// The first day on which AgeOn says 18.
int32_t EighteenthBirthday(int32_t dob) {
  int32_t day = ShiftYears(dob, 18);
  // A 29 February child is still 17 on the 28th (AgeOn's rule), so it is a day later.
  if (AgeOn(dob, day) < 18) ++day;
  return day;
}

bool IsWeekend(int32_t day) {
  // Day 0, 1970-01-01, was a Thursday; Monday is 0 here.
  const int weekday = ((day + 3) % 7 + 7) % 7;
  return weekday >= 5;
}

class Generator {
 public:
  explicit Generator(uint64_t seed) : rng_(seed) {}

  void Run() {
    for (const YearTarget& t : kTargets) RunYear(t);
  }

  const std::vector<Child>& children() const { return children_; }
  const std::vector<Contact>& contacts() const { return contacts_; }
  const std::vector<Episode>& episodes() const { return episodes_; }

 private:
  struct Event {
    int32_t day;
    bool referral;
  };

  void RunYear(const YearTarget& t) {
    const int fy = t.collection_year - 1;
    const int32_t start = FinancialYearStart(fy), end = FinancialYearEnd(fy);
    std::vector<Event> events;
    events.reserve(static_cast<size_t>(t.contacts));
    // Each referral brings its own contact, so the rest are contacts that went no
    // further.
    for (int i = 0; i < t.referrals; ++i) events.push_back({SampleDay(start, end, 150), true});
    for (int i = t.referrals; i < t.contacts; ++i) {
      events.push_back({SampleDay(start, end, 300), false});
    }
    // Chronological order lets an earlier contact's child be referred later and an
    // episode close before the same child's next referral.
    std::stable_sort(events.begin(), events.end(),
                     [](const Event& a, const Event& b) { return a.day < b.day; });
    for (const Event& e : events) {
      if (e.referral) {
        AddReferral(e.day, start, end);
      } else {
        AddContact(e.day);
      }
    }
  }

  // Weekend days are kept only `weekend_per_mille` of the time: out-of-hours work is
  // mostly police and emergencies.
  int32_t SampleDay(int32_t start, int32_t end, int weekend_per_mille) {
    for (;;) {
      const int32_t day = rng_.Between(start, end);
      if (!IsWeekend(day) || rng_.PerMille(weekend_per_mille)) return day;
    }
  }

  // Recent children are likelier to come back than ones seen years ago.
  int32_t PickRecent(const std::vector<int32_t>& pool) {
    const uint64_t window = std::min<uint64_t>(pool.size(), 5000);
    return pool[pool.size() - 1 - rng_.Below(window)];
  }

  // A child aged 0-17 on `last`, born before `first`. REQUIRES: first <= last.
  int32_t NewChild(int32_t first, int32_t last) {
    Child c;
    do {
      const int age = rng_.Weighted(kAgeWeights);
      const int32_t lo = ShiftYears(first, -(age + 1)) + 1;
      const int32_t hi = age == 0 ? first - 1 : ShiftYears(first, -age);
      c.dob = rng_.Between(lo, hi);
      c.eighteenth = EighteenthBirthday(c.dob);
      // A 17-year-old first seen days before the referral may turn 18 in between.
    } while (!c.AgedUnder18On(first) || !c.AgedUnder18On(last));
    c.male = rng_.PerMille(520);
    c.ethnicity = static_cast<uint8_t>(rng_.Weighted(kEthnicityWeights));
    children_.push_back(std::move(c));
    const int32_t id = static_cast<int32_t>(children_.size() - 1);
    known_.push_back(id);
    return id;
  }

  void AddContactRow(int32_t child, int32_t day, int source) {
    children_[child].contact_days.push_back(day);
    contacts_.push_back({day, child, static_cast<uint8_t>(source)});
  }

  // A day for the contact behind a referral on `referral` of `child`: the preferred
  // lead day, else the referral day itself; -1 when neither is free.
  int32_t ContactDayFor(const Child& c, int32_t preferred, int32_t referral) const {
    if (c.dob < preferred && !c.HasContactOn(preferred)) return preferred;
    if (!c.HasContactOn(referral)) return referral;
    return -1;
  }

  bool CanRefer(const Child& c, int32_t referral) const {
    return c.AgedUnder18On(referral) && c.last_closure < referral;
  }

  void AddReferral(int32_t referral, int32_t fy_start, int32_t fy_end) {
    const int32_t preferred =
        std::max(fy_start, referral - rng_.Weighted(kContactLeadWeights));
    int32_t child = -1, contact_day = -1;
    // Tuned so that about a fifth of referrals follow another within 12 months (the
    // national re-referral rate) and some are of children known from earlier contacts.
    const std::vector<int32_t>* pools[2] = {&referred_, &known_};
    const int pool_per_mille[2] = {300, 250};
    for (int p = 0; p < 2 && child < 0; ++p) {
      if (pools[p]->empty() || !rng_.PerMille(pool_per_mille[p])) continue;
      for (int attempt = 0; attempt < 6; ++attempt) {
        const int32_t candidate = PickRecent(*pools[p]);
        const Child& c = children_[candidate];
        if (!CanRefer(c, referral)) continue;
        const int32_t day = ContactDayFor(c, preferred, referral);
        if (day < 0) continue;
        child = candidate;
        contact_day = day;
        break;
      }
    }
    if (child < 0) {
      child = NewChild(preferred, referral);
      contact_day = preferred;
    }

    Episode e;
    e.child = child;
    e.referral = referral;
    e.source = static_cast<uint8_t>(rng_.Weighted(kReferralSourceWeights));
    e.need = static_cast<uint8_t>(rng_.Weighted(kNeedWeights));
    e.nfa = false;
    // No further action, closed after assessment, a plan of up to a year, a longer one.
    const int kind = rng_.Weighted(std::array<int, 4>{150, 330, 370, 150});
    if (kind == 0 && referral < fy_end) {
      // No further action is decided quickly, within the referral's own year.
      e.nfa = true;
      e.closure = referral + rng_.Between(1, std::min<int32_t>(14, fy_end - referral));
      e.reason = 7;
    } else if (kind <= 1) {
      e.closure = referral + rng_.Between(10, 65);
      e.reason = 7;
    } else {
      e.closure = referral + (kind == 2 ? rng_.Between(45, 365) : rng_.Between(366, 1100));
      e.reason = static_cast<uint8_t>(rng_.Weighted(kLongClosureWeights));
    }
    Child& c = children_[child];
    if (e.closure >= c.eighteenth) {
      e.closure = c.eighteenth;
      e.reason = 5;  // RC6
      e.nfa = false;
    }
    c.last_closure = e.closure;
    if (!c.referred) {
      c.referred = true;
      referred_.push_back(child);
    }
    episodes_.push_back(e);
    // The contact and the referral share the source: it is the same call.
    AddContactRow(child, contact_day, e.source);
  }

  void AddContact(int32_t day) {
    const int source = rng_.Weighted(kContactSourceWeights);
    // Repeat contacts: about a fifth about children already referred (often while
    // their case is open), a fifth about children seen before.
    const std::vector<int32_t>* pools[2] = {&referred_, &known_};
    const int pool_per_mille[2] = {200, 250};
    for (int p = 0; p < 2; ++p) {
      if (pools[p]->empty() || !rng_.PerMille(pool_per_mille[p])) continue;
      for (int attempt = 0; attempt < 6; ++attempt) {
        const int32_t candidate = PickRecent(*pools[p]);
        const Child& c = children_[candidate];
        if (c.AgedUnder18On(day) && !c.HasContactOn(day)) {
          AddContactRow(candidate, day, source);
          return;
        }
      }
    }
    AddContactRow(NewChild(day, day), day, source);
  }

  Rng rng_;
  std::vector<Child> children_;
  std::vector<int32_t> known_;     // every child, in order of first appearance
  std::vector<int32_t> referred_;  // children with at least one episode
  std::vector<Contact> contacts_;
  std::vector<Episode> episodes_;
};

std::string ChildId(int32_t child) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "SYN%07d", 10001 + child);
  return buf;
}

std::string ContactsCsv(const Generator& g, int fy) {
  std::vector<const Contact*> rows;
  for (const Contact& c : g.contacts()) {
    if (FinancialYearOf(c.day) == fy) rows.push_back(&c);
  }
  std::sort(rows.begin(), rows.end(), [](const Contact* a, const Contact* b) {
    if (a->day != b->day) return a->day < b->day;
    return a->child < b->child;
  });
  std::string out =
      "Child Unique ID,Gender,Ethnicity,Date of Birth,Age,Date of Contact,Contact Source\n";
  out.reserve(out.size() + rows.size() * 90);
  for (const Contact* row : rows) {
    const Child& c = g.children()[row->child];
    const char letter = static_cast<char>('a' + c.ethnicity);
    absl::StrAppend(&out, ChildId(row->child), ",", c.male ? "a) Male" : "b) Female", ",",
                    std::string(1, letter), ") ", kEthnicities[c.ethnicity], ",",
                    FormatUkDate(c.dob), ",", AgeOn(c.dob, row->day), ",",
                    FormatUkDate(row->day), ",", kSources[row->source].annex_a, "\n");
  }
  return out;
}

// Every episode open at some point in the financial year, as that year's return saw
// it: a closure after the reference date is not known yet.
std::string CensusXml(const Generator& g, int fy) {
  const int cy = fy + 1;
  const int32_t start = FinancialYearStart(fy), end = FinancialYearEnd(fy);
  std::vector<const Episode*> open;
  for (const Episode& e : g.episodes()) {
    if (e.referral <= end && e.closure >= start) open.push_back(&e);
  }
  std::sort(open.begin(), open.end(), [](const Episode* a, const Episode* b) {
    if (a->child != b->child) return a->child < b->child;
    return a->referral < b->referral;
  });

  std::string out;
  out.reserve(1024 + open.size() * 600);
  absl::StrAppend(&out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Message>\n  <Header>\n",
                  "    <CollectionDetails><Collection>CIN</Collection><Year>", cy,
                  "</Year><ReferenceDate>", FormatIsoDate(end),
                  "</ReferenceDate></CollectionDetails>\n",
                  "    <Source><SourceLevel>L</SourceLevel><LEA>", kLaCode,
                  "</LEA><SoftwareCode>carestat synth</SoftwareCode><Release>1</Release>",
                  "<SerialNo>1</SerialNo><DateTime>", cy,
                  "-04-15T09:00:00</DateTime></Source>\n  </Header>\n  <Children>\n");
  for (size_t i = 0; i < open.size();) {
    const int32_t id = open[i]->child;
    const Child& c = g.children()[id];
    // UN1 is "under 6, no UPN yet"; older synthetic children carry no UPN either, and
    // UN2 is the nearest honest code for that.
    const char* upn_unknown = AgeOn(c.dob, end) < 6 ? "UN1" : "UN2";
    absl::StrAppend(&out, "    <Child>\n      <ChildIdentifiers><LAchildID>", ChildId(id),
                    "</LAchildID><UPNunknown>", upn_unknown, "</UPNunknown><PersonBirthDate>",
                    FormatIsoDate(c.dob), "</PersonBirthDate><GenderCurrent>", c.male ? 1 : 2,
                    "</GenderCurrent></ChildIdentifiers>\n",
                    "      <ChildCharacteristics><Ethnicity>", kEthnicities[c.ethnicity],
                    "</Ethnicity></ChildCharacteristics>\n");
    for (; i < open.size() && open[i]->child == id; ++i) {
      const Episode& e = *open[i];
      const bool closed = e.closure <= end;
      absl::StrAppend(&out, "      <CINdetails>\n        <CINreferralDate>",
                      FormatIsoDate(e.referral), "</CINreferralDate><ReferralSource>",
                      kSources[e.source].cin, "</ReferralSource><PrimaryNeedCode>N",
                      e.need + 1, "</PrimaryNeedCode>\n        ");
      if (closed) {
        absl::StrAppend(&out, "<CINclosureDate>", FormatIsoDate(e.closure),
                        "</CINclosureDate><ReasonForClosure>RC", e.reason + 1,
                        "</ReasonForClosure>");
      }
      absl::StrAppend(&out, "<ReferralNFA>", e.nfa && closed ? "true" : "false",
                      "</ReferralNFA>\n      </CINdetails>\n");
    }
    absl::StrAppend(&out, "    </Child>\n");
  }
  absl::StrAppend(&out, "  </Children>\n</Message>\n");
  return out;
}

absl::Status IoError(int error, const std::string& what, const std::string& path) {
  return absl::Status(absl::ErrnoToStatusCode(error),
                      absl::StrCat("synth: cannot ", what, " ", path, ": ", std::strerror(error)));
}

absl::Status WriteFile(const std::string& path, const std::string& content) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) return IoError(errno, "open", path);
  const size_t written = std::fwrite(content.data(), 1, content.size(), f);
  const int write_error = written == content.size() ? 0 : errno;
  // fclose flushes; a full disk may only show here.
  const int close_result = std::fclose(f);
  if (write_error != 0) return IoError(write_error, "write", path);
  if (close_result != 0) return IoError(errno, "write", path);
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<SynthSummary> WriteSynthBorough(const SynthOptions& options) {
  if (options.profile != kProfile) {
    return absl::InvalidArgumentError(absl::StrCat("synth: unknown profile '", options.profile,
                                                   "'; the known profile is '", kProfile, "'"));
  }
  if (options.out_dir.empty()) {
    return absl::InvalidArgumentError("synth: out_dir is empty; name the inbox to write into");
  }

  Generator g(options.seed);
  g.Run();

  SynthSummary summary;
  for (const YearTarget& t : kTargets) {
    const std::filesystem::path dir = std::filesystem::path(options.out_dir) / kLaCode /
                                      std::to_string(t.collection_year);
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) {
      return absl::Status(absl::ErrnoToStatusCode(ec.value()),
                          absl::StrCat("synth: cannot create directory ", dir.string(), ": ",
                                       ec.message()));
    }
    const int fy = t.collection_year - 1;
    absl::Status s = WriteFile((dir / kContactsFile).string(), ContactsCsv(g, fy));
    if (!s.ok()) return s;
    s = WriteFile((dir / kCensusFile).string(), CensusXml(g, fy));
    if (!s.ok()) return s;
    summary.files += 2;
  }
  summary.contacts = static_cast<int64_t>(g.contacts().size());
  summary.referrals = static_cast<int64_t>(g.episodes().size());
  summary.children = static_cast<int64_t>(g.children().size());
  return summary;
}

}  // namespace carestat
