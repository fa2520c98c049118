// Markdown for both reports: the same content as the HTML, as plain tables and lists.
#include <map>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "services/reporting/format.h"
#include "services/reporting/render/narrative_text.h"
#include "services/reporting/reports/narrative.h"
#include "services/reporting/render/render.h"
#include "services/reporting/render/text.h"
#include "services/reporting/reports/rating.h"

namespace carestat {

namespace {

std::string Md(const std::string& s) { return absl::StrReplaceAll(s, {{"|", "\\|"}, {"\n", " "}}); }

// The first `text_columns` and the last `trailing_text` columns are left-aligned words;
// the rest are right-aligned numbers.
std::string Header(const std::vector<std::string>& cols, size_t text_columns, size_t trailing_text = 0) {
  std::string md = "|";
  for (const auto& c : cols) absl::StrAppend(&md, " ", Md(c), " |");
  md += "\n|";
  for (size_t i = 0; i < cols.size(); ++i)
    md += i < text_columns || i + trailing_text >= cols.size() ? "---|" : "---:|";
  return md + "\n";
}

std::string Cover(const std::string& title, const std::string& la, const std::string& la_name,
                  const std::string& year, int64_t generated, bool published) {
  std::string md = absl::StrCat("# ", title, "\n\n", LaWords(la, la_name), "\n\n");
  absl::StrAppend(&md, "- Period: ", PeriodWords(year), "\n- Status: ", StatusWords(published), "\n");
  if (generated > 0) absl::StrAppend(&md, "- Prepared: ", DateWords(generated), " by carestat\n");
  return md + "\n";
}

std::string Notes(bool published, const std::vector<std::string>& rules) {
  std::string md = "## Notes on the figures\n\n";
  for (const auto& r : rules) absl::StrAppend(&md, r, "\n\n");
  absl::StrAppend(&md, kRoundingNote, "\n\n", published ? kDisclosureNote : kInternalNote, "\n");
  return md;
}

std::string SeedTable(const v1::Table& t) {
  std::string md = absl::StrCat("### Table ", t.number(), ": ", t.title(), "\n\n");
  std::vector<std::string> cols = {" "};
  for (const auto& p : t.periods()) cols.push_back(p);
  if (!t.hide_changes()) {
    cols.push_back("1 year % change");
    cols.push_back("5 year % change");
  }
  for (const auto& l : t.comparator_labels()) cols.push_back(l);
  md += Header(cols, 1);
  for (const auto& row : t.rows()) {
    absl::StrAppend(&md, "| ", Md(row.label()), " |");
    for (const auto& v : row.values()) absl::StrAppend(&md, " ", FormatValue(v, row.unit()), " |");
    if (!t.hide_changes())
      absl::StrAppend(&md, " ", FormatChange(row.change_1y_pct()), " | ", FormatChange(row.change_5y_pct()), " |");
    for (const auto& c : row.comparators()) absl::StrAppend(&md, " ", FormatValue(c, row.unit()), " |");
    md += "\n";
  }
  absl::StrAppend(&md, "\nSource: ", t.source(), "\n\n");
  if (!t.gap().empty()) absl::StrAppend(&md, "**Missing:** ", t.gap(), "\n\n");
  return md;
}

std::string FigureTable(const v1::Figure& f) {
  std::string md = absl::StrCat("### Figure ", f.number(), ": ", f.title(), "\n\n");
  std::vector<std::string> cols = {" "};
  for (const auto& p : f.periods()) cols.push_back(p);
  md += Header(cols, 1);
  for (const auto& s : f.series()) {
    absl::StrAppend(&md, "| ", Md(s.label()), " |");
    for (const auto& v : s.values()) absl::StrAppend(&md, " ", FormatValue(v, f.unit()), " |");
    md += "\n";
  }
  absl::StrAppend(&md, "\nSource: ", f.source(), "\n\n");
  if (!f.gap().empty()) absl::StrAppend(&md, "**Missing:** ", f.gap(), "\n\n");
  return md;
}

// The council's computed figures beside published ones (the self-assessment's
// reconciliation with DfE; the annual report's differences, each with its publisher).
std::string ReconciliationMd(const google::protobuf::RepeatedPtrField<v1::Reconciliation>& rows, bool publisher) {
  if (rows.empty()) return "";
  std::string md = publisher ? Header({"Indicator", "Year", "Published by", "carestat's figure", "Published figure",
                                       "Difference", "Reason"}, 3, 1)
                             : Header({"Indicator", "Year", "Council's figure", "DfE's figure", "Difference",
                                       "Known reason"}, 2, 1);
  for (const auto& rec : rows) {
    absl::StrAppend(&md, "| ", Md(rec.label()), " | ", rec.period(), " | ");
    if (publisher) absl::StrAppend(&md, Md(rec.publisher()), " | ");
    absl::StrAppend(&md, FormatValue(rec.computed(), rec.unit()), " | ", FormatValue(rec.published(), rec.unit()), " | ", ReconciliationDifference(rec), " | ",
                    rec.reason().empty() ? "within DfE's rounding" : Md(rec.reason()), " |\n");
  }
  return md + "\n";
}

// The data-quality evidence of the impact of leaders: the returns' validation and the
// reconciliation of the council's figures with DfE's published ones.
std::string DataQualityMarkdown(const v1::DataQuality& dq) {
  std::string md = "#### Data quality\n\n";
  absl::StrAppend(&md, dq.available() ? dq.note() : "Data quality: " + dq.note(), "\n\n");
  if (dq.coverage_size() > 0) {
    absl::StrAppend(&md, "##### ", kCoverageHeading, "\n\n", kCoverageIntro, "\n\n");
    md += Header({"Return", "Status", "File", "Detail", "Read by"}, 5);
    for (const auto& c : dq.coverage()) {
      absl::StrAppend(&md, "| ", Md(c.name()), " | ", c.status(), " | ", Md(c.file().empty() ? "none" : c.file()),
                      " | ", Md(c.detail()), " | ", Md(c.feeds().empty() ? "another return of the year" : c.feeds()),
                      " |\n");
    }
    md += "\n";
  }
  if (dq.available() && dq.returns_size() > 0) {
    md += Header({"Return", "File", "Children", "Records", "Errors", "Queries", "Against last year", "Most frequent rules"},
                 2, 1);
    for (const auto& q : dq.returns()) {
      long long records = 0;
      for (const auto& [k, c] : q.record_counts()) records += c;
      std::string rules;
      for (const auto& rc : q.rules())
        absl::StrAppend(&rules, rules.empty() ? "" : "; ", rc.severity(), " ", rc.rule(), " (", rc.count(), ")");
      absl::StrAppend(&md, "| ", Md(q.dataset()), " | ", Md(q.file_name()), " | ", FormatNumber(q.children(), "count"),
                      " | ", FormatNumber(records, "count"), " | ", FormatNumber(q.errors(), "count"), " | ",
                      FormatNumber(q.queries(), "count"), " | ", Md(QualityAgainstLastYear(q)), " | ",
                      rules.empty() ? "none" : Md(rules), " |\n");
    }
    md += "\n";
  }
  if (!dq.reconciliation_note().empty()) {
    absl::StrAppend(&md, "##### Reconciliation with DfE's published figures\n\n", dq.reconciliation_note(), "\n\n");
    md += ReconciliationMd(dq.reconciliation(), false);
  }
  return md;
}

// The council's cover sheet, summary, recommendations and reasons (docs/NARRATIVE.md),
// before the tables as in the Cabinet paper; nothing without a narrative.
std::string NarrativeFrontMarkdown(const v1::AnnualReport& r) {
  if (!HasNarrative(r)) return "";
  const v1::Narrative& n = r.narrative();
  std::string md = "## Cover sheet\n\n" + Header({"Field", "Value"}, 2);
  for (const auto& c : n.cover())
    absl::StrAppend(&md, "| ", Md(c.label()), " | ", c.value().empty() ? kNotYetWritten : Md(c.value()), " |\n");
  md += "\n## Summary\n\n";
  const v1::NarrativeSection* summary = NarrativeFor(r, "summary");
  md += summary != nullptr ? NarrativeMarkdown(summary) : absl::StrCat("Summary: ", kNotYetWritten, ".\n\n");
  for (const auto& [title, list] : {std::pair{"Recommendation(s)", &n.recommendations()}, std::pair{"Reason(s)", &n.reasons()}}) {
    absl::StrAppend(&md, "## ", title, "\n\n");
    if (list->empty()) absl::StrAppend(&md, title, ": ", kNotYetWritten, ".\n");
    int k = 0;
    for (const auto& item : *list) absl::StrAppend(&md, ++k, ". ", Md(item), "\n");
    md += "\n";
  }
  return md;
}

// The implications, after the figures as in the Cabinet paper.
std::string NarrativeImplicationsMarkdown(const v1::AnnualReport& r) {
  if (!HasNarrative(r)) return "";
  std::string md = "## Implications\n\n";
  for (const auto& [name, anchor] : NarrativeImplications()) {
    absl::StrAppend(&md, "### ", name, "\n\n");
    const v1::NarrativeSection* s = NarrativeFor(r, anchor);
    md += s != nullptr ? NarrativeMarkdown(s) : absl::StrCat(name, " implications: ", kNotYetWritten, ".\n\n");
  }
  return md;
}

}  // namespace

std::string RenderMarkdown(const v1::AnnualReport& r, bool published) {
  const std::string title = absl::StrCat("Children's Social Care Annual Report ", YearSlash(r.year()));
  std::string md = Cover(title, r.la(), r.la_name(), r.year(), r.generated_unix_ms(), published);
  AnnualLayout layout(r);   // text.h, shared with html.cc and docx.cc
  const std::vector<std::string>& sections = layout.sections;
  auto& by_section = layout.by_section;
  const std::string& previous_year = layout.previous_year;
  md += NarrativeFrontMarkdown(r);
  md += "## Tables\n\n";
  for (const auto& t : r.tables()) md += NarrativeMarkdown(NarrativeFor(r, t.id())) + SeedTable(t);
  md += "## Figures\n\n";
  for (const auto& f : r.figures()) md += NarrativeMarkdown(NarrativeFor(r, f.id())) + FigureTable(f);
  for (const auto& section : sections) {
    absl::StrAppend(&md, "## ", section, "\n\n");
    for (const auto& gap : FactGaps(by_section[section])) absl::StrAppend(&md, "**Missing:** ", gap, "\n\n");
    md += NarrativeMarkdown(NarrativeFor(r, "section:" + section));
    for (const v1::Fact* f : by_section[section]) absl::StrAppend(&md, "- ", FactSentence(*f), "\n");
    md += "\n";
    md += Header({"Measure", r.year(), previous_year, "Change", "England", "London", "Stat. neighbours", "DfE rank",
                  "Target", "Rating"},
                 1, 1);
    bool marked = false;
    for (const v1::Fact* f : by_section[section]) {
      std::string label = f->label();
      if (f->period() != r.year()) absl::StrAppend(&label, " (", f->period(), " and ", f->previous_period(), ")");
      const std::string change = ChangeWords(f->change(), f->change_pct(), f->unit());
      absl::StrAppend(&md, "| ", Md(label), " | ", FormatValue(f->value(), f->unit()), " | ",
                      FormatValue(f->previous(), f->unit()), " | ", change.empty() ? kNotAvailable : change, " |");
      for (const char* prefix : {"ENG", "LON", "SN:"}) {
        ShownComparator c = FactComparator(*f, prefix);
        marked |= c.published;
        absl::StrAppend(&md, " ", c.text, " |");
      }
      marked |= !f->dfe().status().empty();
      const std::string rank = RankWords(f->dfe(), true);
      absl::StrAppend(&md, " ", Md(rank.empty() ? kNotAvailable : rank), " | ",
                      f->has_target() ? FormatValue(f->target().value(), f->unit()) : "none", " | ",
                      RatingName(f->rating()), " |\n");
    }
    md += "\n";
    if (marked) absl::StrAppend(&md, kPublishedMarkNote, "\n\n");
  }
  md += NarrativeImplicationsMarkdown(r);
  if (r.year_on_year().rows_size() > 0) {
    const v1::YearOnYear& y = r.year_on_year();
    absl::StrAppend(&md, "## ", kYearOnYearHeading, "\n\n", y.note(), "\n\n");
    std::vector<std::string> cols = {"Measure", y.previous_year(), r.year(), "Change", "Direction"};
    if (!y.previous_report().empty()) cols.push_back("In " + y.previous_report());
    md += Header(cols, 1, 1 + !y.previous_report().empty());
    for (const auto& row : y.rows()) {
      const std::string change = ChangeWords(row.change(), row.change_pct(), row.unit());
      absl::StrAppend(&md, "| ", Md(row.label()), " | ", FormatValue(row.previous(), row.unit()), " | ",
                      FormatValue(row.value(), row.unit()), " | ", change.empty() ? kNotAvailable : Md(change), " | ",
                      DirectionName(row.direction()), " |");
      if (!y.previous_report().empty()) {
        absl::StrAppend(&md, " ", !row.revision().empty()            ? Md(row.revision())
                                  : row.last_report().has_value() ? "as printed"
                                                                  : "not in it",
                        " |");
      }
      md += "\n";
    }
    md += "\n";
  }
  absl::StrAppend(&md, "## ", kCoverageHeading, "\n\n", kCoverageIntro, "\n\n");
  if (r.coverage_size() == 0) {
    absl::StrAppend(&md, r.coverage_note(), "\n\n");
  } else {
    md += Header({"Return", "Status", "File", "Detail", "Read by"}, 5);
    for (const auto& c : r.coverage()) {
      absl::StrAppend(&md, "| ", Md(c.name()), " | ", c.status(), " | ", Md(c.file().empty() ? "none" : c.file()),
                      " | ", Md(c.detail()), " | ", Md(c.feeds().empty() ? "another return of the year" : c.feeds()),
                      " |\n");
    }
    md += "\n";
  }
  if (!r.differences_note().empty()) {
    absl::StrAppend(&md, "## ", kDifferencesHeading, "\n\n", r.differences_note(), "\n\n");
    md += ReconciliationMd(r.differences(), true);
  }
  std::vector<std::string> notes = {r.rating_rule()};
  if (!r.narrative().stale().empty()) notes.push_back(StaleNote(r.narrative().stale()));
  md += Notes(published, notes);
  return md;
}

std::string RenderMarkdown(const v1::SelfAssessment& sa, bool published) {
  const std::string title = absl::StrCat("Children's Social Care Annual Self-Assessment ", YearSlash(sa.year()));
  std::string md = Cover(title, sa.la(), sa.la_name(), sa.year(), sa.generated_unix_ms(), published);
  // The summary's counts are the lengths of the lists below: one finding, one list item.
  absl::StrAppend(&md, "## Summary\n\nThis self-evaluation of social work practice follows Ofsted's ILACS framework: "
                       "for each judgement area, what we know about the quality and impact of social work practice, "
                       "how we know it, and our plans for the next 12 months. Strengths, areas for focus and figures "
                       "to watch follow the rule in the notes.\n\n- Strengths: ",
                  sa.strengths_size(), "\n- Areas for focus: ", sa.areas_for_focus_size(), "\n- To watch: ",
                  sa.to_watch_size(), "\n\n");
  auto slot = [&](const v1::NarrativeSlot& s, const char* heading) {
    absl::StrAppend(&md, heading, " ", s.title(), "\n\n");
    if (s.paragraphs().empty()) absl::StrAppend(&md, s.placeholder(), "\n\n");
    for (const auto& p : s.paragraphs()) absl::StrAppend(&md, p, "\n\n");
  };
  int n = 0;
  for (const auto& area : sa.areas()) {
    absl::StrAppend(&md, "## ", ++n, ". ", area.title(), "\n\n### ", kWhatDoWeKnow, "\n\n");
    for (const auto* list : {&sa.strengths(), &sa.areas_for_focus(), &sa.to_watch()}) {
      const char* name = list == &sa.strengths() ? "Strengths" : list == &sa.areas_for_focus() ? "Areas for focus"
                                                                                                : "To watch";
      absl::StrAppend(&md, "#### ", name, "\n\n");
      bool any = false;
      for (const auto& f : *list) {
        if (f.area() != area.id()) continue;
        any = true;
        absl::StrAppend(&md, "- ", Md(FindingSentence(f)), " (", Md(f.section()), ")\n");
      }
      md += any ? "\n" : "None.\n\n";
    }
    absl::StrAppend(&md, "### ", kHowDoWeKnow, "\n\n");
    bool marked = false;
    for (const auto& s : sa.sections()) {
      if (s.area() != area.id()) continue;
      absl::StrAppend(&md, "#### ", s.title(), "\n\n");
      std::vector<std::string> cols = {"Measure"};
      if (!s.indicators().empty()) {
        for (const auto& p : s.indicators(0).periods()) cols.push_back(p);
      }
      for (const char* c : {"Direction", "England", "London", "Stat. neighbours", "DfE rank", "Target", "Rating"})
        cols.push_back(c);
      md += Header(cols, 1, 1);
      for (const auto& a : s.indicators()) {
        absl::StrAppend(&md, "| ", Md(a.label()), a.supplied() ? " (local measure)" : "", " |");
        for (const auto& v : a.values()) absl::StrAppend(&md, " ", FormatValue(v, a.unit()), " |");
        absl::StrAppend(&md, " ", DirectionName(a.direction()), " |");
        for (const char* prefix : {"ENG", "LON", "SN:"}) {
          ShownComparator c = IndicatorComparator(a, prefix);
          marked |= c.published;
          absl::StrAppend(&md, " ", c.text, " |");
        }
        marked |= !a.dfe().status().empty();
        const std::string rank = RankWords(a.dfe(), true);
        absl::StrAppend(&md, " ", Md(rank.empty() ? kNotAvailable : rank), " | ",
                        a.has_target() ? FormatValue(a.target().value(), a.unit()) : "none", " | ",
                        RatingName(a.rating()), " |\n");
      }
      md += "\n";
    }
    if (marked) absl::StrAppend(&md, kPublishedMarkNote, "\n\n");
    for (const auto& s : area.evidence()) slot(s, "####");
    if (area.id() == "leadership") md += DataQualityMarkdown(sa.data_quality());
    slot(area.plans(), "###");
  }
  std::vector<std::string> notes = {sa.rating_rule(), sa.direction_rule(), sa.findings_rule()};
  if (!sa.narrative_stale().empty()) notes.push_back(StaleNote(sa.narrative_stale()));
  md += Notes(published, notes);
  return md;
}


}  // namespace carestat
