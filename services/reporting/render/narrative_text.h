// File: narrative_text.h
// The council's narrative (reports/narrative.h) as each renderer prints it: emphasis
// split into spans, paragraphs and list items as HTML (every character escaped: no
// markup of the file's reaches the page but *emphasis* and **strong**) or Markdown.
//   for (const Span& s : EmphasisSpans("The **highest** since 2012-13")) ...
//   h += NarrativeHtml(NarrativeFor(report, "table1"));
#pragma once

#include <string>
#include <vector>

#include "carestat/v1/reporting.pb.h"

namespace carestat {

struct Span {
  std::string text;
  bool bold = false;
  bool italic = false;
};
// "**x**" bold, "*x*" italic; a text whose asterisks do not pair is one plain span.
std::vector<Span> EmphasisSpans(const std::string& text);

// Whether the report carries a narrative. Not has_narrative(): code that walks the report
// by reflection (disclosure control) may leave an empty one behind.
bool HasNarrative(const v1::AnnualReport& r);

// The section of the narrative beside `anchor` ("table1", "summary", "section:Child
// protection", "implications_financial"); null when the narrative has none, or only
// TODO guidance there (a placeholder is printed instead where one is due).
const v1::NarrativeSection* NarrativeFor(const v1::AnnualReport& r, const std::string& anchor);

// An empty cover value prints this.
extern const char kNotYetWritten[];
// The notes' paragraph listing the stale sentences ("" when none).
std::string StaleNote(const google::protobuf::RepeatedPtrField<std::string>& stale);

std::string NarrativeHtml(const v1::NarrativeSection* s);
std::string NarrativeMarkdown(const v1::NarrativeSection* s);
// Text with emphasis, as HTML (escaped) or kept as Markdown.
std::string EmphasisHtml(const std::string& text);

}  // namespace carestat
