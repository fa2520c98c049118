#include "bench/gen.h"

#include <zip.h>

#include <cerrno>
#include <cstdio>
#include <algorithm>
#include <cstring>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/common/dates.h"

namespace carestat::bench {
namespace {

// 2015-16: the collection year 2016 of every generated file.
const int32_t kYearStart = DayNumber(2015, 4, 1);
const int32_t kYearEnd = DayNumber(2016, 3, 31);

constexpr const char* kEthnicity[] = {"WBRI", "WOTH", "MWBC", "APKN", "ABAN", "BAFR", "BCRB", "CHNE", "AOTH",
                                      "OOTH"};
constexpr const char* kReferralSource[] = {"1A", "1B", "2A", "3A", "3E", "5A", "5B", "6", "7", "9"};
constexpr const char* kNeed[] = {"N1", "N2", "N3", "N4", "N5", "N6", "N7", "N8"};
constexpr const char* kFactors[] = {"1A", "2A", "2B", "3A", "3B", "4A", "4B", "5A", "6A", "8B"};
constexpr const char* kAbuse[] = {"NEG", "EMO", "PHY", "SAB", "MUL"};
// Not RC2 (died: the child would need a PersonDeathDate, 8585Q) nor RC8 or RC9 (closed
// after assessment: no CIN plan, section 47 or protection plan may follow, 2990).
constexpr const char* kClosure[] = {"RC1", "RC3", "RC4", "RC5", "RC6", "RC7"};
// Disabilities other than NONE: more than 7 codes used in a return (2887Q), and some
// children with two (2888Q).
constexpr const char* kDisability[] = {"MOB", "HAND", "PC", "INC", "COMM", "LD", "HEAR", "VIS", "BEH", "CON", "AUT",
                                       "DDA"};
constexpr const char* kPlace[] = {"U1", "U2", "U3", "U4", "U5", "U6"};
constexpr const char* kEndReason[] = {"E4A", "E4B", "E13", "E41", "E8"};
// Annex A list 1 as Ofsted's workbook writes the values.
constexpr const char* kGender[] = {"a) Male", "b) Female"};
constexpr const char* kOfstedEthnicity[] = {"a) WBRI", "c) WOTH", "f) MWBC", "k) APKN", "l) ABAN",
                                            "o) BAFR",  "n) BCRB", "r) CHNE", "m) AOTH", "s) OOTH"};
constexpr const char* kContactSource[] = {"b) 1B: Individual", "e) 2A: Schools", "i) 3A: Health services - GP",
                                          "q) 6: Police",      "j) 3B: Health visitor", "n) 5A: LA services - social care",
                                          "t) 9: Anonymous",   "a) 1A: Individual - family member"};

template <typename T, size_t N>
const T& Pick(std::mt19937_64& rng, const T (&list)[N]) {
  return list[rng() % N];
}

int32_t Uniform(std::mt19937_64& rng, int32_t lo, int32_t hi) {  // inclusive
  if (hi <= lo) return lo;
  return lo + static_cast<int32_t>(rng() % static_cast<uint64_t>(hi - lo + 1));
}

bool Chance(std::mt19937_64& rng, int percent) { return static_cast<int>(rng() % 100) < percent; }

// The day, or the Monday after it when it falls on a weekend (day 0, 1970-01-01, was a Thursday).
int32_t WorkingDayFrom(int32_t day) {
  const int weekday = (day % 7 + 10) % 7;  // 0 Monday .. 6 Sunday
  return weekday == 5 ? day + 2 : weekday == 6 ? day + 1 : day;
}

// A UPN that passes the DfE check letter: letter, LA 301, an 8-digit serial, a digit.
std::string Upn(int64_t serial) {
  static constexpr char kCheck[] = "ABCDEFGHJKLMNPQRTUVWXYZ";
  char body[13];
  std::snprintf(body, sizeof(body), "301%08lld0", static_cast<long long>(serial % 100000000));
  std::string upn = std::string("?") + body;
  int sum = 0;
  for (size_t i = 1; i < 12; ++i) sum += (upn[i] - '0') * static_cast<int>(i + 1);
  sum += (upn[12] - '0') * 13;
  upn[0] = kCheck[sum % 23];
  return upn;
}

// Buffered writing to a file: appends to a string and writes it out in large pieces.
class Out {
 public:
  explicit Out(const std::string& path) : path_(path), f_(std::fopen(path.c_str(), "wb")) {
    if (!f_) error_ = absl::StrCat("cannot create ", path, ": ", std::strerror(errno));
    buf_.reserve(kChunk + (64 << 10));
  }
  ~Out() {
    if (f_) std::fclose(f_);
  }
  std::string& buf() { return buf_; }
  void MaybeFlush() {
    if (buf_.size() >= kChunk) Flush();
  }
  void Flush() {
    if (f_ && !buf_.empty() && std::fwrite(buf_.data(), 1, buf_.size(), f_) != buf_.size() && error_.empty()) {
      error_ = absl::StrCat("cannot write ", path_, ": ", std::strerror(errno));
    }
    written_ += static_cast<int64_t>(buf_.size());
    buf_.clear();
  }
  int64_t bytes() const { return written_ + static_cast<int64_t>(buf_.size()); }
  absl::Status Close() {
    Flush();
    if (f_ && std::fclose(f_) != 0 && error_.empty()) error_ = absl::StrCat("cannot close ", path_);
    f_ = nullptr;
    return error_.empty() ? absl::OkStatus() : absl::InternalError(error_);
  }

 private:
  static constexpr size_t kChunk = 1 << 20;
  std::string path_;
  FILE* f_;
  std::string buf_;
  std::string error_;
  int64_t written_ = 0;
};

bool More(const GenOptions& o, int64_t n, int64_t bytes) {
  return o.target_bytes > 0 ? bytes < o.target_bytes : n < o.children;
}

// One child's care episodes in 2015-16: a chain of placements (X1 then P), the last
// open or ended. An episode ending X1 gives the reason for the placement change.
struct Episode {
  int32_t start = 0;
  int32_t end = 0;  // 0: open
  const char* rne = "S";
  const char* ls = "C2";
  const char* rec = "";
  const char* place = "U1";
  const char* change = "";
};

std::vector<Episode> CareEpisodes(std::mt19937_64& rng) {
  std::vector<Episode> eps;
  const int n = Chance(rng, 55) ? 1 : Chance(rng, 60) ? 2 : 3;
  // Not on 1 April: a child in care from that day to 31 March counts as looked after for
  // 12 months, which needs OC2 details (191).
  int32_t start = Uniform(rng, kYearStart + 1, kYearEnd - 120);
  const char* ls = Chance(rng, 70) ? "C2" : Chance(rng, 50) ? "V2" : "C1";
  for (int i = 0; i < n; ++i) {
    Episode e;
    e.start = start;
    e.rne = i == 0 ? "S" : "P";
    e.ls = ls;
    e.place = Pick(rng, kPlace);
    if (i + 1 < n) {
      e.end = start + Uniform(rng, 10, 35);
      e.rec = "X1";
      e.change = "CARPL";  // the episode that ends in a change of placement gives its reason (225)
      start = e.end;
    } else if (Chance(rng, 35)) {
      e.end = std::min(kYearEnd, start + Uniform(rng, 5, 60));
      e.rec = Pick(rng, kEndReason);
    }
    eps.push_back(e);
  }
  return eps;
}

}  // namespace

absl::StatusOr<GenResult> WriteCinCensus(const std::string& path, const GenOptions& o) {
  Out out(path);
  std::mt19937_64 rng(o.seed);
  GenResult r;
  std::string& b = out.buf();
  b += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Message>\n\t<Header>\n\t\t<CollectionDetails>\n"
       "\t\t\t<Collection>CIN</Collection>\n\t\t\t<Year>2016</Year>\n\t\t\t<ReferenceDate>2016-03-31</ReferenceDate>\n"
       "\t\t</CollectionDetails>\n\t\t<Source>\n\t\t\t<SourceLevel>L</SourceLevel>\n\t\t\t<LEA>301</LEA>\n"
       "\t\t\t<SoftwareCode>carestat-bench</SoftwareCode>\n\t\t\t<Release>1</Release>\n"
       "\t\t\t<SerialNo>1</SerialNo>\n\t\t\t<DateTime>2016-04-20T09:00:00</DateTime>\n\t\t</Source>\n\t</Header>\n"
       "\t<Children>\n";
  auto date = [](int32_t d) { return FormatIsoDate(d); };
  while (More(o, r.children, out.bytes())) {
    const int64_t n = r.children++;
    const int32_t birth = Uniform(rng, DayNumber(1999, 6, 1), DayNumber(2015, 3, 1));
    absl::StrAppend(&b, "\t\t<Child>\n\t\t\t<ChildIdentifiers>\n\t\t\t\t<LAchildID>CIN", n, "</LAchildID>\n",
                    "\t\t\t\t<UPN>", Upn(n), "</UPN>\n\t\t\t\t<PersonBirthDate>", date(birth),
                    "</PersonBirthDate>\n\t\t\t\t<GenderCurrent>", 1 + rng() % 2,
                    "</GenderCurrent>\n\t\t\t</ChildIdentifiers>\n\t\t\t<ChildCharacteristics>\n\t\t\t\t<Ethnicity>",
                    Pick(rng, kEthnicity), "</Ethnicity>\n\t\t\t\t<Disabilities>\n");
    if (Chance(rng, 85)) {
      b += "\t\t\t\t\t<Disability>NONE</Disability>\n";
    } else {
      const char* d1 = Pick(rng, kDisability);
      const char* d2 = Pick(rng, kDisability);
      absl::StrAppend(&b, "\t\t\t\t\t<Disability>", d1, "</Disability>\n");
      if (Chance(rng, 25) && std::strcmp(d1, d2) != 0) absl::StrAppend(&b, "\t\t\t\t\t<Disability>", d2, "</Disability>\n");
    }
    b += "\t\t\t\t</Disabilities>\n\t\t\t</ChildCharacteristics>\n";
    ++r.records;  // the Child
    // An earlier short episode for some children, then the main one. Dates are drawn
    // first, then written: a closed episode ends on or after all its activity (8565,
    // 8867), a CIN plan ends the day a protection plan starts (4001, 4016, 4017), and
    // initial conferences and their targets fall on working days (8870Q, 8875).
    int32_t main_start = Uniform(rng, kYearStart, kYearEnd - 45);
    const bool two = main_start > kYearStart + 90 && Chance(rng, 20);
    for (int e = two ? 0 : 1; e < 2; ++e) {
      const bool earlier = e == 0;
      const int32_t referral = earlier ? Uniform(rng, kYearStart, main_start - 60) : main_start;
      const char* source = Pick(rng, kReferralSource);
      const char* need = Pick(rng, kNeed);
      const bool nfa = earlier && Chance(rng, 30);
      // The assessment (none for a referral with no further action), authorised in the year or open.
      int32_t a_start = 0, a_auth = 0;
      if (!nfa) {
        a_start = referral + Uniform(rng, 0, 3);
        a_auth = a_start + Uniform(rng, 5, 40);
        if (a_auth > kYearEnd) a_auth = 0;
      }
      // A CIN plan in some main episodes.
      int32_t p_start = 0, p_end = 0;
      if (!earlier && Chance(rng, 30)) {
        p_start = referral + Uniform(rng, 10, 40);
        if (p_start >= kYearEnd) p_start = 0;
      }
      // The closure: every earlier episode, some main ones; never before the assessment is
      // authorised or a CIN plan starts.
      int32_t closure = 0;
      if (earlier) {
        closure = std::max(referral + Uniform(rng, 10, 40), a_auth);
      } else if (Chance(rng, 40) && a_auth) {
        closure = std::min(kYearEnd, std::max({referral + Uniform(rng, 30, 200), a_auth, p_start + 1}));
        if (p_start) p_end = closure;
      }
      // Section 47 enquiries and plans only in an open main episode: one open plan a child.
      int32_t s47 = 0, icpc = 0;
      bool cpp = false;
      if (!earlier && !closure && Chance(rng, 18)) {
        s47 = referral + Uniform(rng, 1, 5);
        icpc = WorkingDayFrom(s47 + Uniform(rng, 5, 14));
        cpp = Chance(rng, 60);
        if (cpp && p_start) {  // the CIN plan gives way to the protection plan
          if (p_start >= icpc) p_start = Uniform(rng, referral, icpc - 1);
          p_end = icpc;
        }
      }
      absl::StrAppend(&b, "\t\t\t<CINdetails>\n\t\t\t\t<CINreferralDate>", date(referral),
                      "</CINreferralDate>\n\t\t\t\t<ReferralSource>", source,
                      "</ReferralSource>\n\t\t\t\t<PrimaryNeedCode>", need, "</PrimaryNeedCode>\n");
      if (closure) {
        absl::StrAppend(&b, "\t\t\t\t<CINclosureDate>", date(closure), "</CINclosureDate>\n\t\t\t\t<ReasonForClosure>",
                        Pick(rng, kClosure), "</ReasonForClosure>\n");
      }
      absl::StrAppend(&b, "\t\t\t\t<ReferralNFA>", nfa ? "true" : "false", "</ReferralNFA>\n");
      ++r.records;  // the referral
      if (!nfa) {
        absl::StrAppend(&b, "\t\t\t\t<Assessments>\n\t\t\t\t\t<AssessmentActualStartDate>", date(a_start),
                        "</AssessmentActualStartDate>\n");
        if (a_auth) {
          const char* f1 = Pick(rng, kFactors);
          const char* f2 = Pick(rng, kFactors);
          absl::StrAppend(&b, "\t\t\t\t\t<AssessmentAuthorisationDate>", date(a_auth),
                          "</AssessmentAuthorisationDate>\n\t\t\t\t\t<FactorsIdentifiedAtAssessment>\n"
                          "\t\t\t\t\t\t<AssessmentFactors>", f1, "</AssessmentFactors>\n");
          if (std::strcmp(f1, f2) != 0) absl::StrAppend(&b, "\t\t\t\t\t\t<AssessmentFactors>", f2, "</AssessmentFactors>\n");
          b += "\t\t\t\t\t</FactorsIdentifiedAtAssessment>\n";
        }
        b += "\t\t\t\t</Assessments>\n";
        ++r.records;
      }
      if (p_start) {
        absl::StrAppend(&b, "\t\t\t\t<CINPlanDates>\n\t\t\t\t\t<CINPlanStartDate>", date(p_start), "</CINPlanStartDate>\n");
        if (p_end) absl::StrAppend(&b, "\t\t\t\t\t<CINPlanEndDate>", date(p_end), "</CINPlanEndDate>\n");
        b += "\t\t\t\t</CINPlanDates>\n";
        ++r.records;
      }
      if (s47) {
        absl::StrAppend(&b, "\t\t\t\t<Section47>\n\t\t\t\t\t<S47ActualStartDate>", date(s47),
                        "</S47ActualStartDate>\n\t\t\t\t\t<InitialCPCtarget>", date(WorkingDayFrom(s47 + 15)),
                        "</InitialCPCtarget>\n\t\t\t\t\t<DateOfInitialCPC>", date(icpc),
                        "</DateOfInitialCPC>\n\t\t\t\t\t<ICPCnotRequired>false</ICPCnotRequired>\n"
                        "\t\t\t\t</Section47>\n");
        ++r.records;
        if (cpp) {
          const char* cat = Pick(rng, kAbuse);
          absl::StrAppend(&b, "\t\t\t\t<ChildProtectionPlans>\n\t\t\t\t\t<CPPstartDate>", date(icpc),
                          "</CPPstartDate>\n\t\t\t\t\t<InitialCategoryOfAbuse>", cat,
                          "</InitialCategoryOfAbuse>\n\t\t\t\t\t<LatestCategoryOfAbuse>", cat,
                          "</LatestCategoryOfAbuse>\n\t\t\t\t\t<NumberOfPreviousCPP>", rng() % 3,
                          "</NumberOfPreviousCPP>\n");
          if (icpc + 90 <= kYearEnd) {
            absl::StrAppend(&b, "\t\t\t\t\t<Reviews>\n\t\t\t\t\t\t<CPPreviewDate>", date(icpc + 90),
                            "</CPPreviewDate>\n\t\t\t\t\t</Reviews>\n");
          }
          b += "\t\t\t\t</ChildProtectionPlans>\n";
          ++r.records;
        }
      }
      b += "\t\t\t</CINdetails>\n";
      if (earlier) main_start = std::max(main_start, closure);
    }
    b += "\t\t</Child>\n";
    out.MaybeFlush();
  }
  b += "\t</Children>\n</Message>\n";
  if (absl::Status s = out.Close(); !s.ok()) return s;
  r.bytes = out.bytes();
  return r;
}

absl::StatusOr<GenResult> WriteSsda903EpisodesCsv(const std::string& path, const GenOptions& o) {
  Out out(path);
  std::mt19937_64 rng(o.seed);
  GenResult r;
  std::string& b = out.buf();
  b += "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\r\n";
  while (More(o, r.children, out.bytes())) {
    const int64_t n = r.children++;
    const char* need = Pick(rng, kNeed);
    for (const Episode& e : CareEpisodes(rng)) {
      absl::StrAppend(&b, "LAC", n, ",", FormatUkDate(e.start), ",", e.rne, ",", e.ls, ",", need, ",", e.place,
                      ",PR1,", e.end ? FormatUkDate(e.end) : "", ",", e.rec, ",", e.change, ",RM10 7,IG11 8,SC",
                      100000 + rng() % 900000, "\r\n");
      ++r.records;
    }
    out.MaybeFlush();
  }
  if (absl::Status s = out.Close(); !s.ok()) return s;
  r.bytes = out.bytes();
  return r;
}

absl::StatusOr<GenResult> WriteSsda903Xml(const std::string& path, const GenOptions& o) {
  Out out(path);
  std::mt19937_64 rng(o.seed);
  GenResult r;
  std::string& b = out.buf();
  b += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<EXPSSDA903>\n";
  while (More(o, r.children, out.bytes())) {
    const int64_t n = r.children++;
    const int32_t birth = Uniform(rng, DayNumber(1999, 6, 1), DayNumber(2015, 3, 1));
    const char* need = Pick(rng, kNeed);
    // A girl's MOTHER is 0 (not a mother), a boy's blank (165, 393, 607).
    const bool girl = rng() % 2 == 1;
    absl::StrAppend(&b, "  <CHILD>\n    <HEADER>\n      <CHILDID>LAC", n, "</CHILDID>\n      <UPN>", Upn(n),
                    "</UPN>\n      <SEX>", girl ? 2 : 1, "</SEX>\n      <DOB>", FormatUkDate(birth),
                    "</DOB>\n      <ETHNIC>", Pick(rng, kEthnicity), "</ETHNIC>\n      <UASC>0</UASC>\n      ",
                    girl ? "<MOTHER>0</MOTHER>" : "<MOTHER />", "\n      <MC_DOB />\n    </HEADER>\n");
    ++r.records;
    for (const Episode& e : CareEpisodes(rng)) {
      absl::StrAppend(&b, "    <EPISODE>\n      <DECOM>", FormatUkDate(e.start), "</DECOM>\n      <RNE>", e.rne,
                      "</RNE>\n      <LS>", e.ls, "</LS>\n      <CIN>", need, "</CIN>\n      <PL>", e.place,
                      "</PL>\n      <PLACE_PROVIDER>PR1</PLACE_PROVIDER>\n");
      if (e.end) {
        absl::StrAppend(&b, "      <DEC>", FormatUkDate(e.end), "</DEC>\n      <REC>", e.rec, "</REC>\n");
      } else {
        b += "      <DEC />\n      <REC />\n";
      }
      absl::StrAppend(&b, "      <REASON_PLACE_CHANGE>", e.change,
                      "</REASON_PLACE_CHANGE>\n      <HOME_POST>RM10 7</HOME_POST>\n      <PL_POST>IG11 8</PL_POST>\n"
                      "      <URN>SC", 100000 + rng() % 900000, "</URN>\n    </EPISODE>\n");
      ++r.records;
    }
    b += "  </CHILD>\n";
    out.MaybeFlush();
  }
  b += "</EXPSSDA903>\n";
  if (absl::Status s = out.Close(); !s.ok()) return s;
  r.bytes = out.bytes();
  return r;
}

absl::StatusOr<GenResult> WriteAnnexAList1Csv(const std::string& path, const GenOptions& o) {
  Out out(path);
  std::mt19937_64 rng(o.seed);
  GenResult r;
  std::string& b = out.buf();
  b += "Child Unique ID,Gender,Ethnicity,Date of Birth,Age,Date of Contact,Contact Source\r\n";
  while (More(o, r.records, out.bytes())) {
    const int64_t n = r.records++;
    const int32_t contact = Uniform(rng, kYearStart, kYearEnd);
    const int32_t birth = Uniform(rng, contact - 17 * 365, contact - 30);
    absl::StrAppend(&b, "CON", n / 2, ",", Pick(rng, kGender), ",", Pick(rng, kOfstedEthnicity), ",",
                    FormatUkDate(birth), ",", (contact - birth) / 365, ",", FormatUkDate(contact), ",",
                    Pick(rng, kContactSource), "\r\n");
    out.MaybeFlush();
  }
  r.children = (r.records + 1) / 2;
  if (absl::Status s = out.Close(); !s.ok()) return s;
  r.bytes = out.bytes();
  return r;
}

absl::StatusOr<GenResult> WriteAnnexAList1Xlsx(const std::string& path, const GenOptions& o) {
  zipFile z = zipOpen64(path.c_str(), APPEND_STATUS_CREATE);
  if (!z) return absl::InternalError(absl::StrCat("cannot create ", path));
  bool ok = true;
  auto part = [&](const std::string& name, const std::function<void(const std::function<void(const std::string&)>&)>& body) {
    zip_fileinfo info{};
    if (zipOpenNewFileInZip64(z, name.c_str(), &info, nullptr, 0, nullptr, 0, nullptr, Z_DEFLATED,
                              Z_DEFAULT_COMPRESSION, 1) != ZIP_OK) {
      ok = false;
      return;
    }
    body([&](const std::string& s) {
      if (!s.empty() && zipWriteInFileInZip(z, s.data(), static_cast<unsigned>(s.size())) != ZIP_OK) ok = false;
    });
    if (zipCloseFileInZip(z) != ZIP_OK) ok = false;
  };
  const std::string kMain = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
  const std::string kRel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
  const std::string kPkg = "http://schemas.openxmlformats.org/package/2006/relationships";
  part("[Content_Types].xml", [&](const auto& w) {
    w("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Types "
      "xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Default Extension=\"rels\" "
      "ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/><Default Extension=\"xml\" "
      "ContentType=\"application/xml\"/><Override PartName=\"/xl/workbook.xml\" "
      "ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/><Override "
      "PartName=\"/xl/worksheets/sheet1.xml\" "
      "ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/></Types>");
  });
  part("_rels/.rels", [&](const auto& w) {
    w("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Relationships xmlns=\"" + kPkg +
      "\"><Relationship Id=\"rId1\" Type=\"" + kRel + "/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>");
  });
  part("xl/workbook.xml", [&](const auto& w) {
    w("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<workbook xmlns=\"" + kMain + "\" xmlns:r=\"" +
      kRel + "\"><workbookPr/><sheets><sheet name=\"List 1\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>");
  });
  part("xl/_rels/workbook.xml.rels", [&](const auto& w) {
    w("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Relationships xmlns=\"" + kPkg +
      "\"><Relationship Id=\"rId1\" Type=\"" + kRel + "/worksheet\" Target=\"worksheets/sheet1.xml\"/></Relationships>");
  });
  GenResult r;
  std::mt19937_64 rng(o.seed);
  part("xl/worksheets/sheet1.xml", [&](const auto& w) {
    auto is = [](std::string* b, const char* col, int64_t row, const std::string& text) {
      absl::StrAppend(b, "<c r=\"", col, row, "\" t=\"inlineStr\"><is><t>", text, "</t></is></c>");
    };
    auto num = [](std::string* b, const char* col, int64_t row, int64_t v) {
      absl::StrAppend(b, "<c r=\"", col, row, "\"><v>", v, "</v></c>");
    };
    std::string b = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<worksheet xmlns=\"" + kMain +
                    "\"><sheetData><row r=\"1\">";
    const char* heads[] = {"Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age", "Date of Contact",
                           "Contact Source"};
    const char* cols[] = {"A", "B", "C", "D", "E", "F", "G"};
    for (int i = 0; i < 7; ++i) is(&b, cols[i], 1, heads[i]);
    b += "</row>";
    constexpr int64_t kExcelEpoch = 25569;  // serial of 1970-01-01
    while (r.records < o.children) {
      const int64_t n = r.records++;
      const int64_t row = n + 2;
      const int32_t contact = Uniform(rng, kYearStart, kYearEnd);
      const int32_t birth = Uniform(rng, contact - 17 * 365, contact - 30);
      absl::StrAppend(&b, "<row r=\"", row, "\">");
      is(&b, "A", row, absl::StrCat("CON", n / 2));
      is(&b, "B", row, Pick(rng, kGender));
      is(&b, "C", row, Pick(rng, kOfstedEthnicity));
      num(&b, "D", row, birth + kExcelEpoch);
      num(&b, "E", row, (contact - birth) / 365);
      num(&b, "F", row, contact + kExcelEpoch);
      is(&b, "G", row, Pick(rng, kContactSource));
      b += "</row>";
      if (b.size() > (1 << 20)) {
        w(b);
        b.clear();
      }
    }
    b += "</sheetData></worksheet>";
    w(b);
  });
  if (zipClose(z, nullptr) != ZIP_OK) ok = false;
  if (!ok) return absl::InternalError(absl::StrCat("cannot write the workbook ", path));
  r.children = (r.records + 1) / 2;
  FILE* f = std::fopen(path.c_str(), "rb");
  if (f) {
    std::fseek(f, 0, SEEK_END);
    r.bytes = std::ftell(f);
    std::fclose(f);
  }
  return r;
}

}  // namespace carestat::bench
