#include "services/ingestion/formats/cin_census.h"

#include <expat.h>

#include <cctype>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/common/dates.h"
#include "services/ingestion/formats/annex_a.h"

namespace carestat {
namespace {

bool Blank(const std::string& s) {
  for (unsigned char c : s) {
    if (!std::isspace(c)) return false;
  }
  return true;
}

std::string Trim(const std::string& s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return s.substr(b, e - b);
}

// Parser state: the open elements, the child being read, its CIN episode.
class CinParser {
 public:
  CinParser(const std::string& file, ParseSink& sink) : file_(file), sink_(sink) {
    parser_ = XML_ParserCreate(nullptr);
    XML_SetUserData(parser_, this);
    XML_SetElementHandler(parser_, &CinParser::Start, &CinParser::End);
    XML_SetCharacterDataHandler(parser_, &CinParser::Text);
  }
  ~CinParser() { XML_ParserFree(parser_); }

  absl::Status Run(std::istream& in) {
    std::vector<char> buf(1 << 16);
    bool saw_any = false;
    for (;;) {
      in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
      std::streamsize n = in.gcount();
      if (in.bad()) return absl::DataLossError(absl::StrCat(file_, ": read failed"));
      const bool last = n < static_cast<std::streamsize>(buf.size());
      saw_any = saw_any || n > 0;
      if (XML_Parse(parser_, buf.data(), static_cast<int>(n), last) == XML_STATUS_ERROR) {
        int64_t line = XML_GetCurrentLineNumber(parser_);
        sink_.OnIssue(MakeIssue("xml", v1::ERROR,
                                absl::StrCat(file_, " line ", line, " column ",
                                             XML_GetCurrentColumnNumber(parser_),
                                             ": malformed XML (", XML_ErrorString(XML_GetErrorCode(parser_)),
                                             ")", path_.empty() ? "" : " inside " + Path()),
                                file_, line, "", "", Path()),
                      true);
        return absl::OkStatus();
      }
      if (last) break;
    }
    if (!saw_root_) {
      sink_.OnIssue(MakeIssue("xml", v1::ERROR, absl::StrCat(file_, ": no <Message> element"), file_, 0),
                    true);
    }
    return absl::OkStatus();
  }

 private:
  struct Frame {
    std::string name;
    std::string text;
    bool has_children = false;
  };

  static void Start(void* self, const XML_Char* name, const XML_Char**) {
    static_cast<CinParser*>(self)->OnStart(name);
  }
  static void End(void* self, const XML_Char* name) { static_cast<CinParser*>(self)->OnEnd(name); }
  static void Text(void* self, const XML_Char* s, int len) {
    auto* p = static_cast<CinParser*>(self);
    if (!p->path_.empty() && p->path_.back().text.size() < 4096) p->path_.back().text.append(s, len);
  }

  int64_t Line() const { return XML_GetCurrentLineNumber(parser_); }

  std::string Path() const {
    std::string p;
    for (const auto& f : path_) absl::StrAppend(&p, "/", f.name);
    return p;
  }

  void StrayText(Frame& f) {
    if (!Blank(f.text)) {
      sink_.OnIssue(MakeIssue("stray-text", v1::QUERY,
                              absl::StrCat(file_, " line ", Line(), ": text '", Trim(f.text).substr(0, 40),
                                           "' between elements inside ", Path(), " ignored"),
                              file_, Line(), f.name, raw_child_, Path()),
                    false);
    }
    f.text.clear();
  }

  void OnStart(const std::string& name) {
    if (path_.empty()) {
      saw_root_ = true;
      if (name != "Message") {
        sink_.OnIssue(MakeIssue("xml", v1::ERROR,
                                absl::StrCat(file_, ": the root element is <", name, ">, expected <Message>"),
                                file_, Line()),
                      true);
      }
    } else {
      path_.back().has_children = true;
      StrayText(path_.back());
    }
    path_.push_back(Frame{name, "", false});
    if (name == "Child") {
      child_ = v1::Child();
      raw_child_.clear();
      child_line_ = Line();
      child_emitted_ = false;
    } else if (name == "CINdetails") {
      referral_ = v1::Referral();
      referral_line_ = Line();
      has_referral_date_ = false;
    }
  }

  // The value of a leaf element, as a date; an issue when it is not one.
  bool Date(const std::string& value, const std::string& field, v1::Date* out, bool fatal) {
    auto d = ParseIsoDate(value);
    if (!d) {
      sink_.OnIssue(MakeIssue("date", v1::ERROR,
                              absl::StrCat(file_, " line ", Line(), ", child ", raw_child_, ": ", field, " '",
                                           value, "' is not a date (expected YYYY-MM-DD)"),
                              file_, Line(), field, raw_child_, Path()),
                    fatal);
      return false;
    }
    *out = FromDays(*d);
    return true;
  }

  void OnEnd(const std::string& name) {
    Frame f = std::move(path_.back());
    if (f.has_children) StrayText(f);
    const std::string parent = path_.size() >= 2 ? path_[path_.size() - 2].name : "";
    const std::string value = Trim(f.text);

    if (parent == "CollectionDetails" && name == "ReferenceDate") {
      reference_date_ = ParseIsoDate(value);
      if (!reference_date_) {
        sink_.OnIssue(MakeIssue("100", v1::ERROR,
                                absl::StrCat(file_, " line ", Line(), ": ReferenceDate '", value,
                                             "' is not a date (expected YYYY-03-31)"),
                                file_, Line(), "ReferenceDate", "", Path()),
                      true);
      }
    } else if (parent == "Source" && name == "LEA") {
      lea_ = value;
    } else if (name == "Header") {
      int cy = 0;
      if (reference_date_) {
        int y, m, d;
        CivilFromDays(*reference_date_, &y, &m, &d);
        cy = y;
      }
      sink_.OnHeader(lea_, cy, static_cast<int>(Line()));
    } else if (parent == "ChildIdentifiers") {
      if (name == "LAchildID") {
        raw_child_ = value;
      } else if (name == "PersonBirthDate" && !value.empty()) {
        Date(value, name, child_.mutable_birth_date(), false);
      } else if (name == "ExpectedPersonBirthDate" && !value.empty()) {
        Date(value, name, child_.mutable_expected_birth_date(), false);
      } else if (name == "PersonDeathDate" && !value.empty()) {
        Date(value, name, child_.mutable_death_date(), false);
      } else if (name == "GenderCurrent" || name == "Sex") {
        child_.set_sex(ParseSex(value));
      } else if (name == "UPN") {
        child_.set_upn_known(!value.empty());
      }
    } else if (parent == "ChildCharacteristics" && name == "Ethnicity") {
      child_.set_ethnicity(value);
    } else if (parent == "Disabilities" && name == "Disability") {
      child_.add_disabilities(value);
    } else if (name == "ChildIdentifiers" || name == "ChildCharacteristics") {
      // The child record goes out once its identifiers (and characteristics) are known.
      if (name == "ChildCharacteristics") EmitChild();
    } else if (parent == "CINdetails") {
      if (name == "CINreferralDate") {
        has_referral_date_ = Date(value, name, referral_.mutable_referral_date(), true);
      } else if (name == "ReferralSource") {
        referral_.set_source(value);
      } else if (name == "PrimaryNeedCode") {
        referral_.set_primary_need(value);
      } else if (name == "CINclosureDate" && !value.empty()) {
        Date(value, name, referral_.mutable_closure_date(), true);
      } else if (name == "ReasonForClosure") {
        referral_.set_closure_reason(value);
      } else if (name == "ReferralNFA") {
        referral_.set_nfa_known(!value.empty());
        referral_.set_nfa(value == "1" || value == "true");
      }
    } else if (name == "CINdetails") {
      EmitChild();
      if (raw_child_.empty()) {
        sink_.OnIssue(MakeIssue("structure", v1::ERROR,
                                absl::StrCat(file_, " line ", referral_line_,
                                             ": CINdetails of a child with no LAchildID"),
                                file_, referral_line_, "LAchildID", "", Path()),
                      true);
      } else if (!has_referral_date_ && !referral_.has_referral_date()) {
        sink_.OnIssue(MakeIssue("structure", v1::ERROR,
                                absl::StrCat(file_, " line ", referral_line_, ", child ", raw_child_,
                                             ": CINdetails has no CINreferralDate"),
                                file_, referral_line_, "CINreferralDate", raw_child_, Path()),
                      true);
      } else if (has_referral_date_) {
        v1::Record rec;
        rec.set_line(referral_line_);
        *rec.mutable_referral() = referral_;
        sink_.OnRecord(std::move(rec), raw_child_);
      }
    } else if (name == "Child") {
      EmitChild();
    }
    path_.pop_back();
  }

  void EmitChild() {
    if (child_emitted_) return;
    if (raw_child_.empty()) {
      sink_.OnIssue(MakeIssue("structure", v1::ERROR,
                              absl::StrCat(file_, " line ", child_line_, ": a Child with no LAchildID"),
                              file_, child_line_, "LAchildID", "", Path()),
                    true);
      child_emitted_ = true;
      return;
    }
    child_emitted_ = true;
    v1::Record rec;
    rec.set_line(child_line_);
    *rec.mutable_child() = child_;
    sink_.OnRecord(std::move(rec), raw_child_);
  }

  const std::string file_;
  ParseSink& sink_;
  XML_Parser parser_;
  std::vector<Frame> path_;
  bool saw_root_ = false;
  std::optional<int32_t> reference_date_;
  std::string lea_;
  v1::Child child_;
  std::string raw_child_;
  int64_t child_line_ = 0;
  bool child_emitted_ = true;
  v1::Referral referral_;
  int64_t referral_line_ = 0;
  bool has_referral_date_ = false;
};

}  // namespace

absl::Status ParseCinCensus(std::istream& in, const std::string& file_name, ParseSink& sink) {
  CinParser parser(file_name, sink);
  return parser.Run(in);
}

}  // namespace carestat
