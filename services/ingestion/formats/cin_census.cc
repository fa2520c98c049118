#include "services/ingestion/formats/cin_census.h"

#include <expat.h>

#include <algorithm>
#include <cctype>
#include <climits>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <unordered_set>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/common/dates.h"
#include "services/ingestion/formats/annex_a.h"
#include "services/ingestion/formats/codes.h"
#include "services/ingestion/validation/engine.h"

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

bool TrueFlag(const std::string& v) { return v == "1" || v == "true" || v == "True" || v == "TRUE"; }

// One interval of a child's history for the overlap rules: it starts on `start` and
// covers the days up to, not including, `end` (INT64_MIN: it covers none).
struct Span {
  int32_t start;
  int64_t end;
  v1::Record* record;
};

// The spans whose start falls within another span (on or after its start, before its
// end), in their original order; with `same_start`, two spans starting the same day
// always do. Sorted once, so a child with many episodes costs n log n, not n squared.
std::vector<Span> StartsInsideAnother(std::vector<Span> spans, bool same_start) {
  std::vector<size_t> order(spans.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return spans[a].start < spans[b].start; });
  std::vector<bool> inside(spans.size(), false);
  int64_t reach = INT64_MIN;  // the furthest end of the spans starting before this group
  for (size_t g = 0; g < order.size();) {
    size_t h = g;
    const int32_t start = spans[order[g]].start;
    while (h < order.size() && spans[order[h]].start == start) ++h;
    size_t covering = 0;  // spans of this group that cover their own start day
    for (size_t k = g; k < h; ++k) covering += spans[order[k]].end > start;
    for (size_t k = g; k < h; ++k) {
      const Span& s = spans[order[k]];
      const size_t others = covering - (s.end > start ? 1 : 0);
      inside[order[k]] = reach > start || (same_start ? h - g > 1 : others > 0);
    }
    for (size_t k = g; k < h; ++k) reach = std::max(reach, spans[order[k]].end);
    g = h;
  }
  std::vector<Span> out;
  for (size_t i = 0; i < spans.size(); ++i) {
    if (inside[i]) out.push_back(spans[i]);
  }
  return out;
}

// One CIN episode (CINdetails) and everything recorded within it.
struct Episode {
  v1::Record referral;
  std::optional<int32_t> cin_icpc;  // DateOfInitialCPC directly under CINdetails
  bool referral_date_bad = false;   // CINreferralDate given but not a date (reported, rule 8600)
  std::string bad_referral_text;    // that value, and its line
  int64_t bad_referral_line = 0;
  bool closure_date_bad = false;    // CINclosureDate given but not a date (reported, rule date)
  std::vector<v1::Record> assessments, cin_plans, section47s, cp_plans;
  // The same as the rule engine reads them: every element as written, one row per
  // record above (row i of a list is record i).
  validation::Row row;
  std::vector<validation::Row> assessment_rows, cin_plan_rows, section47_rows, cp_plan_rows;
};

// Parser state: the open elements and the child being read. A child's records are
// held until </Child> so that rules spanning its episodes can flag them; memory
// holds one child whatever the file size.
class CinParser {
 public:
  CinParser(const std::string& file, ParseSink& sink, int year) : file_(file), sink_(sink), year_override_(year) {
    parser_ = XML_ParserCreate(nullptr);
    XML_SetUserData(parser_, this);
    XML_SetElementHandler(parser_, &CinParser::Start, &CinParser::End);
    XML_SetCharacterDataHandler(parser_, &CinParser::Text);
  }
  ~CinParser() { XML_ParserFree(parser_); }

  absl::Status Run(std::istream& in) {
    std::vector<char> buf(1 << 16);
    for (;;) {
      in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
      std::streamsize n = in.gcount();
      if (in.bad()) return absl::DataLossError(absl::StrCat(file_, ": read failed"));
      const bool last = n < static_cast<std::streamsize>(buf.size());
      if (XML_Parse(parser_, buf.data(), static_cast<int>(n), last) == XML_STATUS_ERROR) {
        int64_t line = XML_GetCurrentLineNumber(parser_);
        Fatal("xml",
              absl::StrCat(file_, " line ", line, " column ", XML_GetCurrentColumnNumber(parser_),
                           ": malformed XML (", XML_ErrorString(XML_GetErrorCode(parser_)), ")",
                           path_.empty() ? "" : " inside " + Path()),
              line, "");
        return absl::OkStatus();
      }
      if (last) break;
    }
    if (engine_ && !fatal_) {
      // The rules over the whole census (duplicates across children, counts).
      std::vector<validation::Finding> findings;
      engine_->Finish(&findings);
      for (const validation::Finding& f : findings) sink_.OnIssue(validation::IssueOf(f), false);
    }
    if (!saw_root_) {
      Fatal("xml", absl::StrCat(file_, ": no <Message> element"), 0, "");
    } else if (root_is_message_ && !saw_header_) {
      // Without the header's ReferenceDate no census year is known to check against.
      Fatal("100", absl::StrCat(file_, ": no <Header> (with its CollectionDetails and ReferenceDate) in <Message>"),
            0, "ReferenceDate");
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

  void Fatal(const std::string& rule, const std::string& message, int64_t line, const std::string& field) {
    fatal_ = true;
    sink_.OnIssue(MakeIssue(rule, v1::ERROR, message, file_, line, field, raw_child_, Path()), true);
  }

  // A rule broken by `record` (when given): the issue is reported and, for errors, the
  // record is flagged so metrics leave it out.
  void Rule(const std::string& rule, v1::Severity severity, const std::string& message, int64_t line,
            const std::string& field, v1::Record* record = nullptr) {
    sink_.OnIssue(MakeIssue(rule, severity,
                            absl::StrCat(file_, " line ", line, ": ", message, " (",
                                         field, ")"),
                            file_, line, field, raw_child_, Path()),
                  false);
    if (record) {
      record->add_issue_rules(rule);
      if (severity == v1::ERROR) record->set_has_error(true);
    }
  }

  void StrayText(Frame& f) {
    if (!Blank(f.text)) {
      sink_.OnIssue(MakeIssue("stray-text", v1::QUERY,
                              absl::StrCat(file_, " line ", Line(), ": text between elements inside ", Path(),
                                           " ignored (not shown: it may be anything)"),
                              file_, Line(), f.name, raw_child_, Path()),
                    false);
    }
    f.text.clear();
  }

  void OnStart(const std::string& name) {
    if (path_.empty()) {
      saw_root_ = true;
      root_is_message_ = name == "Message";
      if (name != "Message") {
        Fatal("xml", absl::StrCat(file_, ": the root element is <", name, ">, expected <Message>"), Line(), "");
      }
    } else {
      path_.back().has_children = true;
      StrayText(path_.back());
    }
    path_.push_back(Frame{name, "", false});
    const int64_t line = Line();
    if (name == "Child") {
      child_ = v1::Record();
      child_.set_line(line);
      child_.mutable_child();
      raw_child_.clear();
      child_row_ = validation::Row();
      child_row_.table = validation::Intern("Child");
      child_row_.line = line;
      child_row_.file = file_;
      upn_.clear();
      sex_.clear();
      sex_field_.clear();
      episodes_.clear();
    } else if (name == "CINdetails") {
      episodes_.emplace_back();
      episodes_.back().referral.set_line(line);
      episodes_.back().referral.mutable_referral();
      NewRow(&episodes_.back().row, "CINdetails", line);
    } else if (!episodes_.empty() && path_.size() >= 2 && path_[path_.size() - 2].name == "CINdetails") {
      Episode& e = episodes_.back();
      std::vector<v1::Record>* list = name == "Assessments"            ? &e.assessments
                                      : name == "CINPlanDates"         ? &e.cin_plans
                                      : name == "Section47"            ? &e.section47s
                                      : name == "ChildProtectionPlans" ? &e.cp_plans
                                                                       : nullptr;
      std::vector<validation::Row>* rows = name == "Assessments"            ? &e.assessment_rows
                                           : name == "CINPlanDates"         ? &e.cin_plan_rows
                                           : name == "Section47"            ? &e.section47_rows
                                           : name == "ChildProtectionPlans" ? &e.cp_plan_rows
                                                                            : nullptr;
      if (rows) NewRow(&rows->emplace_back(), name, line);
      if (list) {
        list->emplace_back();
        list->back().set_line(line);
        if (name == "Assessments") list->back().mutable_assessment();
        if (name == "CINPlanDates") list->back().mutable_cin_plan();
        if (name == "Section47") list->back().mutable_section47();
        if (name == "ChildProtectionPlans") list->back().mutable_cp_plan();
      }
    }
  }

  // A date element's value; an error (rule `date`) flagged on `record` when it is not a
  // date. No date makes the file unreadable: one bad value is reported and the rest read.
  std::optional<int32_t> Date(const std::string& value, const std::string& field, v1::Record* record) {
    auto d = ParseIsoDate(value);
    if (!d) {
      sink_.OnIssue(MakeIssue("date", v1::ERROR,
                              absl::StrCat(file_, " line ", Line(), ": ", field, " ", ShowValue(field, value),
                                           " is not a date (expected YYYY-MM-DD)"),
                              file_, Line(), field, raw_child_, Path()),
                    false);
      if (record) {
        record->add_issue_rules("date");
        record->set_has_error(true);
      }
    }
    return d;
  }

  // `out` is called only for a real date, so an empty element leaves the field unset.
  // Returns false when the value is given but is not a date.
  template <typename Out>
  bool SetDate(const std::string& value, const std::string& field, v1::Record* record, Out out) {
    if (value.empty()) return true;
    auto d = Date(value, field, record);
    if (d) *out() = FromDays(*d);
    return d.has_value();
  }

  // DfE rule 8600 ("Child referral date missing or after data collection period") where
  // the CINreferralDate is missing or not a date: the episode cannot be keyed, so it and
  // everything recorded within it are left out, and the rest of the file is read.
  void ReferralDateUnusable(const Episode& e, const std::string& problem, int64_t line) {
    const size_t within = e.assessments.size() + e.cin_plans.size() + e.section47s.size() + e.cp_plans.size();
    sink_.OnIssue(MakeIssue("8600", v1::ERROR,
                            absl::StrCat(file_, " line ", line, ": ", problem,
                                         ", so this CIN episode (CINdetails) is left out",
                                         within ? absl::StrCat(" with the ", within, " records within it") : "",
                                         " (rule 8600: child referral date missing or after data collection "
                                         "period)"),
                            file_, line, "CINreferralDate", raw_child_, Path()),
                  false);
  }

  void NewRow(validation::Row* row, std::string_view table, int64_t line) {
    row->table = validation::Intern(table);
    row->line = line;
    row->file = file_;
  }

  // The engine's row that a leaf element inside a <Child> belongs to: the nearest
  // enclosing Assessments, CINPlanDates, Section47, ChildProtectionPlans, CINdetails or
  // Child; nullptr outside a child.
  validation::Row* RowOfLeaf() {
    Episode* e = episodes_.empty() ? nullptr : &episodes_.back();
    for (size_t i = path_.size() - 1; i-- > 0;) {
      const std::string& n = path_[i].name;
      if (n == "Child") return &child_row_;
      if (!e) continue;
      if (n == "CINdetails") return &e->row;
      std::vector<validation::Row>* rows = n == "Assessments"            ? &e->assessment_rows
                                           : n == "CINPlanDates"         ? &e->cin_plan_rows
                                           : n == "Section47"            ? &e->section47_rows
                                           : n == "ChildProtectionPlans" ? &e->cp_plan_rows
                                                                         : nullptr;
      if (rows) return rows->empty() ? nullptr : &rows->back();
    }
    return nullptr;
  }

  void OnEnd(const std::string& name) {
    Frame f = std::move(path_.back());
    if (f.has_children) StrayText(f);
    const std::string parent = path_.size() >= 2 ? path_[path_.size() - 2].name : "";
    const std::string value = Trim(f.text);
    Episode* e = episodes_.empty() ? nullptr : &episodes_.back();
    if (!f.has_children) {
      if (validation::Row* row = RowOfLeaf()) row->Set(name, value, Line());
    }

    if (parent == "CollectionDetails" && name == "ReferenceDate") {
      reference_date_ = ParseIsoDate(value);
      if (!reference_date_) {
        Fatal("100", absl::StrCat(file_, " line ", Line(), ": ReferenceDate '", value,
                                  "' is not a date (expected YYYY-03-31)"),
              Line(), "ReferenceDate");
      }
    } else if (parent == "CollectionDetails" && name == "Year") {
      year_text_ = value;
      year_line_ = Line();
    } else if (parent == "Source" && name == "LEA") {
      lea_ = value;
    } else if (name == "Header") {
      saw_header_ = true;
      EndHeader();
    } else if (parent == "ChildIdentifiers") {
      v1::Child* c = child_.mutable_child();
      if (name == "LAchildID") raw_child_ = value;
      else if (name == "UPN") upn_ = value;
      else if (name == "PersonBirthDate") SetDate(value, name, &child_, [&] { return c->mutable_birth_date(); });
      else if (name == "ExpectedPersonBirthDate") SetDate(value, name, &child_, [&] { return c->mutable_expected_birth_date(); });
      else if (name == "PersonDeathDate") SetDate(value, name, &child_, [&] { return c->mutable_death_date(); });
      else if (name == "GenderCurrent" || name == "Sex") {
        c->set_sex(ParseSex(value));
        sex_ = value;
        sex_field_ = name;
      }
    } else if (parent == "ChildCharacteristics" && name == "Ethnicity") {
      child_.mutable_child()->set_ethnicity(value);
    } else if (parent == "Disabilities" && name == "Disability") {
      child_.mutable_child()->add_disabilities(value);
    } else if (parent == "CINdetails" && e) {
      v1::Referral* r = e->referral.mutable_referral();
      if (name == "CINreferralDate") {
        if (!value.empty() && !ParseIsoDate(value)) {
          // Reported once the episode ends (rule 8600), with how much is left out.
          e->referral_date_bad = true;
          e->bad_referral_text = value;
          e->bad_referral_line = Line();
        } else {
          SetDate(value, name, &e->referral, [&] { return r->mutable_referral_date(); });
        }
      }
      else if (name == "ReferralSource") r->set_source(value);
      else if (name == "PrimaryNeedCode") r->set_primary_need(value);
      else if (name == "CINclosureDate") {
        e->closure_date_bad = !SetDate(value, name, &e->referral, [&] { return r->mutable_closure_date(); });
      }
      else if (name == "ReasonForClosure") r->set_closure_reason(value);
      else if (name == "ReferralNFA") {
        r->set_nfa_known(!value.empty());
        r->set_nfa(TrueFlag(value));
      } else if (name == "DateOfInitialCPC" && !value.empty()) {
        e->cin_icpc = Date(value, name, &e->referral);
      }
    } else if (name == "CINdetails" && e) {
      if (e->referral_date_bad) {
        ReferralDateUnusable(*e,
                             absl::StrCat("CINreferralDate ", ShowValue("CINreferralDate", e->bad_referral_text),
                                          " is not a date (expected YYYY-MM-DD)"),
                             e->bad_referral_line);
      } else if (!e->referral.referral().has_referral_date()) {
        ReferralDateUnusable(*e, "CINdetails has no CINreferralDate", e->referral.line());
      }
    } else if (parent == "Assessments" && e && !e->assessments.empty()) {
      v1::Record& rec = e->assessments.back();
      v1::Assessment* a = rec.mutable_assessment();
      if (name == "AssessmentActualStartDate") SetDate(value, name, &rec, [&] { return a->mutable_start_date(); });
      else if (name == "AssessmentAuthorisationDate") SetDate(value, name, &rec, [&] { return a->mutable_authorisation_date(); });
    } else if (parent == "FactorsIdentifiedAtAssessment" && name == "AssessmentFactors" && e &&
               !e->assessments.empty() && !value.empty()) {
      e->assessments.back().mutable_assessment()->add_factors(value);
    } else if (parent == "CINPlanDates" && e && !e->cin_plans.empty()) {
      v1::Record& rec = e->cin_plans.back();
      v1::CinPlan* p = rec.mutable_cin_plan();
      if (name == "CINPlanStartDate") SetDate(value, name, &rec, [&] { return p->mutable_start_date(); });
      else if (name == "CINPlanEndDate") SetDate(value, name, &rec, [&] { return p->mutable_end_date(); });
    } else if (parent == "Section47" && e && !e->section47s.empty()) {
      v1::Record& rec = e->section47s.back();
      v1::Section47* s = rec.mutable_section47();
      if (name == "S47ActualStartDate") SetDate(value, name, &rec, [&] { return s->mutable_start_date(); });
      else if (name == "InitialCPCtarget") SetDate(value, name, &rec, [&] { return s->mutable_icpc_target_date(); });
      else if (name == "DateOfInitialCPC") SetDate(value, name, &rec, [&] { return s->mutable_icpc_date(); });
      else if (name == "ICPCnotRequired") s->set_icpc_not_required(TrueFlag(value));
    } else if (parent == "ChildProtectionPlans" && e && !e->cp_plans.empty()) {
      v1::Record& rec = e->cp_plans.back();
      v1::CpPlan* p = rec.mutable_cp_plan();
      if (name == "CPPstartDate") SetDate(value, name, &rec, [&] { return p->mutable_start_date(); });
      else if (name == "CPPendDate") SetDate(value, name, &rec, [&] { return p->mutable_end_date(); });
      else if (name == "InitialCategoryOfAbuse") p->set_initial_category(value);
      else if (name == "LatestCategoryOfAbuse") p->set_latest_category(value);
      else if (name == "NumberOfPreviousCPP" && !value.empty()) {
        int n = 0;
        bool digits = std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; });
        if (digits && value.size() < 4) n = std::stoi(value);
        p->set_previous_plans(n);
        p->set_previous_plans_known(digits);
      }
    } else if (parent == "Reviews" && name == "CPPreviewDate" && e && !e->cp_plans.empty() && !value.empty()) {
      // An empty review date is a review with a missing date, DfE's query 8842Q, not a
      // value that is not a date: it is left out, as every other empty date element is.
      if (auto d = Date(value, name, &e->cp_plans.back())) {
        *e->cp_plans.back().mutable_cp_plan()->add_review_dates() = FromDays(*d);
      }
    } else if (name == "Child") {
      EndChild();
    }
    path_.pop_back();
  }

  // Rule 100: <ReferenceDate> is 31 March of the collection year. The year is the
  // header's <Year> when it states one (so `validate` on a file alone checks the two
  // against each other), else the financial year the ReferenceDate falls in. Ingestion
  // also holds the ReferenceDate to the year the file was filed under (header-year).
  void EndHeader() {
    int cy = 0;
    std::optional<int> stated_year;
    if (!year_text_.empty()) {
      const bool digits = year_text_.size() == 4 && std::all_of(year_text_.begin(), year_text_.end(), [](char c) {
                            return c >= '0' && c <= '9';
                          });
      if (digits) {
        stated_year = std::stoi(year_text_);
      } else {
        const int64_t line = year_line_ > 0 ? year_line_ : Line();
        sink_.OnIssue(MakeIssue("100", v1::ERROR,
                                absl::StrCat(file_, " line ", line, ": the header's Year ", ShowValue("Year", year_text_),
                                             " is not a year (expected YYYY, the year the census ends)"),
                                file_, line, "Year", "", Path()),
                      false);
      }
    }
    if (reference_date_) {
      cy = FinancialYearOf(*reference_date_) + 1;
      int y, m, d;
      CivilFromDays(*reference_date_, &y, &m, &d);
      const int expected = stated_year.value_or(cy);
      if (m != 3 || d != 31 || y != expected) {
        sink_.OnIssue(MakeIssue("100", v1::ERROR,
                                absl::StrCat(file_, " line ", Line(), ": Reference Date is incorrect: ",
                                             FormatIsoDate(*reference_date_), " where 31 March ", expected,
                                             " was expected",
                                             stated_year ? absl::StrCat(" (the header's Year is ", *stated_year, ")") : ""),
                                file_, Line(), "ReferenceDate", "", Path()),
                      false);
      }
      census_end_ = *reference_date_;
      census_start_ = FinancialYearStart(cy - 1);
    } else {
      Fatal("100", absl::StrCat(file_, ": the header has no ReferenceDate"), Line(), "ReferenceDate");
    }
    collection_year_ = cy;
    sink_.OnHeader(lea_, cy, static_cast<int>(Line()));
    // DfE's rules of the census year (or of the year asked for), run child by child.
    validation::Context ctx;
    ctx.dataset = "cin";
    ctx.year = year_override_ ? year_override_ : cy;
    ctx.period_start = census_start_;
    ctx.period_end = census_end_.value_or(0);
    ctx.la = lea_;
    ctx.file = file_;
    if (sink_.WantsEngineRules()) engine_ = std::make_unique<validation::Engine>(std::move(ctx));
  }

  bool InCensus(int32_t d) const { return census_end_ && d >= census_start_ && d <= *census_end_; }

  void EndChild() {
    // DfE rule 8500: a child without an LAchildID cannot be keyed. It is reported, its
    // other rules are still checked (their issues name no child), and neither it nor its
    // episodes are stored; the rest of the file is read.
    const bool keyed = !raw_child_.empty();
    if (!keyed) {
      size_t episodes = 0;
      for (const Episode& e : episodes_) episodes += e.referral.referral().has_referral_date();
      sink_.OnIssue(MakeIssue("8500", v1::ERROR,
                              absl::StrCat(file_, " line ", child_.line(),
                                           ": LA Child ID missing (LAchildID), so this child is left out",
                                           episodes ? absl::StrCat(" with its ", episodes, " CIN episode",
                                                                   episodes == 1 ? "" : "s")
                                                    : "",
                                           " (rule 8500)"),
                              file_, child_.line(), "LAchildID", "", Path()),
                    false);
    } else if (!seen_children_.insert(raw_child_).second) {
      Rule("8510", v1::ERROR, "more than one child record with the same LA Child ID", child_.line(), "LAchildID",
           &child_);
    }
    CheckChild();
    for (Episode& e : episodes_) CheckEpisode(e);
    CheckAcrossEpisodes();
    RunEngine();
    if (!keyed) {
      episodes_.clear();
      return;
    }
    sink_.OnRecord(std::move(child_), raw_child_);
    for (Episode& e : episodes_) {
      if (!e.referral.referral().has_referral_date()) continue;  // reported under 8600 and left out
      const v1::Date referral_date = e.referral.referral().referral_date();
      sink_.OnRecord(std::move(e.referral), raw_child_);
      for (auto* list : {&e.assessments, &e.cin_plans, &e.section47s, &e.cp_plans}) {
        for (v1::Record& r : *list) {
          switch (r.kind_case()) {
            case v1::Record::kAssessment: *r.mutable_assessment()->mutable_referral_date() = referral_date; break;
            case v1::Record::kCinPlan: *r.mutable_cin_plan()->mutable_referral_date() = referral_date; break;
            case v1::Record::kSection47: *r.mutable_section47()->mutable_referral_date() = referral_date; break;
            case v1::Record::kCpPlan: *r.mutable_cp_plan()->mutable_referral_date() = referral_date; break;
            default: break;
          }
          sink_.OnRecord(std::move(r), raw_child_);
        }
      }
    }
    episodes_.clear();
  }

  // The rule engine's rules on this child: its issues are reported, and an error flags
  // the record of the row it points at.
  void RunEngine() {
    if (!engine_) return;
    validation::ChildData child;
    child.id = raw_child_;
    child_row_.record = &child_;
    child.tables["Child"].push_back(&child_row_);
    auto add = [&](std::vector<validation::Row>& rows, std::vector<v1::Record>& records, const validation::Row* parent) {
      for (size_t i = 0; i < rows.size(); ++i) {
        rows[i].parent = parent;
        rows[i].record = i < records.size() ? &records[i] : nullptr;
        child.tables[std::string(rows[i].table)].push_back(&rows[i]);
      }
    };
    for (Episode& e : episodes_) {
      e.row.record = &e.referral;
      child.tables["CINdetails"].push_back(&e.row);
      add(e.assessment_rows, e.assessments, &e.row);
      add(e.cin_plan_rows, e.cin_plans, &e.row);
      add(e.section47_rows, e.section47s, &e.row);
      add(e.cp_plan_rows, e.cp_plans, &e.row);
    }
    std::vector<validation::Finding> findings;
    engine_->Child(child, &findings);
    for (const validation::Finding& f : findings) {
      sink_.OnIssue(validation::IssueOf(f), false);
      validation::FlagRecord(f);
    }
  }

  void CheckChild() {
    v1::Child* c = child_.mutable_child();
    const int64_t line = child_.line();
    if (!upn_.empty()) {
      const std::vector<std::string> problems = UpnProblems(upn_, collection_year_);
      for (const std::string& problem : problems) {
        const size_t space = problem.find(' ');
        Rule(problem.substr(0, space), v1::ERROR, problem.substr(space + 1), line, "UPN", &child_);
      }
      if (problems.empty()) c->set_upn_known(true);
    }
    // 4180: present, and one of the codes of the census year (GenderCurrent 0/1/2/9 until
    // 2023-24, Sex M/F/U from 2024-25); the element's name is not what is checked.
    if (sex_field_.empty()) sex_field_ = collection_year_ >= 2025 ? "Sex" : "GenderCurrent";
    if (sex_.empty()) {
      Rule("4180", v1::ERROR,
           collection_year_ >= 2025 ? "Sex must be provided and equal M, F, or U" : "Gender is missing", line,
           sex_field_, &child_);
    } else if (!IsCinSexCode(sex_, collection_year_)) {
      Rule("4180", v1::ERROR,
           absl::StrCat(sex_field_, " ", ShowValue(sex_field_, sex_), " is not a code of the census ending in ",
                        collection_year_, " (", CinSexCodes(collection_year_), ")"),
           line, sex_field_, &child_);
    }
    if (!IsCode(CodeList::kEthnicity, c->ethnicity())) {
      Rule("4220", v1::ERROR, absl::StrCat("Ethnicity '", c->ethnicity(), "' is missing or invalid"), line,
           "Ethnicity", &child_);
    }
    if (c->has_birth_date() && census_end_ && ToDays(c->birth_date()) > *census_end_) {
      Rule("8520", v1::ERROR, "Date of Birth is after the data collection period", line, "PersonBirthDate",
           &child_);
    }
  }

  void CheckEpisode(Episode& e) {
    v1::Record& rec = e.referral;
    const v1::Referral& r = rec.referral();
    const int64_t line = rec.line();
    // An episode without a (readable) referral date was reported under 8600 and is left
    // out; it is still checked against every rule that does not need that date, so
    // that validate reports all its problems at once.
    const bool has_referral = r.has_referral_date();
    const int32_t referral = has_referral ? ToDays(r.referral_date()) : 0;
    auto before_referral = [&](int32_t d) { return has_referral && d < referral; };
    if (has_referral && census_end_ && referral > *census_end_) {
      Rule("8600", v1::ERROR, "Child referral date is after the data collection period", line, "CINreferralDate",
           &rec);
    }
    // 8866 applies to referrals on or after 1 April 2013, when ReferralSource began.
    if (has_referral && referral >= DayNumber(2013, 4, 1) && !IsCode(CodeList::kReferralSource, r.source())) {
      Rule("8866", v1::ERROR, absl::StrCat("Source of Referral '", r.source(), "' is missing or an invalid code"),
           line, "ReferralSource", &rec);
    }
    if (!r.primary_need().empty() && !IsCode(CodeList::kPrimaryNeed, r.primary_need())) {
      Rule("8650", v1::ERROR, absl::StrCat("Primary Need Code '", r.primary_need(), "' invalid"), line,
           "PrimaryNeedCode", &rec);
    }
    if (!r.closure_reason().empty() && !IsCode(CodeList::kReasonForClosure, r.closure_reason())) {
      Rule("8640", v1::ERROR, absl::StrCat("CIN Reason for closure code '", r.closure_reason(), "' invalid"), line,
           "ReasonForClosure", &rec);
    }
    if (r.has_closure_date()) {
      const int32_t closure = ToDays(r.closure_date());
      if (before_referral(closure)) {
        Rule("8630", v1::ERROR, "CIN Closure Date is before CIN Referral Date", line, "CINclosureDate", &rec);
      }
      if (census_end_ && !InCensus(closure)) {
        Rule("8620", v1::ERROR, "CIN Closure Date does not fall within the census year", line, "CINclosureDate",
             &rec);
      }
    }
    if (e.cin_icpc && before_referral(*e.cin_icpc)) {
      Rule("1104", v1::ERROR, "the initial child protection conference is before the referral date",
           line, "DateOfInitialCPC", &rec);
    }
    for (v1::Record& ar : e.assessments) {
      const v1::Assessment& a = ar.assessment();
      if (a.has_start_date() && before_referral(ToDays(a.start_date()))) {
        Rule("1103", v1::ERROR, "The assessment start date cannot be before the referral date", ar.line(),
             "AssessmentActualStartDate", &ar);
      }
      if (a.has_start_date() && census_end_ && ToDays(a.start_date()) > *census_end_) {
        Rule("dates", v1::ERROR, "the assessment starts after the ReferenceDate", ar.line(),
             "AssessmentActualStartDate", &ar);
      }
      bool has21 = false;
      std::set<std::string> seen;
      bool dup = false;
      for (const auto& f : a.factors()) {
        has21 = has21 || f == "21";
        dup = dup || !seen.insert(f).second;
      }
      if (has21 && a.factors_size() > 1) {
        Rule("8869", v1::ERROR, "assessment factor 21 (no factors identified) is used with other factors",
             ar.line(), "AssessmentFactors", &ar);
      }
      if (dup) {
        Rule("8898", v1::ERROR, "the assessment has more than one factor with the same code", ar.line(),
             "AssessmentFactors", &ar);
      }
      if (!a.has_authorisation_date() && a.factors_size() > 0) {
        Rule("8614", v1::ERROR, "factors at assessment are present for an assessment not completed", ar.line(),
             "AssessmentFactors", &ar);
      }
    }
    int open_s47 = 0;
    for (v1::Record& sr : e.section47s) {
      const v1::Section47& s = sr.section47();
      if (!s.has_icpc_date() && !s.icpc_not_required()) ++open_s47;
      if (s.has_icpc_date() && before_referral(ToDays(s.icpc_date()))) {
        Rule("1104", v1::ERROR, "the initial child protection conference is before the referral date", sr.line(),
             "DateOfInitialCPC", &sr);
      }
      if (s.has_start_date() && census_end_ && ToDays(s.start_date()) > *census_end_) {
        Rule("dates", v1::ERROR, "the section 47 enquiry starts after the ReferenceDate", sr.line(),
             "S47ActualStartDate", &sr);
      }
    }
    if (open_s47 > 1) {
      Rule("8839", v1::ERROR, "within one CINdetails there are 2 or more open section 47 enquiries",
           e.section47s.back().line(), "DateOfInitialCPC", &e.section47s.back());
    }
    for (v1::Record& pr : e.cp_plans) {
      v1::CpPlan* p = pr.mutable_cp_plan();
      if (!p->has_start_date()) continue;
      const int32_t start = ToDays(p->start_date());
      if (before_referral(start)) {
        Rule("1105", v1::ERROR, "The child protection plan start date cannot be before the referral date",
             pr.line(), "CPPstartDate", &pr);
      }
      if (p->has_end_date() && ToDays(p->end_date()) == start) {
        Rule("8840", v1::ERROR, "Child Protection Plan cannot start and end on the same day", pr.line(),
             "CPPendDate", &pr);
      }
      if (!IsCode(CodeList::kCategoryOfAbuse, p->initial_category())) {
        Rule("8905", v1::ERROR,
             absl::StrCat("Initial Category of Abuse code '", p->initial_category(), "' missing or invalid"),
             pr.line(), "InitialCategoryOfAbuse", &pr);
      }
      if (!IsCode(CodeList::kCategoryOfAbuse, p->latest_category())) {
        Rule("8910", v1::ERROR,
             absl::StrCat("Latest Category of Abuse code '", p->latest_category(), "' missing or invalid"),
             pr.line(), "LatestCategoryOfAbuse", &pr);
      }
      // 2885: a plan starting in the census year starts on the day of its ICPC.
      if (InCensus(start)) {
        std::vector<int32_t> icpcs;
        for (const v1::Record& sr : e.section47s) {
          if (sr.section47().has_icpc_date() && !sr.section47().icpc_not_required())
            icpcs.push_back(ToDays(sr.section47().icpc_date()));
        }
        if (e.section47s.empty() && e.cin_icpc) icpcs.push_back(*e.cin_icpc);
        if (std::find(icpcs.begin(), icpcs.end(), start) == icpcs.end()) {
          Rule("2885", v1::ERROR,
               "Child protection plan shown as starting a different day to the initial child protection "
               "conference",
               pr.line(), "CPPstartDate", &pr);
        }
      }
    }
  }

  void CheckAcrossEpisodes() {
    // 8820 (DfE): where a child has more than one CINdetails, no CINreferralDate may fall
    // a) on or after another episode's CINreferralDate and before its CINclosureDate, or
    // b) on or after the CINreferralDate of another episode that has no closure date and
    //    whose ReferralNFA is false or 0, up to the ReferenceDate.
    // One episode may close the day the next starts; an open referral that was NFA'd (no
    // further action) covers no days.
    const int64_t after_census = census_end_ ? int64_t{*census_end_} + 1 : INT64_MAX;
    std::vector<Span> episodes;
    for (Episode& e : episodes_) {
      const v1::Referral& r = e.referral.referral();
      if (!r.has_referral_date()) continue;
      // A closure date that is not a date (reported) gives no end: such an episode is
      // not taken to cover anything, as it would be if read as open.
      const int64_t end = r.has_closure_date()              ? ToDays(r.closure_date())
                          : e.closure_date_bad              ? INT64_MIN
                          : r.nfa_known() && !r.nfa() ? after_census
                                                            : INT64_MIN;
      episodes.push_back(Span{ToDays(r.referral_date()), end, &e.referral});
    }
    for (const Span& e : StartsInsideAnother(episodes, false)) {
      Rule("8820", v1::ERROR, "The dates on the CIN episodes for this child overlap", e.record->line(),
           "CINreferralDate", e.record);
    }
    // 8935 and 8940 across every plan of the child.
    std::vector<v1::Record*> plans;
    for (Episode& e : episodes_) {
      for (v1::Record& p : e.cp_plans) {
        if (p.cp_plan().has_start_date()) plans.push_back(&p);
      }
    }
    int open = 0;
    for (v1::Record* p : plans) open += !p->cp_plan().has_end_date();
    if (open > 1) {
      for (v1::Record* p : plans) {
        if (!p->cp_plan().has_end_date()) {
          Rule("8935", v1::ERROR, "This child is showing more than one open Child Protection plan", p->line(),
               "CPPendDate", p);
        }
      }
    }
    // 8940 (DfE): no plan's CPPstartDate may fall within another plan's CPPstartDate to
    // CPPendDate (to the ReferenceDate when it is open). Two plans starting the same day
    // overlap; back-to-back plans (one ends the day the next starts) do not.
    std::vector<Span> spans;
    for (v1::Record* p : plans) {
      const v1::CpPlan& c = p->cp_plan();
      spans.push_back(Span{ToDays(c.start_date()), c.has_end_date() ? int64_t{ToDays(c.end_date())} : after_census, p});
    }
    for (const Span& p : StartsInsideAnother(spans, true)) {
      Rule("8940", v1::ERROR, "Child Protection Plan data contains overlapping dates", p.record->line(), "CPPstartDate",
           p.record);
    }
  }

  const std::string file_;
  ParseSink& sink_;
  XML_Parser parser_;
  std::vector<Frame> path_;
  bool saw_root_ = false;
  bool saw_header_ = false;
  bool root_is_message_ = false;
  std::optional<int32_t> reference_date_;
  std::optional<int32_t> census_end_;
  int32_t census_start_ = 0;
  std::string lea_;
  v1::Record child_;
  std::string raw_child_;
  std::string upn_;
  std::string sex_;                  // the child's sex code as written
  std::string sex_field_;            // GenderCurrent (to 2023-24) or Sex, as the file names it
  std::string year_text_;            // the header's <Year>
  int64_t year_line_ = 0;
  int collection_year_ = 0;          // from the ReferenceDate: 2016 for 2015-16
  std::vector<Episode> episodes_;
  std::unordered_set<std::string> seen_children_;
  const int year_override_;          // the collection year asked for (0: the header's)
  bool fatal_ = false;
  validation::Row child_row_;        // the child's elements, for the rule engine
  std::unique_ptr<validation::Engine> engine_;
};

}  // namespace

absl::Status ParseCinCensus(std::istream& in, const std::string& file_name, ParseSink& sink, int collection_year) {
  CinParser parser(file_name, sink, collection_year);
  return parser.Run(in);
}

}  // namespace carestat
