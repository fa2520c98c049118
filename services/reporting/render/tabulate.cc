#include "services/reporting/render/tabulate.h"

#include <ctime>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "services/reporting/format.h"
#include "services/reporting/render/narrative_text.h"
#include "services/reporting/reports/rating.h"
#include "services/reporting/reports/series.h"
#include "services/reporting/render/text.h"

namespace carestat {

OutCell OutCell::Text(std::string s) {
  OutCell c;
  c.text = std::move(s);
  return c;
}

OutCell OutCell::Of(const v1::Cell& cell, const std::string& unit) {
  OutCell c;
  if (cell.suppressed()) {
    c.kind = kSuppressed;
  } else if (!cell.has_value()) {
    c.kind = kMissing;
    c.text = cell.missing();  // why, where known
  } else {
    c.kind = kNumber;
    c.number = cell.value();
  }
  c.unit = unit;
  return c;
}

OutCell OutCell::Integer(long long n) {
  OutCell c;
  c.kind = kNumber;
  c.number = static_cast<double>(n);
  c.unit = "count";
  return c;
}

namespace {

std::string IsoTime(int64_t unix_ms) {
  if (unix_ms <= 0) return "";
  std::time_t t = static_cast<std::time_t>(unix_ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

const v1::ComparatorValue* FindComparator(const google::protobuf::RepeatedPtrField<v1::ComparatorValue>& cs,
                                          const std::string& prefix) {
  for (const auto& c : cs) {
    if (c.entity().rfind(prefix, 0) == 0) return &c;
  }
  return nullptr;
}

void AddComparatorCells(const google::protobuf::RepeatedPtrField<v1::ComparatorValue>& cs, const std::string& unit,
                        std::vector<OutCell>* row) {
  for (const char* prefix : {"ENG", "LON", "SN:"}) {
    const auto* c = FindComparator(cs, prefix);
    row->push_back(c ? OutCell::Of(c->value(), unit) : OutCell::Of(v1::Cell(), unit));
  }
}


}  // namespace

// carestat's figures beside published ones: the self-assessment's reconciliation with
// DfE, the annual report's differences (with who published each figure).
DataTable ReconciliationTable(const google::protobuf::RepeatedPtrField<v1::Reconciliation>& recs,
                              const std::string& note, const std::string& name, const std::string& sheet,
                              const std::string& title, bool publisher) {
  DataTable rt;
  rt.name = name;
  rt.sheet = sheet;
  rt.title = title;
  rt.source = note;
  rt.header = {"indicator", "label", "unit", "year"};
  if (publisher) rt.header.insert(rt.header.end(), {"published_by", "source"});
  rt.header.insert(rt.header.end(), {"computed", "published", "difference", "reason"});
  rt.key_columns = publisher ? std::vector<int>{0, 3, 4} : std::vector<int>{0, 3};
  for (const auto& rec : recs) {
    std::vector<OutCell> row = {OutCell::Text(rec.indicator()), OutCell::Text(rec.label()), OutCell::Text(rec.unit()),
                                OutCell::Text(rec.period())};
    if (publisher) {
      row.push_back(OutCell::Text(rec.publisher()));
      row.push_back(OutCell::Text(rec.source()));
    }
    row.push_back(OutCell::Of(rec.computed(), rec.unit()));
    row.push_back(OutCell::Of(rec.published(), rec.unit()));
    row.push_back(OutCell::Of(rec.difference(), rec.unit()));
    row.push_back(OutCell::Text(rec.reason()));
    rt.rows.push_back(std::move(row));
  }
  return rt;
}

// The year's returns as stored, rejected or missing (ReturnCoverage), one row each.
DataTable CoverageTable(const google::protobuf::RepeatedPtrField<v1::ReturnCoverage>& coverage,
                        const std::string& note) {
  DataTable d;
  d.name = "returns";
  d.sheet = "Returns";
  d.title = kCoverageHeading;
  d.source = coverage.empty() ? note : kCoverageIntro;
  d.header = {"return", "dataset", "status", "file", "detail", "read by", "expected"};
  d.key_columns = {1};
  for (const auto& c : coverage) {
    d.rows.push_back({OutCell::Text(c.name()), OutCell::Text(c.dataset()), OutCell::Text(c.status()),
                      OutCell::Text(c.file()), OutCell::Text(c.detail()), OutCell::Text(c.feeds()),
                      OutCell::Text(c.expected() ? "yes" : "no")});
  }
  return d;
}

std::vector<DataTable> Tabulate(const v1::AnnualReport& r) {
  std::vector<DataTable> out;
  for (const auto& t : r.tables()) {
    DataTable& d = out.emplace_back();
    d.name = t.id();
    d.sheet = absl::StrCat("Table ", t.number().empty() ? t.id() : t.number());
    d.title = absl::StrCat(d.sheet, ": ", t.title());
    d.source = t.source();
    d.header = {"indicator", "label", "unit"};
    d.key_columns = {0};
    for (const auto& p : t.periods()) d.header.push_back(p);
    if (!t.hide_changes()) {
      d.header.push_back("1 year % change");
      d.header.push_back("5 year % change");
    }
    for (const auto& l : t.comparator_labels()) d.header.push_back(l);
    for (const auto& row : t.rows()) {
      std::vector<OutCell>& cells = d.rows.emplace_back();
      cells = {OutCell::Text(IndicatorKey(row.indicator(), row.breakdown())), OutCell::Text(row.label()),
               OutCell::Text(row.unit())};
      for (const auto& v : row.values()) cells.push_back(OutCell::Of(v, row.unit()));
      if (!t.hide_changes()) {
        cells.push_back(OutCell::Of(row.change_1y_pct(), "percent"));
        cells.push_back(OutCell::Of(row.change_5y_pct(), "percent"));
      }
      for (int i = 0; i < t.comparator_entities_size(); ++i) {
        cells.push_back(i < row.comparators_size() ? OutCell::Of(row.comparators(i), row.unit())
                                                   : OutCell::Of(v1::Cell(), row.unit()));
      }
    }
  }
  for (const auto& f : r.figures()) {
    DataTable& d = out.emplace_back();
    d.name = f.id();
    d.sheet = absl::StrCat("Figure ", f.number(), " data");
    d.title = absl::StrCat("Figure ", f.number(), ": ", f.title());
    d.source = f.source();
    d.header = {"entity", "series", "unit"};
    d.key_columns = {0};
    for (const auto& p : f.periods()) d.header.push_back(p);
    for (const auto& s : f.series()) {
      std::vector<OutCell>& cells = d.rows.emplace_back();
      cells = {OutCell::Text(s.entity()), OutCell::Text(s.label()), OutCell::Text(f.unit())};
      for (const auto& v : s.values()) cells.push_back(OutCell::Of(v, f.unit()));
    }
  }
  // The council's narrative: a row per paragraph, with whether it quotes a changed figure.
  if (HasNarrative(r)) {
    DataTable& n = out.emplace_back();
    n.name = "narrative";
    n.sheet = "Narrative";
    n.title = "The council's narrative: cover sheet, recommendations, reasons and text beside the figures";
    n.source = absl::StrCat("The council's own text, from ", r.narrative().file_name());
    n.header = {"section", "paragraph", "stale", "text"};
    n.key_columns = {0, 1};
    for (const auto& c : r.narrative().cover())
      n.rows.push_back({OutCell::Text("Cover sheet: " + c.label()), OutCell::Integer(1), OutCell::Text("no"),
                        OutCell::Text(c.value())});
    int k = 0;
    for (const auto& rec : r.narrative().recommendations())
      n.rows.push_back({OutCell::Text("Recommendations"), OutCell::Integer(++k), OutCell::Text("no"), OutCell::Text(rec)});
    k = 0;
    for (const auto& rea : r.narrative().reasons())
      n.rows.push_back({OutCell::Text("Reasons"), OutCell::Integer(++k), OutCell::Text("no"), OutCell::Text(rea)});
    for (const auto& s : r.narrative().sections()) {
      k = 0;
      for (const auto& p : s.paragraphs())
        n.rows.push_back({OutCell::Text(s.heading()), OutCell::Integer(++k), OutCell::Text(p.stale() ? "yes" : "no"),
                          OutCell::Text(p.text())});
    }
  }
  DataTable& facts = out.emplace_back();
  facts.name = "facts";
  facts.sheet = "Facts";
  facts.title = absl::StrCat("Figures quoted in the report, ", r.year());
  facts.source = r.rating_rule();
  facts.header = {"section",  "indicator",     "label",         "unit",          "polarity", "period",
                  "value",    "previous period", "previous",    "change",        "change %", "England",
                  "London",   "Statistical neighbours", "target", "target value", "rating",  "rated against",
                  "reason",   "supplied",
                  // DfE's published figures (LAIT), never mixed with the comparators above.
                  "DfE status", "DfE period", "DfE figure", "DfE England", "DfE region", "DfE region figure",
                  "DfE neighbours average", "neighbours with a figure", "neighbours listed", "DfE rank", "rank of",
                  "DfE quartile"};
  facts.key_columns = {1, 5};
  for (const auto& f : r.facts()) {
    std::vector<OutCell>& c = facts.rows.emplace_back();
    c = {OutCell::Text(f.section()), OutCell::Text(IndicatorKey(f.indicator(), f.breakdown())),
         OutCell::Text(f.label()), OutCell::Text(f.unit()), OutCell::Text(f.polarity()), OutCell::Text(f.period()),
         OutCell::Of(f.value(), f.unit()), OutCell::Text(f.previous_period()), OutCell::Of(f.previous(), f.unit()),
         OutCell::Of(f.change(), f.unit()), OutCell::Of(f.change_pct(), "percent")};
    AddComparatorCells(f.comparators(), f.unit(), &c);
    c.push_back(OutCell::Text(f.target().label()));
    c.push_back(f.has_target() ? OutCell::Of(f.target().value(), f.unit()) : OutCell::Text(""));
    c.push_back(OutCell::Text(RatingName(f.rating())));
    c.push_back(OutCell::Text(f.rated_against().label()));
    c.push_back(OutCell::Text(f.rating_reason()));
    c.push_back(OutCell::Text(f.supplied() ? "yes" : "no"));
    const v1::PublishedComparison& d = f.dfe();
    const bool mapped = DfeFiguresHeld(d.status());
    auto published = [&](const v1::Cell& cell) { return mapped ? OutCell::Of(cell, f.unit()) : OutCell::Text(""); };
    c.push_back(OutCell::Text(d.status()));
    c.push_back(OutCell::Text(d.period()));
    c.push_back(mapped && !d.value().has_value() && d.published_text() == "-" ? OutCell::Text("-")
                                                                               : published(d.value()));
    c.push_back(published(d.england()));
    c.push_back(OutCell::Text(d.region_name()));
    c.push_back(published(d.region()));
    c.push_back(published(d.neighbours()));
    c.push_back(mapped ? OutCell::Integer(d.neighbours_with_value()) : OutCell::Text(""));
    c.push_back(mapped ? OutCell::Integer(d.neighbours_listed()) : OutCell::Text(""));
    c.push_back(d.rank() > 0 ? OutCell::Integer(d.rank()) : OutCell::Text(""));
    c.push_back(mapped ? OutCell::Integer(d.rank_of()) : OutCell::Text(""));
    c.push_back(OutCell::Text(d.quartile()));
  }
  out.push_back(CoverageTable(r.coverage(), r.coverage_note()));
  if (r.year_on_year().rows_size() > 0) {
    const v1::YearOnYear& y = r.year_on_year();
    DataTable& d = out.emplace_back();
    d.name = "year_on_year";
    d.sheet = "Year on year";
    d.title = absl::StrCat(kYearOnYearHeading, ": ", r.year(), " against ", y.previous_year());
    d.source = y.note();
    d.header = {"section", "indicator", "breakdown", "label", "unit", "previous_year", "previous", "year", "value",
                "change", "direction", "last_report", "revision"};
    d.key_columns = {1, 2};
    for (const auto& row : y.rows()) {
      d.rows.push_back({OutCell::Text(row.section()), OutCell::Text(row.indicator()), OutCell::Text(row.breakdown()),
                        OutCell::Text(row.label()), OutCell::Text(row.unit()), OutCell::Text(y.previous_year()),
                        OutCell::Of(row.previous(), row.unit()), OutCell::Text(r.year()),
                        OutCell::Of(row.value(), row.unit()), OutCell::Of(row.change(), row.unit()),
                        OutCell::Text(DirectionName(row.direction())),
                        row.last_report().has_value() ? OutCell::Of(row.last_report(), row.unit()) : OutCell::Text(""),
                        OutCell::Text(row.revision())});
    }
  }
  if (!r.differences_note().empty()) {
    out.push_back(ReconciliationTable(r.differences(), r.differences_note(), "differences", "Differences",
                                      kDifferencesHeading, true));
  }
  return out;
}

std::vector<DataTable> Tabulate(const v1::SelfAssessment& sa) {
  static const std::map<std::string, std::string> kSheets = {
      {"front_door", "Front door"},         {"cin_cp", "CIN and child protection"},
      {"looked_after", "Looked-after children"}, {"care_leavers", "Care leavers"},
      {"adoption", "Adoption"},             {"workforce", "Workforce"},
      {"finance", "Finance"},               {"other", "Other local measures"}};
  std::map<std::string, std::string> area_title;
  for (const auto& a : sa.areas()) area_title[a.id()] = a.title();
  std::vector<DataTable> out;
  // The counts, each the number of rows of its findings table's findings.
  DataTable& summary = out.emplace_back();
  summary.name = "summary";
  summary.sheet = "Summary";
  summary.title = "Strengths, areas for focus and figures to watch";
  summary.source = sa.findings_rule();
  summary.header = {"list", "count"};
  summary.key_columns = {0};
  summary.rows.push_back({OutCell::Text("strengths"), OutCell::Integer(sa.strengths_size())});
  summary.rows.push_back({OutCell::Text("areas for focus"), OutCell::Integer(sa.areas_for_focus_size())});
  summary.rows.push_back({OutCell::Text("to watch"), OutCell::Integer(sa.to_watch_size())});
  for (const auto& s : sa.sections()) {
    DataTable& d = out.emplace_back();
    d.name = s.id();
    auto it = kSheets.find(s.id());
    d.sheet = it != kSheets.end() ? it->second : s.id().substr(0, 31);
    d.title = absl::StrCat(s.title(), " (", area_title[s.area()], ")");
    d.source = sa.rating_rule();
    d.header = {"indicator", "label", "unit", "polarity"};
    d.key_columns = {0};
    std::vector<std::string> periods;
    if (!s.indicators().empty()) periods.assign(s.indicators(0).periods().begin(), s.indicators(0).periods().end());
    for (const auto& p : periods) d.header.push_back(p);
    for (const char* h : {"change", "direction", "England", "London", "Statistical neighbours", "target",
                          "target value", "rating", "rated against", "reason", "supplied",
                          // DfE's published figures (LAIT), never mixed with the comparator series.
                          "DfE status", "DfE period", "DfE figure", "DfE England", "DfE region", "DfE region figure",
                          "DfE neighbours average", "DfE rank", "rank of", "DfE quartile"})
      d.header.push_back(h);
    for (const auto& a : s.indicators()) {
      std::vector<OutCell>& c = d.rows.emplace_back();
      c = {OutCell::Text(IndicatorKey(a.indicator(), a.breakdown())), OutCell::Text(a.label()),
           OutCell::Text(a.unit()), OutCell::Text(a.polarity())};
      for (size_t i = 0; i < periods.size(); ++i)
        c.push_back(static_cast<int>(i) < a.values_size() ? OutCell::Of(a.values(i), a.unit())
                                                          : OutCell::Of(v1::Cell(), a.unit()));
      c.push_back(OutCell::Of(a.change(), a.unit()));
      c.push_back(OutCell::Text(DirectionName(a.direction())));
      AddComparatorCells(a.comparators(), a.unit(), &c);
      c.push_back(OutCell::Text(a.target().label()));
      c.push_back(a.has_target() ? OutCell::Of(a.target().value(), a.unit()) : OutCell::Text(""));
      c.push_back(OutCell::Text(RatingName(a.rating())));
      c.push_back(OutCell::Text(a.rated_against().label()));
      c.push_back(OutCell::Text(a.rating_reason()));
      c.push_back(OutCell::Text(a.supplied() ? "yes" : "no"));
      const v1::PublishedComparison& p = a.dfe();
      const bool mapped = p.status() == "mapped";
      auto published = [&](const v1::Cell& cell) { return mapped ? OutCell::Of(cell, a.unit()) : OutCell::Text(""); };
      c.push_back(OutCell::Text(p.status()));
      c.push_back(OutCell::Text(p.period()));
      c.push_back(mapped && !p.value().has_value() && p.published_text() == "-" ? OutCell::Text("-")
                                                                                 : published(p.value()));
      c.push_back(published(p.england()));
      c.push_back(OutCell::Text(p.region_name()));
      c.push_back(published(p.region()));
      c.push_back(published(p.neighbours()));
      c.push_back(p.rank() > 0 ? OutCell::Integer(p.rank()) : OutCell::Text(""));
      c.push_back(mapped ? OutCell::Integer(p.rank_of()) : OutCell::Text(""));
      c.push_back(OutCell::Text(p.quartile()));
    }
  }
  // A row per piece of evidence of each finding (its years, comparator and target).
  for (const auto* list : {&sa.strengths(), &sa.areas_for_focus(), &sa.to_watch()}) {
    const bool strengths = list == &sa.strengths(), focus = list == &sa.areas_for_focus();
    DataTable& d = out.emplace_back();
    d.name = strengths ? "strengths" : focus ? "areas_for_focus" : "to_watch";
    d.sheet = strengths ? "Strengths" : focus ? "Areas for focus" : "To watch";
    d.title = d.sheet;
    d.source = sa.findings_rule();
    d.header = {"area", "section", "indicator", "label", "statement", "reasons", "evidence", "value"};
    d.key_columns = {2, 6};
    for (const auto& f : *list) {
      for (const auto& e : f.evidence()) {
        std::vector<OutCell>& c = d.rows.emplace_back();
        c = {OutCell::Text(area_title[f.area()]), OutCell::Text(f.section()),
             OutCell::Text(IndicatorKey(f.indicator(), f.breakdown())), OutCell::Text(f.label()),
             OutCell::Text(f.statement()), OutCell::Text(absl::StrJoin(f.reasons(), "; ")), OutCell::Text(e.name()),
             OutCell::Of(e.value(), f.unit())};
      }
    }
  }
  // The council's text: a row per slot, saying so where it is still to be written.
  DataTable& narrative = out.emplace_back();
  narrative.name = "narrative";
  narrative.sheet = "Narrative";
  narrative.title = "Audit findings, children's and families' voices, workforce evidence and plans";
  narrative.source = "The council's own text, from the narrative file";
  narrative.header = {"area", "slot", "status", "text"};
  narrative.key_columns = {0, 1};
  for (const auto& a : sa.areas()) {
    std::vector<const v1::NarrativeSlot*> slots;
    for (const auto& s : a.evidence()) slots.push_back(&s);
    slots.push_back(&a.plans());
    for (const v1::NarrativeSlot* s : slots) {
      const bool written = !s->paragraphs().empty();
      narrative.rows.push_back({OutCell::Text(a.title()), OutCell::Text(s->title()),
                                OutCell::Text(written ? "written" : "not yet written"),
                                OutCell::Text(written ? absl::StrJoin(s->paragraphs(), "\n\n") : s->placeholder())});
    }
  }
  out.push_back(CoverageTable(sa.data_quality().coverage(), sa.data_quality().note()));
  // Issues per 1,000 records, to one decimal place.
  auto Rate = [](double v) { return OutCell::Text(absl::StrFormat("%.1f", v)); };
  DataTable& dq = out.emplace_back();
  dq.name = "data_quality";
  dq.sheet = "Data quality";
  dq.title = "Data quality of the year's returns";
  dq.source = sa.data_quality().note();
  dq.header = {"return", "dataset", "file", "uploaded", "children", "records", "errors", "queries", "most frequent rules",
               "errors per 1,000 records", "queries per 1,000 records", "last year's errors per 1,000 records",
               "last year's queries per 1,000 records"};
  dq.key_columns = {0};
  if (!sa.data_quality().available()) {
    dq.rows.push_back({OutCell::Text(kNotAvailable), OutCell::Text(""), OutCell::Text(""), OutCell::Text(""),
                       OutCell::Text(""), OutCell::Text(""), OutCell::Text(""), OutCell::Text(""),
                       OutCell::Text(sa.data_quality().note()), OutCell::Text(""), OutCell::Text(""),
                       OutCell::Text(""), OutCell::Text("")});
  }
  for (const auto& q : sa.data_quality().returns()) {
    long long records = 0;
    for (const auto& [k, n] : q.record_counts()) records += n;
    std::vector<std::string> rules;
    for (const auto& rc : q.rules()) rules.push_back(absl::StrCat(rc.severity(), " ", rc.rule(), " x", rc.count()));
    dq.rows.push_back({OutCell::Text(q.return_id()), OutCell::Text(q.dataset()), OutCell::Text(q.file_name()),
                       OutCell::Text(IsoTime(q.uploaded_unix_ms())), OutCell::Integer(q.children()),
                       OutCell::Integer(records), OutCell::Integer(q.errors()), OutCell::Integer(q.queries()),
                       OutCell::Text(absl::StrJoin(rules, "; ")), Rate(q.errors_per_1000()),
                       Rate(q.queries_per_1000()),
                       q.has_previous() ? Rate(q.previous_errors_per_1000()) : OutCell::Text("no return last year"),
                       q.has_previous() ? Rate(q.previous_queries_per_1000()) : OutCell::Text("no return last year")});
  }
  const v1::DataQuality& quality = sa.data_quality();
  if (!quality.reconciliation_note().empty()) {
    out.push_back(ReconciliationTable(quality.reconciliation(), quality.reconciliation_note(), "reconciliation",
                                      "Reconciliation", "Reconciliation with DfE's published figures", false));
  }
  return out;
}

}  // namespace carestat
