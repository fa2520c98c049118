#include "services/reporting/reports/narrative.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "services/reporting/format.h"
#include "services/reporting/render/text.h"

namespace carestat {

const std::vector<CoverField>& CoverFields() {
  // The seed Cabinet paper's cover sheet, in its order.
  static const std::vector<CoverField> kFields = {
      {"meeting", "Meeting"},
      {"meeting_date", "Date of meeting"},
      {"title", "Title"},
      {"report_of", "Report of"},
      {"open_or_exempt", "Open or exempt"},
      {"decision_or_information", "For decision or information"},
      {"wards", "Wards affected"},
      {"key_decision", "Key decision"},
      {"author", "Report author"},
      {"author_contact", "Contact details"},
      {"accountable_director", "Accountable director"},
      {"strategic_director", "Accountable strategic director"},
  };
  return kFields;
}

const std::vector<std::pair<const char*, const char*>>& NarrativeImplications() {
  static const std::vector<std::pair<const char*, const char*>> k = {
      {"Financial", "implications_financial"},
      {"Legal", "implications_legal"},
      {"Risk", "implications_risk"},
      {"Corporate policy and equality", "implications_policy_equality"},
  };
  return k;
}

namespace {

std::string Where(const std::string& file, int line) { return absl::StrCat(file, " line ", line); }

bool IsTodo(absl::string_view s) { return absl::StartsWith(absl::StripLeadingAsciiWhitespace(s), "TODO"); }

// A child's UPN is a letter and 12 digits: the council's text must never carry one.
bool LooksLikeUpn(absl::string_view s) {
  for (size_t i = 0; i + 13 <= s.size(); ++i) {
    if (!std::isalpha(static_cast<unsigned char>(s[i]))) continue;
    if (i > 0 && std::isalnum(static_cast<unsigned char>(s[i - 1]))) continue;
    size_t d = 0;
    while (d < 12 && std::isdigit(static_cast<unsigned char>(s[i + 1 + d]))) ++d;
    const bool ends = i + 13 == s.size() || !std::isalnum(static_cast<unsigned char>(s[i + 13]));
    if (d == 12 && ends) return true;
  }
  return false;
}

// A tag ("<b>", "</p>", "<!--", "<?") would pass through to the HTML and Word output.
bool HasTag(absl::string_view s) {
  for (size_t i = 0; i + 1 < s.size(); ++i) {
    if (s[i] != '<') continue;
    const char c = s[i + 1];
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '/' || c == '!' || c == '?') return true;
  }
  return false;
}

absl::Status CheckLine(const std::string& file, int line, absl::string_view s) {
  if (HasTag(s)) {
    return absl::InvalidArgumentError(absl::StrCat(
        Where(file, line), ": raw HTML is not allowed in a narrative (only paragraphs, '- ' lists, *emphasis* and "
                           "**strong**): write the text without the tag"));
  }
  if (LooksLikeUpn(s)) {
    return absl::InvalidArgumentError(absl::StrCat(
        Where(file, line), ": this looks like a child's UPN (a letter and 12 digits); a narrative carries no child "
                           "data: remove it"));
  }
  // Every marker is whole: "{{key = value}}".
  size_t at = 0;
  while ((at = s.find("{{", at)) != absl::string_view::npos) {
    const size_t end = s.find("}}", at);
    if (end == absl::string_view::npos) {
      return absl::InvalidArgumentError(
          absl::StrCat(Where(file, line), ": a figure marker '{{' is not closed with '}}' on the same line"));
    }
    absl::string_view body = s.substr(at + 2, end - at - 2);
    if (body.find(" = ") == absl::string_view::npos) {
      return absl::InvalidArgumentError(absl::StrCat(Where(file, line), ": the figure marker {{", body,
                                                     "}} needs 'key = figure', like {{table1/referrals/2015-16 = "
                                                     "3,255}}"));
    }
    at = end + 2;
  }
  return absl::OkStatus();
}

std::string Lower(absl::string_view s) { return absl::AsciiStrToLower(s); }

}  // namespace

absl::StatusOr<NarrativeFile> ParseNarrative(const std::string& text, const std::string& name) {
  NarrativeFile out;
  out.name = name;
  std::vector<std::string> lines = absl::StrSplit(text, '\n');
  for (auto& l : lines) {
    if (!l.empty() && l.back() == '\r') l.pop_back();
  }
  size_t i = 0;
  while (i < lines.size() && absl::StripAsciiWhitespace(lines[i]).empty()) ++i;
  std::set<std::string> cover_keys;
  for (const auto& f : CoverFields()) cover_keys.insert(f.key);
  // Front matter.
  if (i < lines.size() && absl::StripAsciiWhitespace(lines[i]) == "---") {
    const int open = static_cast<int>(i) + 1;
    ++i;
    std::vector<std::string>* list = nullptr;
    std::string list_key;
    bool closed = false;
    for (; i < lines.size(); ++i) {
      const int line = static_cast<int>(i) + 1;
      absl::string_view l = absl::StripAsciiWhitespace(lines[i]);
      if (l == "---") {
        closed = true;
        ++i;
        break;
      }
      if (l.empty() || l[0] == '#') continue;   // a comment, as the draft's
      if (auto s = CheckLine(name, line, l); !s.ok()) return s;
      if (absl::StrContains(l, "{{")) {
        return absl::InvalidArgumentError(absl::StrCat(
            Where(name, line), ": a figure marker belongs in a section's text, not in the front matter, where it "
                               "could not be checked against the figures"));
      }
      if (absl::StartsWith(l, "- ")) {
        if (list == nullptr) {
          return absl::InvalidArgumentError(absl::StrCat(
              Where(name, line), ": a '- ' item belongs under 'recommendations:' or 'reasons:'"));
        }
        absl::string_view item = absl::StripAsciiWhitespace(l.substr(2));
        if (!item.empty() && !IsTodo(item)) list->emplace_back(item);
        continue;
      }
      const size_t colon = l.find(':');
      if (colon == absl::string_view::npos) {
        return absl::InvalidArgumentError(
            absl::StrCat(Where(name, line), ": expected 'key: value' in the front matter, got '", l, "'"));
      }
      const std::string key = Lower(absl::StripAsciiWhitespace(l.substr(0, colon)));
      const std::string value(absl::StripAsciiWhitespace(l.substr(colon + 1)));
      list = nullptr;
      if (key == "recommendations" || key == "reasons") {
        list = key == "recommendations" ? &out.recommendations : &out.reasons;
        list_key = key;
        if (!value.empty() && !IsTodo(value)) list->push_back(value);
        continue;
      }
      if (!cover_keys.count(key)) {
        std::vector<std::string> keys;
        for (const auto& f : CoverFields()) keys.push_back(f.key);
        keys.push_back("recommendations");
        keys.push_back("reasons");
        return absl::InvalidArgumentError(absl::StrCat(Where(name, line), ": unknown front matter key '", key,
                                                       "'; the keys are ", absl::StrJoin(keys, ", ")));
      }
      if (out.cover.count(key)) {
        return absl::InvalidArgumentError(absl::StrCat(Where(name, line), ": '", key, "' is given twice"));
      }
      out.cover[key] = IsTodo(value) ? "" : value;
    }
    if (!closed) {
      return absl::InvalidArgumentError(
          absl::StrCat(Where(name, open), ": the front matter opened here is not closed with a '---' line"));
    }
  }
  // Body: "## heading" sections of paragraphs and list items.
  NarrativeFileSection* section = nullptr;
  NarrativeBlock* block = nullptr;   // the paragraph or item being read
  for (; i < lines.size(); ++i) {
    const int line = static_cast<int>(i) + 1;
    const std::string& raw = lines[i];
    absl::string_view l = absl::StripAsciiWhitespace(raw);
    if (l.empty()) {
      block = nullptr;
      continue;
    }
    if (auto s = CheckLine(name, line, l); !s.ok()) return s;
    if (l[0] == '#') {
      if (!absl::StartsWith(l, "## ")) {
        return absl::InvalidArgumentError(absl::StrCat(
            Where(name, line), ": only '## ' headings name sections (one per report section; see docs/NARRATIVE.md), "
                               "got '", l, "'"));
      }
      section = &out.sections.emplace_back();
      section->heading = std::string(absl::StripAsciiWhitespace(l.substr(3)));
      section->line = line;
      block = nullptr;
      continue;
    }
    if (section == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat(
          Where(name, line), ": text before the first '## ' heading: every paragraph belongs to a report section"));
    }
    const bool item = absl::StartsWith(l, "- ") || absl::StartsWith(l, "* ");
    if (item || block == nullptr) {
      absl::string_view body = item ? absl::StripAsciiWhitespace(l.substr(2)) : l;
      block = &section->blocks.emplace_back();
      block->text = std::string(body);
      block->list_item = item;
      block->line = line;
      continue;
    }
    absl::StrAppend(&block->text, " ", l);
  }
  // The draft's guidance is not the council's text.
  for (auto& s : out.sections) {
    s.blocks.erase(std::remove_if(s.blocks.begin(), s.blocks.end(), [](const NarrativeBlock& b) { return IsTodo(b.text); }),
                   s.blocks.end());
  }
  return out;
}

std::vector<NarrativeHeading> NarrativeHeadings(const v1::AnnualReport* annual, const v1::SelfAssessment* sa) {
  std::vector<NarrativeHeading> out;
  if (annual != nullptr) {
    out.push_back({"Summary", "summary"});
    for (const auto& t : annual->tables()) out.push_back({absl::StrCat("Table ", t.number()), t.id()});
    for (const auto& f : annual->figures()) out.push_back({absl::StrCat("Figure ", f.number()), f.id()});
    std::set<std::string> seen;
    for (const auto& f : annual->facts()) {
      if (seen.insert(f.section()).second) out.push_back({f.section(), "section:" + f.section()});
    }
    for (const auto& [name, anchor] : NarrativeImplications()) out.push_back({absl::StrCat("Implications / ", name), anchor});
  }
  if (sa != nullptr) {
    for (const auto& a : sa->areas()) {
      for (const auto& slot : a.evidence())
        out.push_back({absl::StrCat(a.heading(), " / ", slot.title()), absl::StrCat(a.id(), "/", slot.id())});
      out.push_back({absl::StrCat(a.heading(), " / ", a.plans().title()), absl::StrCat(a.id(), "/", a.plans().id())});
    }
  }
  return out;
}

namespace {

// "Table 1" matches "## Table 1" and "## Table 1: Contacts and referrals" (any case).
const NarrativeHeading* Match(const std::string& written, const std::vector<NarrativeHeading>& headings) {
  const std::string w = Lower(written);
  for (const auto& h : headings) {
    const std::string c = Lower(h.heading);
    if (w == c || (absl::StartsWith(w, c) && w.size() > c.size() && w[c.size()] == ':')) return &h;
  }
  return nullptr;
}

}  // namespace

absl::Status CheckHeadings(const NarrativeFile& file, const std::vector<NarrativeHeading>& headings) {
  std::map<std::string, int> used;   // anchor -> line
  for (const auto& s : file.sections) {
    const NarrativeHeading* h = Match(s.heading, headings);
    if (h == nullptr) {
      std::vector<std::string> names;
      for (const auto& v : headings) names.push_back(absl::StrCat("'## ", v.heading, "'"));
      return absl::InvalidArgumentError(absl::StrCat(Where(file.name, s.line), ": the heading '## ", s.heading,
                                                     "' is not a section of the reports; the sections are ",
                                                     absl::StrJoin(names, ", ")));
    }
    if (auto [it, added] = used.emplace(h->anchor, s.line); !added) {
      return absl::InvalidArgumentError(absl::StrCat(Where(file.name, s.line), ": '## ", s.heading,
                                                     "' repeats the section '", h->heading, "' begun at line ",
                                                     it->second));
    }
  }
  return absl::OkStatus();
}

namespace {

// A breakdown in a marker key: "cpp_category_pct(category=EMO)".
std::string KeyOf(const std::string& indicator, const std::string& breakdown) {
  return breakdown.empty() ? indicator : absl::StrCat(indicator, "(", breakdown, ")");
}

// A percentage change as the prose quotes it, without its sign ("34%"): the verb
// ("rose", "fell") carries the direction.
std::string ChangeMagnitude(const v1::Cell& c) {
  if (!c.has_value() || c.suppressed()) return FormatChange(c);
  return FormatNumber(std::fabs(c.value()), "percent");
}

void Put(std::map<std::string, QuotedFigure>* m, const std::string& key, const std::string& text,
         std::vector<std::string> refs) {
  refs.erase(std::remove(refs.begin(), refs.end(), std::string()), refs.end());
  (*m)[key] = QuotedFigure{text, std::move(refs)};
}
void Put(std::map<std::string, QuotedFigure>* m, const std::string& key, const std::string& text,
         const std::string& ref) {
  Put(m, key, text, std::vector<std::string>{ref});
}
std::vector<std::string> RefsOf(const v1::Cell& c) { return {c.derived_from().begin(), c.derived_from().end()}; }

// The 1-year change of two cells, as a derived cell (its refs are both cells').
v1::Cell ChangeOf(const v1::Cell& before, const v1::Cell& now) {
  v1::Cell c;
  if (before.has_value() && now.has_value() && before.value() != 0 && !before.suppressed() && !now.suppressed()) {
    c.set_has_value(true);
    c.set_value((now.value() - before.value()) / before.value() * 100);
  }
  return c;
}

}  // namespace

std::map<std::string, QuotedFigure> QuotableFigures(const v1::AnnualReport& r) {
  std::map<std::string, QuotedFigure> m;
  for (const auto& t : r.tables()) {
    for (const auto& row : t.rows()) {
      const std::string base = absl::StrCat(t.id(), "/", KeyOf(row.indicator(), row.breakdown()), "/");
      for (int i = 0; i < row.values_size() && i < t.periods_size(); ++i)
        Put(&m, base + t.periods(i), FormatValue(row.values(i), row.unit()), row.values(i).ref());
      const int n = std::min(row.values_size(), t.periods_size());
      if (row.has_change_1y_pct()) {
        Put(&m, base + "change_1y", ChangeMagnitude(row.change_1y_pct()), RefsOf(row.change_1y_pct()));
      } else if (n >= 2) {
        Put(&m, base + "change_1y", ChangeMagnitude(ChangeOf(row.values(n - 2), row.values(n - 1))),
            std::vector<std::string>{row.values(n - 2).ref(), row.values(n - 1).ref()});
      }
      if (row.has_change_5y_pct()) Put(&m, base + "change_5y", ChangeMagnitude(row.change_5y_pct()), RefsOf(row.change_5y_pct()));
      for (int i = 0; i < row.comparators_size() && i < t.comparator_entities_size(); ++i)
        Put(&m, base + t.comparator_entities(i), FormatValue(row.comparators(i), row.unit()), row.comparators(i).ref());
    }
  }
  for (const auto& f : r.figures()) {
    for (const auto& s : f.series()) {
      const std::string base = absl::StrCat(f.id(), "/", s.entity(), "/");
      for (int i = 0; i < s.values_size() && i < f.periods_size(); ++i)
        Put(&m, base + f.periods(i), FormatValue(s.values(i), f.unit()), s.values(i).ref());
      const int n = std::min(s.values_size(), f.periods_size());
      if (n >= 2) {
        Put(&m, base + "change_1y", ChangeMagnitude(ChangeOf(s.values(n - 2), s.values(n - 1))),
            std::vector<std::string>{s.values(n - 2).ref(), s.values(n - 1).ref()});
      }
    }
  }
  for (const auto& f : r.facts()) {
    const std::string base = absl::StrCat("fact/", KeyOf(f.indicator(), f.breakdown()), "/");
    Put(&m, base + "value", FormatValue(f.value(), f.unit()), f.value().ref());
    Put(&m, base + "previous", FormatValue(f.previous(), f.unit()), f.previous().ref());
    Put(&m, base + "change_pct", ChangeMagnitude(f.change_pct()), std::vector<std::string>{f.value().ref(), f.previous().ref()});
  }
  return m;
}

std::map<std::string, QuotedFigure> QuotableFigures(const v1::SelfAssessment& sa) {
  std::map<std::string, QuotedFigure> m;
  for (const auto& s : sa.sections()) {
    for (const auto& a : s.indicators()) {
      const std::string base = absl::StrCat("sa/", KeyOf(a.indicator(), a.breakdown()), "/");
      for (int i = 0; i < a.values_size() && i < a.periods_size(); ++i)
        Put(&m, base + a.periods(i), FormatValue(a.values(i), a.unit()), a.values(i).ref());
    }
  }
  return m;
}

namespace {

struct Resolved {
  std::string text;
  std::vector<std::string> stale;   // "this sentence quotes 3,255; the figure is now 3,301"
  std::vector<std::string> refs;
};

// Replaces each marker with its figure. A figure that has changed keeps the words the
// analyst wrote (the old figure: the rest of the sentence was written for it) and the
// sentence is followed by "[stale: ...]", so nothing old is printed as if current.
absl::StatusOr<Resolved> Resolve(const NarrativeBlock& b, const std::string& heading, const std::string& file,
                                 const std::map<std::string, QuotedFigure>& figures) {
  Resolved out;
  std::vector<std::pair<size_t, std::string>> notes;   // position in out.text, note
  const std::string& s = b.text;
  size_t at = 0;
  while (true) {
    const size_t open = s.find("{{", at);
    if (open == std::string::npos) {
      out.text += s.substr(at);
      break;
    }
    const size_t close = s.find("}}", open);
    if (close == std::string::npos) {   // ParseNarrative checked every line; a joined one is whole too
      out.text += s.substr(at);
      break;
    }
    out.text += s.substr(at, open - at);
    const std::string body = s.substr(open + 2, close - open - 2);
    const size_t eq = body.rfind(" = ");
    const std::string key(absl::StripAsciiWhitespace(body.substr(0, eq)));
    const std::string quoted(absl::StripAsciiWhitespace(eq == std::string::npos ? "" : body.substr(eq + 3)));
    auto it = figures.find(key);
    if (it == figures.end()) {
      return absl::InvalidArgumentError(absl::StrCat(
          Where(file, b.line), " (under '## ", heading, "'): the figure marker {{", body,
          "}} names no figure of the report: keys are like table1/referrals/2015-16, figure1/ENG/2015-16 or "
          "fact/s47_enquiries/value (docs/NARRATIVE.md)"));
    }
    for (const auto& ref : it->second.refs) out.refs.push_back(ref);
    out.text += quoted;
    if (quoted != it->second.text) {
      notes.emplace_back(out.text.size(), absl::StrCat("this sentence quotes ", quoted, "; the figure is now ",
                                                       it->second.text));
    }
    at = close + 2;
  }
  // Each note goes after the end of the sentence holding its marker, last first so the
  // earlier positions stay good.
  for (auto n = notes.rbegin(); n != notes.rend(); ++n) {
    size_t end = out.text.size();
    for (size_t k = n->first; k < out.text.size(); ++k) {
      const char c = out.text[k];
      if ((c == '.' || c == '!' || c == '?') && (k + 1 == out.text.size() || out.text[k + 1] == ' ')) {
        end = k + 1;
        break;
      }
    }
    out.text.insert(end, absl::StrCat(" [stale: ", n->second, "]"));
  }
  for (const auto& n : notes) out.stale.push_back(n.second);
  return out;
}

// The title the report prints, for a cover sheet left without one.
std::string ReportTitle(const v1::AnnualReport& r) {
  return absl::StrCat("Children's Social Care Annual Report ", YearSlash(r.year()));
}

}  // namespace

absl::Status ApplyNarrative(const NarrativeFile& file, v1::AnnualReport* report) {
  const std::vector<NarrativeHeading> headings = NarrativeHeadings(report, nullptr);
  const auto figures = QuotableFigures(*report);
  v1::Narrative n;
  n.set_file_name(file.name);
  for (const auto& f : CoverFields()) {
    v1::CoverRow* row = n.add_cover();
    row->set_key(f.key);
    row->set_label(f.label);
    auto it = file.cover.find(f.key);
    row->set_value(it != file.cover.end() ? it->second : "");
    if (row->key() == "title" && row->value().empty()) row->set_value(ReportTitle(*report));
  }
  for (const auto& r : file.recommendations) n.add_recommendations(r);
  for (const auto& r : file.reasons) n.add_reasons(r);
  for (const auto& s : file.sections) {
    const NarrativeHeading* h = Match(s.heading, headings);
    if (h == nullptr) continue;   // the self-evaluation's (CheckHeadings vouches for the rest)
    v1::NarrativeSection* out = n.add_sections();
    out->set_heading(h->heading);
    out->set_anchor(h->anchor);
    for (const auto& b : s.blocks) {
      auto r = Resolve(b, h->heading, file.name, figures);
      if (!r.ok()) return r.status();
      v1::NarrativeParagraph* p = out->add_paragraphs();
      p->set_text(r->text);
      p->set_list_item(b.list_item);
      p->set_line(b.line);
      p->set_stale(!r->stale.empty());
      for (const auto& ref : r->refs) p->add_refs(ref);
      for (const auto& note : r->stale) n.add_stale(absl::StrCat(h->heading, " (", Where(file.name, b.line), "): ", note));
    }
  }
  *report->mutable_narrative() = std::move(n);
  return absl::OkStatus();
}

absl::Status ApplyNarrative(const NarrativeFile& file, v1::SelfAssessment* sa) {
  const std::vector<NarrativeHeading> headings = NarrativeHeadings(nullptr, sa);
  const auto figures = QuotableFigures(*sa);
  sa->clear_narrative_stale();
  for (const auto& s : file.sections) {
    const NarrativeHeading* h = Match(s.heading, headings);
    if (h == nullptr) continue;   // the annual report's
    v1::NarrativeSlot* slot = nullptr;
    for (auto& a : *sa->mutable_areas()) {
      for (auto& e : *a.mutable_evidence()) {
        if (absl::StrCat(a.id(), "/", e.id()) == h->anchor) slot = &e;
      }
      if (absl::StrCat(a.id(), "/", a.plans().id()) == h->anchor) slot = a.mutable_plans();
    }
    if (slot == nullptr) continue;
    slot->clear_paragraphs();
    for (const auto& b : s.blocks) {
      auto r = Resolve(b, h->heading, file.name, figures);
      if (!r.ok()) return r.status();
      slot->add_paragraphs(b.list_item ? "- " + r->text : r->text);
      for (const auto& ref : r->refs) slot->add_refs(ref);
      for (const auto& note : r->stale)
        sa->add_narrative_stale(absl::StrCat(h->heading, " (", Where(file.name, b.line), "): ", note));
    }
  }
  return absl::OkStatus();
}

namespace {
constexpr char kWithheld[] =
    "[withheld for publication: this text quotes a figure that DfE's disclosure control suppresses]";
}  // namespace

void WithholdSuppressedNarrative(v1::AnnualReport* report, const std::set<std::string>& suppressed) {
  if (suppressed.empty()) return;
  // The report's own words that quote a figure: a difference's reason ("the same count
  // (3)") and a year on year revision ("revised from 4 ... to 3") give a suppressed
  // figure back.
  for (auto& d : *report->mutable_differences()) {
    if (suppressed.count(d.computed().ref())) d.set_reason(kWithheld);
  }
  for (auto& row : *report->mutable_year_on_year()->mutable_rows()) {
    if (!row.revision().empty() && (suppressed.count(row.previous().ref()) || suppressed.count(row.value().ref())))
      row.set_revision(kWithheld);
  }
  for (auto& s : *report->mutable_narrative()->mutable_sections()) {
    for (auto& p : *s.mutable_paragraphs()) {
      for (const auto& ref : p.refs()) {
        if (!suppressed.count(ref)) continue;
        p.set_text(kWithheld);
        break;
      }
    }
  }
}

void WithholdSuppressedNarrative(v1::SelfAssessment* sa, const std::set<std::string>& suppressed) {
  if (suppressed.empty()) return;
  auto withhold = [&](v1::NarrativeSlot* slot) {
    for (const auto& ref : slot->refs()) {
      if (!suppressed.count(ref)) continue;
      slot->clear_paragraphs();
      slot->add_paragraphs(kWithheld);
      return;
    }
  };
  for (auto& a : *sa->mutable_areas()) {
    for (auto& e : *a.mutable_evidence()) withhold(&e);
    withhold(a.mutable_plans());
  }
}

// ---- the draft ----

namespace {

// "Number of referrals" -> "the number of referrals"; "% of children ..." -> "the
// percentage of children ..."; "No. of open ..." -> "the number of open ...".
std::string Subject(std::string label) {
  // A chart's title names its axis: "... per 10,000 by year".
  if (absl::EndsWith(label, " by year")) label.resize(label.size() - 8);
  if (absl::StartsWith(label, "No. of ")) label = "number of " + label.substr(7);
  else if (absl::StartsWith(label, "% of ")) label = "percentage of " + label.substr(5);
  else if (label.size() > 1 && std::isupper(static_cast<unsigned char>(label[0])) &&
           !std::isupper(static_cast<unsigned char>(label[1])))
    label[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(label[0])));
  return "The " + label;
}

std::string Marker(const std::string& key, const std::map<std::string, QuotedFigure>& figures) {
  auto it = figures.find(key);
  return absl::StrCat("{{", key, " = ", it == figures.end() ? kNotAvailable : it->second.text, "}}");
}

// The projection's tables and figure (projection.h) are not years of a series: their
// draft says what is projected and what it costs, with markers. "" for any other.
std::string ProjectionSentences(const v1::Table& t, const std::map<std::string, QuotedFigure>& figures) {
  if (t.rows().empty() || t.periods_size() < 2) return "";
  const std::string& id = t.rows(0).indicator();
  if (id != "forecast_children" && id != "forecast_cost") return "";
  auto key = [&](const std::string& placement, int period) {
    return absl::StrCat(t.id(), "/", KeyOf(id, "placement=" + placement), "/", t.periods(period));
  };
  if (id == "forecast_children") {
    if (t.periods_size() < 4) return "";
    return absl::StrCat("The council looked after ", Marker(key("all", 0), figures), " children (", t.periods(0),
                        "). If children come into care, move between placements and leave as they did in the months "
                        "before, the model expects ", Marker(key("all", 1), figures), " (", t.periods(1),
                        "), most likely between ", Marker(key("all", 2), figures), " and ",
                        Marker(key("all", 3), figures), ": ", Marker(key("fostering", 1), figures), " fostered and ",
                        Marker(key("residential", 1), figures), " in residential placements.");
  }
  return absl::StrCat("At the weekly costs shown, placements would cost ", Marker(key("all", 1), figures), " (",
                      t.periods(1), "): residential placements ", Marker(key("residential", 1), figures),
                      " and fostering ", Marker(key("fostering", 1), figures), ".");
}
std::string ProjectionSentences(const v1::Figure& f, const std::map<std::string, QuotedFigure>& figures) {
  if (f.series_size() < 2 || f.series(1).role() != "projection") return "";
  const int n = f.periods_size();
  if (n == 0) return "";
  int last_actual = -1;
  for (int i = 0; i < n && i < f.series(0).values_size(); ++i)
    if (f.series(0).values(i).has_value()) last_actual = i;
  if (last_actual < 0) return "";
  auto key = [&](int series, int period) {
    return absl::StrCat(f.id(), "/", f.series(series).entity(), "/", f.periods(period));
  };
  std::string s = absl::StrCat("Children looked after numbered ", Marker(key(0, last_actual), figures), " in ",
                               f.periods(last_actual), " and are projected at ", Marker(key(1, n - 1), figures), " in ",
                               f.periods(n - 1));
  if (f.series_size() >= 4)
    absl::StrAppend(&s, " (the band: ", Marker(key(2, n - 1), figures), " to ", Marker(key(3, n - 1), figures), ")");
  return s + ".";
}

// Sentences on one series of values over `periods`: the change over the last year,
// the previous year's figure, and how far back the figure was last as high (or low).
std::string SeriesSentences(const std::string& subject, const std::string& base, const std::string& unit,
                            const google::protobuf::RepeatedPtrField<v1::Cell>& values,
                            const google::protobuf::RepeatedPtrField<std::string>& periods,
                            const std::map<std::string, QuotedFigure>& figures) {
  const int n = std::min(values.size(), periods.size());
  if (n == 0 || !values[n - 1].has_value() || values[n - 1].suppressed()) return "";
  const std::string now = Marker(base + periods[n - 1], figures);
  const double v = values[n - 1].value();
  if (n < 2 || !values[n - 2].has_value() || values[n - 2].suppressed()) {
    return absl::StrCat(subject, " was ", now, " in ", periods[n - 1], ".");
  }
  const double p = values[n - 2].value();
  const std::string before = Marker(base + periods[n - 2], figures);
  const auto change = figures.find(base + "change_1y");
  const bool same = figures.at(base + periods[n - 1]).text == figures.at(base + periods[n - 2]).text;
  std::string out;
  if (same) {
    out = absl::StrCat(subject, " was unchanged at ", now, " in ", periods[n - 1], ".");
  } else {
    const bool rose = v > p;
    // A percentage's change in per cent of itself misleads ("rose by 1% to 24.5%"): the
    // two years' figures say it.
    const bool with_pct =
        change != figures.end() && change->second.text != kNotAvailable && p != 0 && !IsPercentUnit(unit);
    out = absl::StrCat(subject, rose ? " rose" : " fell", with_pct ? " by " + Marker(base + "change_1y", figures) : "",
                       " to ", now, " in ", periods[n - 1], ", compared with ", before, " in ", periods[n - 2], ".");
    // The highest (lowest) since: the last earlier year at or beyond this figure.
    int j = n - 3;
    while (j >= 0 && !(values[j].has_value() && (rose ? values[j].value() >= v : values[j].value() <= v))) --j;
    if (n >= 3) {
      if (j < 0) {
        absl::StrAppend(&out, " This is the ", rose ? "highest" : "lowest", " of the ", n, " years shown, from ",
                        periods[0], ".");
      } else if (j < n - 3) {
        absl::StrAppend(&out, " This is the ", rose ? "highest" : "lowest", " since ", periods[j], " (",
                        Marker(base + periods[j], figures), ").");
      }
    }
  }
  return out;
}

std::string ComparatorSentence(const std::vector<std::pair<std::string, std::string>>& named) {
  // named: words ("statistical neighbours"), marker
  if (named.empty()) return "";
  std::vector<std::string> parts;
  for (const auto& [words, marker] : named) parts.push_back(absl::StrCat(words, " (", marker, ")"));
  std::string list = parts.back();
  if (parts.size() > 1) {
    parts.pop_back();
    list = absl::StrCat(absl::StrJoin(parts, ", "), " and ", list);
  }
  return absl::StrCat(" This compares with ", list, ".");
}

std::string ComparatorWordsOf(const std::string& entity) {
  if (entity == "ENG") return "England";
  if (entity == "LON") return "London";
  if (absl::StartsWith(entity, "SN:")) return "statistical neighbours";
  return ComparatorLabel(entity);
}

}  // namespace

std::string DraftNarrative(const v1::AnnualReport& r, const v1::SelfAssessment* sa) {
  const auto figures = QuotableFigures(r);
  std::string d = "---\n";
  absl::StrAppend(&d, "# The cover sheet: replace each TODO (a value left TODO prints 'not yet written').\n");
  for (const auto& f : CoverFields()) {
    if (std::string(f.key) == "title") absl::StrAppend(&d, "title: ", ReportTitle(r), "\n");
    else absl::StrAppend(&d, f.key, ": TODO ", f.label, "\n");
  }
  absl::StrAppend(&d, "recommendations:\n- TODO what Cabinet is asked to do\nreasons:\n- TODO why\n---\n\n");
  absl::StrAppend(&d, "## Summary\n\nTODO: what this report covers and its main messages.\n\n");
  for (const auto& t : r.tables()) {
    absl::StrAppend(&d, "## Table ", t.number(), ": ", t.title(), "\n\n");
    if (std::string p = ProjectionSentences(t, figures); !p.empty()) {
      absl::StrAppend(&d, p, "\n\n");
      continue;
    }
    std::vector<std::string> sentences;
    for (const auto& row : t.rows()) {
      const std::string base = absl::StrCat(t.id(), "/", KeyOf(row.indicator(), row.breakdown()), "/");
      std::string s = SeriesSentences(Subject(row.label()), base, row.unit(), row.values(), t.periods(), figures);
      if (s.empty()) continue;
      std::vector<std::pair<std::string, std::string>> named;
      for (int i = 0; i < row.comparators_size() && i < t.comparator_entities_size(); ++i) {
        if (!row.comparators(i).has_value()) continue;
        named.emplace_back(ComparatorWordsOf(t.comparator_entities(i)),
                           Marker(base + t.comparator_entities(i), figures));
      }
      sentences.push_back(s + ComparatorSentence(named));
    }
    absl::StrAppend(&d, sentences.empty() ? "TODO: no figure of this table is held for the year." : absl::StrJoin(sentences, " "),
                    "\n\n");
  }
  for (const auto& f : r.figures()) {
    absl::StrAppend(&d, "## Figure ", f.number(), ": ", f.title(), "\n\n");
    if (std::string p = ProjectionSentences(f, figures); !p.empty()) {
      absl::StrAppend(&d, p, "\n\n");
      continue;
    }
    std::string s;
    std::vector<std::pair<std::string, std::string>> named;
    const int n = f.periods_size();
    for (int k = 0; k < f.series_size(); ++k) {
      const auto& series = f.series(k);
      const std::string base = absl::StrCat(f.id(), "/", series.entity(), "/");
      if (k == 0) {
        s = SeriesSentences(Subject(f.title()), base, f.unit(), series.values(), f.periods(), figures);
      } else if (n > 0 && series.values_size() >= n && series.values(n - 1).has_value()) {
        named.emplace_back(ComparatorWordsOf(series.entity()), Marker(base + f.periods(n - 1), figures));
      }
    }
    absl::StrAppend(&d, s.empty() ? "TODO: no figure is held for the year." : s + ComparatorSentence(named), "\n\n");
  }
  for (const auto& [name, anchor] : NarrativeImplications())
    absl::StrAppend(&d, "## Implications / ", name, "\n\nTODO: the ", Lower(name), " implications.\n\n");
  if (sa != nullptr) {
    for (const auto& h : NarrativeHeadings(nullptr, sa))
      absl::StrAppend(&d, "## ", h.heading, "\n\nTODO: the self-evaluation's text for this slot.\n\n");
  }
  return d;
}

}  // namespace carestat
