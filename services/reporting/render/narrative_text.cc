#include "services/reporting/render/narrative_text.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/reporting/render/chart.h"

namespace carestat {

const char kNotYetWritten[] = "not yet written";

std::vector<Span> EmphasisSpans(const std::string& text) {
  std::vector<Span> out;
  Span cur;
  bool bold = false, italic = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const bool dbl = text.compare(i, 2, "**") == 0;
    if (text[i] != '*') {
      cur.text.push_back(text[i]);
      continue;
    }
    if (!cur.text.empty()) out.push_back(cur);
    cur = Span();
    if (dbl) {
      bold = !bold;
      ++i;
    } else {
      italic = !italic;
    }
    cur.bold = bold;
    cur.italic = italic;
  }
  if (!cur.text.empty()) out.push_back(cur);
  if (bold || italic) return {Span{text}};   // unpaired: the asterisks are the writer's own
  return out;
}

bool HasNarrative(const v1::AnnualReport& r) { return r.narrative().cover_size() > 0; }

const v1::NarrativeSection* NarrativeFor(const v1::AnnualReport& r, const std::string& anchor) {
  for (const auto& s : r.narrative().sections()) {
    if (s.anchor() == anchor) return s.paragraphs().empty() ? nullptr : &s;
  }
  return nullptr;
}

std::string StaleNote(const google::protobuf::RepeatedPtrField<std::string>& stale) {
  if (stale.empty()) return "";
  return absl::StrCat("Stale sentences: ", stale.size(),
                      " sentence(s) of the narrative quote a figure that has changed since they were written, and are "
                      "marked [stale] where they stand: ",
                      absl::StrJoin(stale, "; "), ".");
}

std::string EmphasisHtml(const std::string& text) {
  std::string h;
  for (const Span& s : EmphasisSpans(text)) {
    std::string t = HtmlEscape(s.text);
    if (s.italic) t = absl::StrCat("<em>", t, "</em>");
    if (s.bold) t = absl::StrCat("<strong>", t, "</strong>");
    h += t;
  }
  return h;
}

std::string NarrativeHtml(const v1::NarrativeSection* s) {
  if (s == nullptr) return "";
  std::string h = "<div class=\"narrative\">\n";
  bool in_list = false;
  for (const auto& p : s->paragraphs()) {
    if (p.list_item() != in_list) {
      h += p.list_item() ? "<ul>\n" : "</ul>\n";
      in_list = p.list_item();
    }
    absl::StrAppend(&h, p.list_item() ? "<li" : "<p", p.stale() ? " class=\"stale\"" : "", ">", EmphasisHtml(p.text()),
                    p.list_item() ? "</li>\n" : "</p>\n");
  }
  if (in_list) h += "</ul>\n";
  return h + "</div>\n";
}

std::string NarrativeMarkdown(const v1::NarrativeSection* s) {
  if (s == nullptr) return "";
  std::string md;
  bool in_list = false;
  for (const auto& p : s->paragraphs()) {
    if (in_list && !p.list_item()) md += "\n";
    in_list = p.list_item();
    absl::StrAppend(&md, p.list_item() ? "- " : "", p.text(), p.list_item() ? "\n" : "\n\n");
  }
  if (in_list) md += "\n";
  return md;
}

}  // namespace carestat
